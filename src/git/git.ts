/**
 * The only module that spawns git. Hooks run with GIT_DIR, GIT_INDEX_FILE and
 * friends set for the user's repository; those must not leak into the git
 * commands we run against another repository or our own refs, so callers say
 * which environment they want and we scrub the rest.
 */
import type * as ChildProcess from 'node:child_process';

// Loaded on first use: child_process pulls in net, streams and more, and most
// commands never spawn git (the repository is found without it).
const childProcess = () => process.getBuiltinModule('node:child_process') as typeof ChildProcess;

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  cwd: string;
  input?: string | Uint8Array;
  /** Don't throw on a non-zero exit; the caller reads `code`. */
  allowFail?: boolean;
  /** Kills git after this long (network operations). */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** Keep GIT_DIR and friends (only when the caller means the hook's own repository). */
  keepGitEnv?: boolean;
}

const SCRUB = [
  'GIT_DIR',
  'GIT_INDEX_FILE',
  'GIT_WORK_TREE',
  'GIT_PREFIX',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_QUARANTINE_PATH',
];

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly result: GitResult,
  ) {
    super(`git ${args.join(' ')} failed (code ${result.code}): ${result.stderr.trim().split('\n').pop() ?? ''}`);
  }
}

/**
 * A pre-receive hook sees the objects being pushed only through git's
 * quarantine variables (GIT_OBJECT_DIRECTORY and friends). A process that is
 * such a hook (`server pre-receive`) hands them here once, and every git it
 * runs then reads the pushed objects too; no other process ever sets them.
 */
let objectStore: Record<string, string> = {};
export function useObjectStore(vars: Record<string, string>): void {
  objectStore = { ...vars };
}

function envFor(opts: GitOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...opts.env };
  if (!opts.keepGitEnv) for (const k of SCRUB) delete env[k];
  return { ...env, ...objectStore };
}

export function git(args: string[], opts: GitOptions): GitResult {
  const r = childProcess().spawnSync('git', args, {
    cwd: opts.cwd,
    input: opts.input,
    env: envFor(opts),
    encoding: 'utf8',
    timeout: opts.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('git is not installed or not on PATH');
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  // A killed git says nothing about why: the last line of stderr says it for the caller's message.
  const result = {
    code: r.status ?? 128,
    stdout: (r.stdout ?? '').replace(/\n$/, ''),
    stderr: `${r.stderr ?? ''}${timedOut ? `\ngit timed out after ${opts.timeoutMs} ms` : ''}`,
  };
  if (r.error && !opts.allowFail) throw new GitError(args, { ...result, stderr: String(r.error.message) });
  if (result.code !== 0 && !opts.allowFail) throw new GitError(args, result);
  return result;
}

/** Like git(), but stdout as raw bytes: trees and blobs from `cat-file --batch` are not text. */
export function gitBytes(args: string[], opts: GitOptions): { code: number; stdout: Buffer; stderr: string } {
  const r = childProcess().spawnSync('git', args, {
    cwd: opts.cwd,
    input: opts.input,
    env: envFor(opts),
    timeout: opts.timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('git is not installed or not on PATH');
  const result = { code: r.status ?? 128, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? Buffer.alloc(0)).toString('utf8') };
  if ((r.error || result.code !== 0) && !opts.allowFail)
    throw new GitError(args, { code: result.code, stdout: '', stderr: r.error ? String(r.error.message) : result.stderr });
  return result;
}

/**
 * Starts git in the background, detached from this process (its own process
 * group, no stdio), and returns at once: for housekeeping whose result no
 * command waits for. Errors are ignored; the next trigger tries again.
 */
export function gitDetached(args: string[], opts: Pick<GitOptions, 'cwd'>): void {
  try {
    const child = childProcess().spawn('git', args, { cwd: opts.cwd, env: envFor({ cwd: opts.cwd }), detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Housekeeping only.
  }
}
