/** hooks install | uninstall | status: put our git hooks where git runs them, and take them away again. */
import { join } from 'node:path';
import { findCli, forgetCli, recordCli } from '../hooks/cli-path.js';
import {
  hookFileState,
  installHusky,
  installPlain,
  uninstallHusky,
  uninstallPlain,
  type HookFileResult,
  type HookFileState,
} from '../hooks/install.js';
import { HOOK_NAMES, type HookName } from '../hooks/stubs.js';
import { hookTarget, managerSnippet, type HookManager, type HookTarget } from '../hooks/target.js';
import { findRepo } from '../store/repo.js';
import { requireWorkTree, type CommonOptions } from './context.js';
import { forgetHooksDir, recordHooksDir, type HooksWatchOptions } from './hooks-watch.js';

export interface HooksOptions extends HooksWatchOptions {
  /** The executable running now: recorded (git config conductor.cli) so the hooks find it where PATH does not (a monorepo's app/, a linked worktree without node_modules). */
  cli?: string;
}

export interface HooksResult {
  mode: HookTarget['mode'];
  /** Where git runs hooks from (core.hooksPath or the common hooks directory). */
  hooks_dir: string;
  /** husky: the tracked scripts directory we edit. */
  scripts_dir?: string;
  hooks: HookFileResult[];
  /** Another hook manager owns the hooks: add these lines to its configuration. */
  manager?: { name: HookManager; config_file: string; add_to: string; lines: string; then: string };
  /** husky: `.husky/_` is missing in this worktree, so git runs no hooks here until husky sets it up. */
  husky_missing?: { advice: string };
  /** install: the CLI recorded for the hooks (git config conductor.cli). */
  recorded_cli?: string;
}

function open(opts: HooksWatchOptions): HookTarget & { repo: ReturnType<typeof findRepo> } {
  const repo = findRepo(opts.cwd ?? process.cwd(), opts.repoEnv);
  return { ...hookTarget(repo), repo };
}

function managerOf(t: HookTarget): HooksResult['manager'] {
  if (t.mode !== 'manager') return undefined;
  const s = managerSnippet(t.manager);
  return { name: t.manager, config_file: t.configFile, add_to: s.file, lines: s.text, then: s.then };
}

const HUSKY_ADVICE =
  "husky has not set up this worktree (its .husky/_ is missing, so git runs no hooks here): run 'npx husky' in this worktree, or 'npm install' (its prepare script runs husky)";

const base = (t: HookTarget) => ({
  mode: t.mode,
  hooks_dir: t.hooksDir,
  scripts_dir: t.mode === 'husky' ? t.scriptsDir : undefined,
  husky_missing: t.mode === 'husky' && t.unset ? { advice: HUSKY_ADVICE } : undefined,
});

/**
 * Installs post-commit (Conductor-Phase trailers complete phases) and pre-push
 * (the ship gate). Other hooks are not installed: see the README for why
 * pull, checkout and rebase need none.
 */
export async function installHooks(opts: HooksOptions = {}): Promise<HooksResult> {
  const t = open(opts);
  requireWorkTree(t.repo, 'hooks install');
  if (t.mode === 'manager') return { ...base(t), hooks: [], manager: managerOf(t) };
  const hooks = HOOK_NAMES.map((h) => (t.mode === 'husky' ? installHusky(h, t.scriptsDir) : installPlain(h, t.hooksDir)));
  // So that a later core.hooksPath change, which would silently stop our hooks, is noticed (hooks-watch.ts).
  recordHooksDir(t.repo, t.hooksDir, opts.configFiles);
  return { ...base(t), hooks, recorded_cli: recordCli(t.repo.top!, opts.cli) };
}

export async function uninstallHooks(opts: CommonOptions = {}): Promise<HooksResult> {
  const t = open(opts);
  if (t.mode === 'manager') return { ...base(t), hooks: [], manager: managerOf(t) };
  const hooks = HOOK_NAMES.map((h) => (t.mode === 'husky' ? uninstallHusky(h, t.scriptsDir) : uninstallPlain(h, t.hooksDir)));
  forgetHooksDir(t.repo);
  forgetCli(t.repo.top ?? t.repo.gitDir);
  return { ...base(t), hooks };
}

export interface HooksStatus extends Omit<HooksResult, 'hooks'> {
  hooks: { hook: HookName; file: string; state: HookFileState; chained?: string }[];
  /** Where the hooks will find the CLI, if they can: PATH, the recorded path, node_modules/.bin next to a tracked package.json. */
  cli?: string;
}

export async function hooksStatus(opts: CommonOptions = {}): Promise<HooksStatus> {
  const repo = findRepo(opts.cwd ?? process.cwd(), opts.repoEnv);
  const t = hookTarget(repo);
  const hooks =
    t.mode === 'manager'
      ? []
      : HOOK_NAMES.map((hook) => {
          const file = join(t.mode === 'husky' ? t.scriptsDir : t.hooksDir, hook);
          return { hook, file, ...hookFileState(hook, file, t.mode) };
        });
  return { ...base(t), hooks, manager: managerOf(t), cli: findCli(repo.top, opts.path ?? '') };
}
