/**
 * Where git really runs hooks for this repository, and who manages them.
 * `git rev-parse --git-path hooks` honours core.hooksPath and otherwise names
 * the common directory's hooks/, which every worktree shares. husky 9 points
 * core.hooksPath at `.husky/_` (its own generated wrappers) and runs the
 * tracked `.husky/<hook>` scripts: those are what we edit. Other managers
 * rewrite the hooks directory on their own install, so we tell the user what
 * to add to their configuration instead of writing files they would clobber.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { git } from '../git/git.js';
import { READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import type { RepoPaths } from '../store/repo.js';

export type HookManager = 'lefthook' | 'pre-commit' | 'simple-git-hooks';

export type HookTarget =
  | { mode: 'plain'; hooksDir: string }
  /** `unset`: core.hooksPath names husky's `.husky/_` but it does not exist here (a linked worktree where husky never ran), so git runs no hooks in this worktree. */
  | { mode: 'husky'; hooksDir: string; scriptsDir: string; unset?: true }
  | { mode: 'manager'; hooksDir: string; manager: HookManager; configFile: string };

const MANAGER_FILES: ReadonlyArray<[HookManager, string]> = [
  ['lefthook', 'lefthook.yml'],
  ['lefthook', 'lefthook.yaml'],
  ['lefthook', '.lefthook.yml'],
  ['lefthook', '.lefthook.yaml'],
  ['lefthook', 'lefthook.json'],
  ['lefthook', 'lefthook.toml'],
  ['pre-commit', '.pre-commit-config.yaml'],
  ['pre-commit', '.pre-commit-config.yml'],
  ['simple-git-hooks', '.simple-git-hooks.json'],
  ['simple-git-hooks', '.simple-git-hooks.cjs'],
  ['simple-git-hooks', '.simple-git-hooks.js'],
  ['simple-git-hooks', 'simple-git-hooks.json'],
  ['simple-git-hooks', 'simple-git-hooks.cjs'],
  ['simple-git-hooks', 'simple-git-hooks.js'],
];

export function hookTarget(repo: RepoPaths): HookTarget {
  const cwd = repo.top ?? repo.gitDir;
  const out = git(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd, keepGitEnv: true }).stdout.trim();
  const hooksDir = isAbsolute(out) ? out : resolve(cwd, out);
  if (basename(hooksDir) === '_' && existsSync(join(hooksDir, 'h'))) return { mode: 'husky', hooksDir, scriptsDir: dirname(hooksDir) };
  // husky's generated `_` is untracked, so a linked worktree has the tracked .husky scripts but not `_`.
  if (basename(hooksDir) === '_' && basename(dirname(hooksDir)) === '.husky' && !existsSync(hooksDir))
    return { mode: 'husky', hooksDir, scriptsDir: dirname(hooksDir), unset: true };
  const manager = repo.top && detectManager(repo.top);
  if (manager) return { mode: 'manager', hooksDir, ...manager };
  return { mode: 'plain', hooksDir };
}

function detectManager(top: string): { manager: HookManager; configFile: string } | undefined {
  for (const [manager, file] of MANAGER_FILES) if (existsSync(join(top, file))) return { manager, configFile: file };
  try {
    const pkg = JSON.parse(readBoundedText(join(top, 'package.json'), READ_CAPS.projectConfig, { noFollow: true }) ?? 'null') as Record<
      string,
      unknown
    >;
    if (pkg && typeof pkg === 'object' && 'simple-git-hooks' in pkg) return { manager: 'simple-git-hooks', configFile: 'package.json' };
  } catch {
    // No package.json, not JSON, not a plain file or too large: no manager configured there.
  }
  return undefined;
}

/** The exact lines to add to another manager's configuration. */
export function managerSnippet(manager: HookManager): { file: string; text: string; then: string } {
  if (manager === 'lefthook') {
    return {
      file: 'lefthook.yml',
      then: 'lefthook install',
      text: [
        'post-commit:',
        '  commands:',
        '    git-conductor:',
        '      run: git-conductor hook post-commit',
        'pre-push:',
        '  commands:',
        '    git-conductor:',
        '      run: git-conductor hook pre-push {1} {2}',
        '      use_stdin: true',
      ].join('\n'),
    };
  }
  if (manager === 'pre-commit') {
    return {
      file: '.pre-commit-config.yaml',
      then: 'pre-commit install --hook-type post-commit --hook-type pre-push',
      text: [
        '  - repo: local',
        '    hooks:',
        '      - id: git-conductor-post-commit',
        '        name: git-conductor (Conductor-Phase trailer)',
        '        entry: git-conductor hook post-commit',
        '        language: system',
        '        stages: [post-commit]',
        '        always_run: true',
        '        pass_filenames: false',
        '      - id: git-conductor-ship-gate',
        '        name: git-conductor ship gate',
        '        entry: git-conductor hook pre-push',
        '        language: system',
        '        stages: [pre-push]',
        '        always_run: true',
        '        pass_filenames: false',
      ].join('\n'),
    };
  }
  return {
    file: 'package.json',
    then: 'npx simple-git-hooks',
    text: [
      '"simple-git-hooks": {',
      '  "post-commit": "git-conductor hook post-commit",',
      '  "pre-push": "git-conductor hook pre-push \\"$@\\""',
      '}',
    ].join('\n'),
  };
}
