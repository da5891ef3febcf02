/**
 * Sprints are worked in a work tree: a bare repository has no commits to make,
 * no hooks that run on them and no artifacts to read, so the commands that
 * start or take work refuse it rather than write state nobody can use.
 */
import { invalid } from '../core/errors.js';
import type { RepoPaths } from '../store/repo.js';

export function requireWorkTree(repo: RepoPaths, what: string): void {
  if (repo.top) return;
  throw invalid(
    'E_BARE_REPO',
    `'git conductor ${what}' needs a work tree, and ${repo.gitDir} is a bare repository: run it in a clone of it (git clone ${repo.gitDir})`,
    { git_dir: repo.gitDir },
  );
}
