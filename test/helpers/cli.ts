/**
 * The one way tests run the built CLI (dist/cli.cjs) as a user or agent would: a separate Node process in a clean
 * environment. Every form takes the same options, so a test says who runs it (`agent`) the same way everywhere.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { testEnv } from './env.js';
import type { RunResult } from './git.js';

export const CLI = resolve(__dirname, '../../dist/cli.cjs');

export interface CliOptions {
  cwd: string;
  /** Runs as this agent (CONDUCTOR_AGENT), the way an agent's session sets it. */
  agent?: string;
  /** Added to the clean test environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to the CLI's stdin. */
  input?: string;
  /** Node options before the script, e.g. ['-r', preload]. */
  nodeArgs?: string[];
}

export interface CliResult extends RunResult {
  /** stdout parsed as JSON, when it is. */
  json: any;
}

const parse = (s: string) => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

const envOf = (opts: CliOptions) => testEnv({ ...(opts.agent === undefined ? {} : { CONDUCTOR_AGENT: opts.agent }), ...opts.env });
const argvOf = (args: string[], opts: CliOptions) => [...(opts.nodeArgs ?? []), CLI, ...args];

/** Runs the CLI to the end. `args` are passed as given: add '--json' for machine output. */
export function conductor(args: string[], opts: CliOptions): CliResult {
  const r = spawnSync(process.execPath, argvOf(args, opts), { cwd: opts.cwd, env: envOf(opts), encoding: 'utf8', input: opts.input });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: parse(r.stdout) };
}

/** Starts the CLI and hands back the process, for tests that watch or kill it mid-way. */
export function spawnConductor(args: string[], opts: CliOptions): ChildProcess {
  const child = spawn(process.execPath, argvOf(args, opts), { cwd: opts.cwd, env: envOf(opts) });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  return child;
}

/** Like conductor(), without blocking: for several CLI processes at once. */
export function conductorAsync(args: string[], opts: CliOptions): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawnConductor(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr, json: parse(stdout) }));
  });
}
