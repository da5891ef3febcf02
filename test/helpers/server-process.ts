/**
 * A server the tests start (sshd, a web server): its own process group, a free
 * port on 127.0.0.1, and stopped with the git daemons when the file's tests end
 * or the test process exits, so none outlives the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { testEnv } from './env.js';
import { canConnect, freePort, sleep, stopProcessGroup, trackServer } from './remote.js';

const START_WAIT_MS = 30_000;

export interface ServerProcess {
  port: number;
  stop: () => Promise<void>;
}

/**
 * Starts `cmd` with the args `argsFor(port)` builds, on a free port, and
 * resolves once the port accepts connections. A port taken by someone else
 * between choosing and binding it means another try.
 */
export async function startServer(what: string, cmd: string, argsFor: (port: number) => string[], log?: string): Promise<ServerProcess> {
  let lastExit = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const child = spawn(cmd, argsFor(port), { env: testEnv(), stdio: 'ignore', detached: true });
    trackServer(child);
    if (await listening(child, port)) return { port, stop: () => stopped(child, port, what) };
    stopProcessGroup(child);
    lastExit = `exit ${child.exitCode ?? child.signalCode ?? 'none'}${log && existsSync(log) ? `: ${readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ')}` : ''}`;
  }
  throw new Error(`${what} did not start listening on 127.0.0.1 (${lastExit})`);
}

async function listening(child: ChildProcess, port: number): Promise<boolean> {
  const deadline = Date.now() + START_WAIT_MS;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

async function stopped(child: ChildProcess, port: number, what: string): Promise<void> {
  stopProcessGroup(child);
  const until = Date.now() + START_WAIT_MS;
  while (await canConnect(port)) {
    if (Date.now() > until) throw new Error(`${what} on port ${port} still accepts connections after it was killed`);
    await sleep(20);
  }
}

/** The absolute path of a program (sshd, lighttpd live in sbin, often not on a user's PATH). */
export function findProgram(
  name: string,
  dirs: string[] = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin'],
): string | undefined {
  for (const d of dirs) if (existsSync(`${d}/${name}`)) return `${d}/${name}`;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}
