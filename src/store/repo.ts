/**
 * Finds the repository from any subdirectory or worktree. The common git dir
 * is what every worktree shares, so the state lives there. Discovery reads
 * the `.git` file/directory itself (no process spawn on the hot path) and asks
 * git only when GIT_DIR and friends override the usual layout, as in hooks or
 * from outside the work tree. Those variables are read by the CLI and come in
 * as `RepoEnv`; git is asked with exactly them.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { invalid } from '../core/errors.js';
import { git } from '../git/git.js';
import { readBoundedText } from './bounded-read.js';

/** GIT_DIR, GIT_WORK_TREE and GIT_COMMON_DIR as the caller's environment sets them. */
export interface RepoEnv {
  gitDir?: string;
  workTree?: string;
  commonDir?: string;
}

export interface RepoPaths {
  /** The work tree's top directory (undefined in a bare repository). */
  top: string | undefined;
  gitDir: string;
  commonDir: string;
}

const notARepo = (cwd: string) =>
  invalid('E_NOT_A_REPO', `not inside a git repository (${cwd}): cd into one, or run 'git init' first`, { cwd });

export function findRepo(cwd: string, env: RepoEnv = {}): RepoPaths {
  if (env.gitDir || env.commonDir || env.workTree) return askGit(cwd, env);
  let dir = resolve(cwd);
  for (;;) {
    const dotgit = join(dir, '.git');
    const st = statSafe(dotgit);
    if (st?.isDirectory() && existsSync(join(dotgit, 'HEAD'))) return withCommon(dir, dotgit);
    if (st?.isFile()) {
      const m = /^gitdir: (.+)$/m.exec(readBoundedText(dotgit, 4096) ?? '');
      if (m) return withCommon(dir, resolve(dir, m[1]!.trim()));
    }
    const parent = dirname(dir);
    if (parent === dir) return askGit(cwd, env);
    dir = parent;
  }
}

function withCommon(top: string, gitDir: string): RepoPaths {
  const commondir = join(gitDir, 'commondir');
  const commonDir = existsSync(commondir) ? resolve(gitDir, (readBoundedText(commondir, 4096) ?? '').trim()) : gitDir;
  return { top, gitDir, commonDir };
}

function askGit(cwd: string, env: RepoEnv): RepoPaths {
  const vars: Record<string, string> = {};
  if (env.gitDir) vars.GIT_DIR = resolve(cwd, env.gitDir);
  if (env.workTree) vars.GIT_WORK_TREE = resolve(cwd, env.workTree);
  if (env.commonDir) vars.GIT_COMMON_DIR = resolve(cwd, env.commonDir);
  const r = git(['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir', '--show-toplevel'], {
    cwd,
    allowFail: true,
    env: vars,
    keepGitEnv: Object.keys(vars).length > 0,
  });
  if (r.code !== 0 && !r.stdout) throw notARepo(cwd);
  const [gitDir, commonDir, top] = r.stdout.split('\n');
  if (!gitDir || !commonDir) throw notARepo(cwd);
  return { gitDir, commonDir, top: top || undefined };
}

function statSafe(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
