/**
 * The repository a server hook guards: a bare repository, found and checked
 * here, and, while a push is being received, the quarantine its objects sit
 * in (git hands a pre-receive hook their whereabouts in environment
 * variables; every git this process runs must read them too).
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { invalid } from '../core/errors.js';
import { git, useObjectStore } from '../git/git.js';

/** A bare repository's absolute git dir and where git runs its hooks (core.hooksPath respected). */
export function bareRepo(path: string): { repo: string; hooksDir: string } {
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw invalid('E_NOT_A_REPO', `${abs} is not a directory: pass the path of the bare repository teammates push to`);
  const r = git(['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-path', 'hooks'], { cwd: abs, allowFail: true });
  const [bare, gitDir, hooks] = r.stdout.split('\n');
  if (r.code !== 0 || !gitDir)
    throw invalid('E_NOT_A_REPO', `${abs} is not a git repository: pass the path of the bare repository teammates push to`);
  if (bare !== 'true')
    throw invalid(
      'E_NOT_BARE',
      `${abs} is not a bare repository: the server hook goes into the repository teammates push to (for a clone, use 'git conductor hooks install')`,
    );
  return { repo: gitDir, hooksDir: isAbsolute(hooks!) ? hooks! : join(gitDir, hooks!) };
}

/** git's quarantine variables for the push being received (GIT_OBJECT_DIRECTORY and friends). */
export const readPushedObjects = (vars: Record<string, string>) => useObjectStore(vars);
