/**
 * Finds the repository from any subdirectory or worktree. The common git dir
 * is what every worktree shares, so the state lives there. Discovery reads
 * the `.git` file/directory itself (no process spawn on the hot path) and asks
 * git only when GIT_DIR and friends override the usual layout, as in hooks.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { invalid } from '../core/errors.js';
import { git } from '../git/git.js';
import { readBoundedText } from './bounded-read.js';

export interface RepoPaths {
  /** The work tree's top directory (undefined in a bare repository). */
  top: string | undefined;
  gitDir: string;
  commonDir: string;
}

const notARepo = (cwd: string) =>
  invalid('E_NOT_A_REPO', `not inside a git repository (${cwd}): cd into one, or run 'git init' first`, { cwd });

export function findRepo(cwd: string): RepoPaths {
  if (process.env.GIT_DIR || process.env.GIT_COMMON_DIR || process.env.GIT_WORK_TREE) return askGit(cwd);
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
    if (parent === dir) return askGit(cwd);
    dir = parent;
  }
}

function withCommon(top: string, gitDir: string): RepoPaths {
  const commondir = join(gitDir, 'commondir');
  const commonDir = existsSync(commondir) ? resolve(gitDir, (readBoundedText(commondir, 4096) ?? '').trim()) : gitDir;
  return { top, gitDir, commonDir };
}

function askGit(cwd: string): RepoPaths {
  const r = git(['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir', '--show-toplevel'], { cwd, allowFail: true });
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
