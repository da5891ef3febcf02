/** Real remotes for the cross-machine tests: bare repositories, clones, and a git daemon on 127.0.0.1. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { testEnv } from './env.js';
import { conductor, conductorAsync, type CliResult } from './cli.js';
import { git } from './git.js';
import { tempDir } from './repo.js';
import { phaseDir } from './state.js';

/** A bare repository under a fresh base directory (the daemon's --base-path). */
export function makeBare(name = 'shared.git'): { base: string; bare: string; url: string } {
  const base = tempDir('conductor-remote-');
  const bare = join(base, name);
  git(base, 'init', '-q', '--bare', bare);
  return { base, bare, url: `file://${bare}` };
}

/** A clone of `url` with one commit, its coordination remote set up with `init`, acting as `agent`. */
export function makeClone(url: string, agent: string, opts: { init?: boolean } = {}): Clone {
  const dir = join(tempDir('conductor-clone-'), 'work');
  git('/', 'clone', '-q', url, dir);
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'initial');
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
  /** The environment this clone's agent runs in, for processes started some other way (e.g. race()). */
  env(extra: Record<string, string> = {}) {
    return { CONDUCTOR_AGENT: this.agent, ...extra };
  }
  /** conductor() with --json, in this clone, as its agent. */
  run(args: string[], env: Record<string, string> = {}): CliResult {
    return conductor([...args, '--json'], { cwd: this.dir, agent: this.agent, env });
  }
  runAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return conductorAsync([...args, '--json'], { cwd: this.dir, agent: this.agent, env });
  }
  /** git() in this clone. */
  git(args: string[]): string {
    return git(this.dir, ...args);
  }
}

/** The record file of entry `seq` of `phase` in this clone's state, e.g. to corrupt it. */
export const entryFile = (c: Clone, sprint: string, phase: string, seq: number) =>
  join(phaseDir(c.dir, sprint, phase), String(seq).padStart(6, '0'), 'record.json');

/** Phase graph of `n` independent read phases p1..pn: claims on different phases never block each other. */
export const independentPhases = (n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ name: `p${i + 1}`, depends_on: [], concurrency: 'read' })));

export async function freePort(): Promise<number> {
  return new Promise((resolveP, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolveP(port));
    });
  });
}

export const canConnect = (port: number) =>
  new Promise<boolean>((done) => {
    const sock = connect({ host: '127.0.0.1', port }, () => {
      sock.destroy();
      done(true);
    });
    sock.on('error', () => done(false));
  });

const daemons: ChildProcess[] = [];
const stopAll = () => {
  for (const d of daemons) stopProcessGroup(d);
};
afterAll(stopAll);
/** Servers started by other helpers (sshd, a web server) are stopped with the daemons. */
export const trackServer = (p: ChildProcess) => void daemons.push(p);
// Also when the test process itself goes down: a daemon must never outlive the run.
process.on('exit', stopAll);

export function stopProcessGroup(p: ChildProcess): void {
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

/** How long a daemon may take to start listening, or to let go of its port, on a loaded machine. */
const DAEMON_WAIT_MS = 30_000;

/**
 * `git daemon` on 127.0.0.1 serving `base` (push enabled), in its own process
 * group so it can be killed whole. Resolves once it accepts connections. A free
 * port may be taken by someone else before the daemon binds it: then another
 * is tried; a port asked for (to bring a killed remote back) must be the one.
 */
export async function startDaemon(base: string, port?: number): Promise<Daemon> {
  for (let attempt = 1; ; attempt++) {
    const p = port ?? (await freePort());
    const started = await tryDaemon(base, p);
    if (started) return started;
    if (port !== undefined || attempt >= 3) throw new Error(`git daemon did not start listening on 127.0.0.1:${p}`);
  }
}

async function tryDaemon(base: string, p: number): Promise<Daemon | undefined> {
  const child = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--listen=127.0.0.1',
      `--port=${p}`,
      `--base-path=${base}`,
      '--export-all',
      '--enable=receive-pack',
      '--informative-errors',
      base,
    ],
    {
      env: testEnv(),
      stdio: 'ignore',
      detached: true,
    },
  );
  daemons.push(child);
  const deadline = Date.now() + DAEMON_WAIT_MS;
  while (!(await canConnect(p))) {
    // Exited (e.g. the port is taken), or never got going: give up on this one.
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      stopProcessGroup(child);
      return undefined;
    }
    await sleep(50);
  }
  return {
    port: p,
    url: (repo) => `git://127.0.0.1:${p}/${repo}`,
    kill: async () => {
      stopProcessGroup(child);
      const until = Date.now() + DAEMON_WAIT_MS;
      while (await canConnect(p)) {
        if (Date.now() > until) throw new Error(`git daemon on port ${p} still accepts connections after it was killed`);
        await sleep(20);
      }
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
