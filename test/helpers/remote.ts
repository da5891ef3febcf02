/** Real remotes for the cross-machine tests: bare repositories, clones, and a git daemon on 127.0.0.1. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { testEnv } from './env.js';
import { cli, cliAsync, gitSync, tempDir, type CliResult } from './repo.js';

/** A bare repository under a fresh base directory (the daemon's --base-path). */
export function makeBare(name = 'shared.git'): { base: string; bare: string; url: string } {
  const base = tempDir('conductor-remote-');
  const bare = join(base, name);
  gitSync(['init', '-q', '--bare', bare], base);
  return { base, bare, url: `file://${bare}` };
}

/** A clone of `url` with one commit, its coordination remote set up with `init`, acting as `agent`. */
export function makeClone(url: string, agent: string, opts: { init?: boolean } = {}): Clone {
  const dir = join(tempDir('conductor-clone-'), 'work');
  gitSync(['clone', '-q', url, dir], '/');
  gitSync(['commit', '-q', '--allow-empty', '-m', 'initial'], dir);
  const c = new Clone(dir, agent);
  if (opts.init !== false) {
    const r = c.run(['init']);
    if (r.code !== 0) throw new Error(`init failed: ${r.stderr}${r.stdout}`);
  }
  return c;
}

export class Clone {
  constructor(
    readonly dir: string,
    readonly agent: string,
  ) {}
  env(extra: Record<string, string> = {}) {
    return { CONDUCTOR_AGENT: this.agent, ...extra };
  }
  /** Runs the CLI with --json in this clone. */
  run(args: string[], extra: Record<string, string> = {}): CliResult {
    return cli([...args, '--json'], { cwd: this.dir, env: this.env(extra) });
  }
  runAsync(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
    return cliAsync([...args, '--json'], { cwd: this.dir, env: this.env(extra) });
  }
  git(args: string[]): string {
    return gitSync(args, this.dir);
  }
}

/** Phase graph of `n` independent read phases p1..pn: claims on different phases never block each other. */
export const independentPhases = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ name: `p${i + 1}`, depends_on: [], concurrency: 'read' })));

async function freePort(): Promise<number> {
  return new Promise((resolveP, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolveP(port));
    });
  });
}

const canConnect = (port: number) =>
  new Promise<boolean>((done) => {
    const sock = connect({ host: '127.0.0.1', port }, () => {
      sock.destroy();
      done(true);
    });
    sock.on('error', () => done(false));
  });

const daemons: ChildProcess[] = [];
afterAll(() => {
  for (const d of daemons) stopProcessGroup(d);
});

function stopProcessGroup(p: ChildProcess): void {
  if (p.exitCode !== null || p.signalCode !== null || !p.pid) return;
  try {
    process.kill(-p.pid, 'SIGKILL'); // the daemon and the receive-pack children it forked
  } catch {
    // already gone
  }
}

export interface Daemon {
  port: number;
  url: (repo: string) => string;
  /** Kills the daemon and every connection it is serving, now. */
  kill: () => Promise<void>;
}

/** `git daemon` on 127.0.0.1 serving `base` (push enabled), in its own process group so it can be killed whole. */
export async function startDaemon(base: string, port?: number): Promise<Daemon> {
  const p = port ?? (await freePort());
  const child = spawn('git', ['daemon', '--reuseaddr', '--listen=127.0.0.1', `--port=${p}`, `--base-path=${base}`, '--export-all', '--enable=receive-pack', '--informative-errors', base], {
    env: testEnv(),
    stdio: 'ignore',
    detached: true,
  });
  daemons.push(child);
  for (let i = 0; i < 100 && !(await canConnect(p)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    port: p,
    url: (repo) => `git://127.0.0.1:${p}/${repo}`,
    kill: async () => {
      stopProcessGroup(child);
      for (let i = 0; i < 100 && (await canConnect(p)); i++) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

/** Installs a server-side hook in a bare repository. */
export function serverHook(bare: string, name: string, script: string): void {
  mkdirSync(join(bare, 'hooks'), { recursive: true });
  const file = join(bare, 'hooks', name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
