/**
 * The four ways a clone reaches its coordination remote, behind one shape, so
 * a test can run on each: file://, `git daemon` (git://), OpenSSH (ssh://) and
 * smart HTTP (http://, git http-backend behind lighttpd). Every server runs on
 * 127.0.0.1, is started by the test file that needs it and stopped with it.
 *
 * sshd and lighttpd are system packages: where one is missing its transport is
 * skipped with the reason, unless CONDUCTOR_TEST_REQUIRE_TRANSPORTS=1 (CI sets
 * it, after installing them), when a missing server fails the run.
 */
import { join } from 'node:path';
import { startHttpServer, httpUnavailable, type HttpServer } from './http-server.js';
import { Clone, makeBare, startDaemon, type Daemon } from './remote.js';
import { git } from './git.js';
import { tempDir } from './repo.js';
import { sshUnavailable, startSshServer, type SshServer } from './ssh-server.js';

export type TransportName = 'file' | 'git' | 'ssh' | 'http';
export const TRANSPORTS: TransportName[] = ['file', 'git', 'ssh', 'http'];

const required = process.env.CONDUCTOR_TEST_REQUIRE_TRANSPORTS === '1';

/** Why this transport's tests are skipped here; undefined: they run (or must run, and fail if they cannot). */
export function skipReason(name: TransportName): string | undefined {
  const why = name === 'ssh' ? sshUnavailable() : name === 'http' ? httpUnavailable() : undefined;
  return why && !required ? why : undefined;
}

export interface Served {
  name: TransportName;
  /** A new empty bare repository on this transport. */
  newRemote: (name?: string) => { bare: string; url: string };
  /** Git config a clone needs to reach the remote (the ssh command with the throwaway key). */
  cloneConfig: Record<string, string>;
  /** A clone of `url` with one commit, `init`ed unless told not to, acting as `agent`. */
  clone: (url: string, agent: string, opts?: { init?: boolean }) => Clone;
  stop: () => Promise<void>;
}

let counter = 0;

export async function serve(name: TransportName): Promise<Served> {
  let stop = async () => {};
  let newRemote: Served['newRemote'];
  let cloneConfig: Record<string, string> = {};
  if (name === 'file') {
    newRemote = (n = 'shared.git') => makeBare(n);
  } else if (name === 'git') {
    const base = tempDir('conductor-remote-');
    const daemon: Daemon = await startDaemon(base);
    newRemote = (n = 'shared.git') => {
      const repo = `${++counter}-${n}`;
      const bare = join(base, repo);
      git(base, 'init', '-q', '--bare', bare);
      return { bare, url: daemon.url(repo) };
    };
    stop = daemon.kill;
  } else if (name === 'ssh') {
    const ssh: SshServer = await startSshServer();
    newRemote = (n = 'shared.git') => {
      const { bare } = makeBare(n);
      return { bare, url: ssh.url(bare) };
    };
    cloneConfig = { 'core.sshCommand': ssh.sshCommand };
    stop = ssh.stop;
  } else {
    const http: HttpServer = await startHttpServer();
    newRemote = (n = 'shared.git') => http.newRepo(`${++counter}-${n}`);
    stop = http.stop;
  }
  const clone = (url: string, agent: string, opts: { init?: boolean } = {}) => {
    const dir = join(tempDir('conductor-clone-'), 'work');
    git('/', 'clone', '-q', ...Object.entries(cloneConfig).flatMap(([k, v]) => ['-c', `${k}=${v}`]), url, dir);
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
    const c = new Clone(dir, agent);
    if (opts.init !== false) {
      const r = c.run(['init']);
      if (r.code !== 0) throw new Error(`init over ${name} failed: ${r.stderr}${r.stdout}`);
    }
    return c;
  };
  return { name, newRemote, cloneConfig, clone, stop };
}
