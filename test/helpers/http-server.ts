/**
 * Smart HTTP for the transport tests: `git http-backend` behind a real web
 * server (lighttpd with mod_alias, mod_setenv and mod_cgi) on 127.0.0.1,
 * serving every repository under one project root. Push needs
 * `http.receivepack=true` in the repository, since there is no authenticated
 * user (newRepo sets it). Stopped with the other servers.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git.js';
import { tempDir } from './repo.js';
import { findProgram, startServer } from './server-process.js';

export interface HttpServer {
  /** Where the served repositories live (GIT_PROJECT_ROOT). */
  root: string;
  /** A bare repository under the root, push enabled. */
  newRepo: (name: string) => { bare: string; url: string };
  stop: () => Promise<void>;
}

const backend = () => {
  const r = spawnSync('git', ['--exec-path'], { encoding: 'utf8' });
  return r.status === 0 ? join(r.stdout.trim(), 'git-http-backend') : undefined;
};

export function httpUnavailable(): string | undefined {
  if (!findProgram('lighttpd')) return 'lighttpd not found (apt-get install -y lighttpd)';
  const b = backend();
  if (!b || spawnSync('test', ['-x', b]).status !== 0) return 'git-http-backend not found next to git';
  return undefined;
}

export async function startHttpServer(): Promise<HttpServer> {
  const why = httpUnavailable();
  if (why) throw new Error(`cannot start the web server: ${why}`);
  const dir = tempDir('conductor-httpd-');
  const root = join(dir, 'repos');
  const docs = join(dir, 'www');
  mkdirSync(root);
  mkdirSync(docs);
  const log = join(dir, 'error.log');
  const config = join(dir, 'lighttpd.conf');
  const quote = (s: string) => JSON.stringify(s);
  const server = await startServer(
    'lighttpd',
    findProgram('lighttpd')!,
    (port) => {
      writeFileSync(
        config,
        [
          `server.document-root = ${quote(docs)}`,
          'server.bind = "127.0.0.1"',
          `server.port = ${port}`,
          'server.modules = ("mod_alias", "mod_setenv", "mod_cgi")',
          `server.errorlog = ${quote(log)}`,
          `alias.url = ("/git/" => ${quote(`${backend()}/`)})`,
          '$HTTP["url"] =~ "^/git/" {',
          '  cgi.assign = ("" => "")',
          // The backend and the hooks it runs get no environment but this (CGI): say where the repositories are, and a PATH.
          `  setenv.set-environment = ("GIT_PROJECT_ROOT" => ${quote(root)}, "GIT_HTTP_EXPORT_ALL" => "1", "PATH" => ${quote(process.env.PATH ?? '/usr/bin:/bin')})`,
          '}',
        ].join('\n') + '\n',
      );
      return ['-D', '-f', config];
    },
    log,
  );
  return {
    root,
    newRepo: (name) => {
      const bare = join(root, name);
      git(root, 'init', '-q', '--bare', bare);
      git(bare, 'config', 'http.receivepack', 'true');
      return { bare, url: `http://127.0.0.1:${server.port}/git/${name}` };
    },
    stop: server.stop,
  };
}
