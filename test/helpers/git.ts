/** The one way tests run git: a clean environment (see env.ts), the output captured, failures loud unless asked for. */
import { spawnSync } from 'node:child_process';
import { testEnv } from './env.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  /** Added to the clean test environment; undefined removes a variable (e.g. hookEnv() to let hooks find the CLI). */
  env?: Record<string, string | undefined>;
  input?: string | Uint8Array;
}

/** Runs git and returns its exit code and output, whatever the exit code: for commands a test expects to fail. */
export function gitRun(cwd: string, args: string[], opts: GitOptions = {}): RunResult {
  const r = spawnSync('git', args, { cwd, env: testEnv(opts.env), encoding: 'utf8', input: opts.input });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs git and returns its trimmed stdout; throws, with git's stderr, when git fails. */
export function git(cwd: string, ...args: string[]): string {
  const r = gitRun(cwd, args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** True when `ref` names an object in the repository at `cwd`. */
export const hasRef = (cwd: string, ref: string) => gitRun(cwd, ['rev-parse', '--verify', '-q', ref]).code === 0;
