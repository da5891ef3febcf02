/** hooks install | uninstall | status: put our git hooks where git runs them, and take them away again. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { hookFileState, installHusky, installPlain, uninstallHusky, uninstallPlain, type HookFileResult, type HookFileState } from '../hooks/install.js';
import { HOOK_NAMES, type HookName } from '../hooks/stubs.js';
import { hookTarget, managerSnippet, type HookManager, type HookTarget } from '../hooks/target.js';
import { findRepo } from '../store/repo.js';
import type { CommonOptions } from './context.js';
import { forgetHooksDir, recordHooksDir, type HooksWatchOptions } from './hooks-watch.js';

export interface HooksResult {
  mode: HookTarget['mode'];
  /** Where git runs hooks from (core.hooksPath or the common hooks directory). */
  hooks_dir: string;
  /** husky: the tracked scripts directory we edit. */
  scripts_dir?: string;
  hooks: HookFileResult[];
  /** Another hook manager owns the hooks: add these lines to its configuration. */
  manager?: { name: HookManager; config_file: string; add_to: string; lines: string; then: string };
}

function open(opts: CommonOptions): HookTarget & { repo: ReturnType<typeof findRepo> } {
  const repo = findRepo(opts.cwd ?? process.cwd(), opts.repoEnv);
  return { ...hookTarget(repo), repo };
}

function managerOf(t: HookTarget): HooksResult['manager'] {
  if (t.mode !== 'manager') return undefined;
  const s = managerSnippet(t.manager);
  return { name: t.manager, config_file: t.configFile, add_to: s.file, lines: s.text, then: s.then };
}

const base = (t: HookTarget) => ({ mode: t.mode, hooks_dir: t.hooksDir, scripts_dir: t.mode === 'husky' ? t.scriptsDir : undefined });

/**
 * Installs post-commit (Conductor-Phase trailers complete phases) and pre-push
 * (the ship gate). Other hooks are not installed: see the README for why
 * pull, checkout and rebase need none.
 */
export async function installHooks(opts: HooksWatchOptions = {}): Promise<HooksResult> {
  const t = open(opts);
  if (t.mode === 'manager') return { ...base(t), hooks: [], manager: managerOf(t) };
  const hooks = HOOK_NAMES.map((h) => (t.mode === 'husky' ? installHusky(h, t.scriptsDir) : installPlain(h, t.hooksDir)));
  // So that a later core.hooksPath change, which would silently stop our hooks, is noticed (hooks-watch.ts).
  recordHooksDir(t.repo, t.hooksDir, opts.configFiles);
  return { ...base(t), hooks };
}

export async function uninstallHooks(opts: CommonOptions = {}): Promise<HooksResult> {
  const t = open(opts);
  if (t.mode === 'manager') return { ...base(t), hooks: [], manager: managerOf(t) };
  const hooks = HOOK_NAMES.map((h) => (t.mode === 'husky' ? uninstallHusky(h, t.scriptsDir) : uninstallPlain(h, t.hooksDir)));
  forgetHooksDir(t.repo);
  return { ...base(t), hooks };
}

export interface HooksStatus extends Omit<HooksResult, 'hooks'> {
  hooks: { hook: HookName; file: string; state: HookFileState; chained?: string }[];
  /** Where the hooks will find the CLI, if they can: PATH, else node_modules/.bin. */
  cli?: string;
}

export async function hooksStatus(opts: CommonOptions = {}): Promise<HooksStatus> {
  const repo = findRepo(opts.cwd ?? process.cwd(), opts.repoEnv);
  const t = hookTarget(repo);
  const hooks = t.mode === 'manager' ? [] : HOOK_NAMES.map((hook) => {
    const file = join(t.mode === 'husky' ? t.scriptsDir : t.hooksDir, hook);
    return { hook, file, ...hookFileState(hook, file, t.mode) };
  });
  return { ...base(t), hooks, manager: managerOf(t), cli: findCli(repo.top) };
}

/** The same search the stubs do. */
function findCli(top: string | undefined): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  if (top) dirs.push(join(top, 'node_modules', '.bin'));
  for (const d of dirs) {
    const f = join(d, 'git-conductor');
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch {
      // not here
    }
  }
  return undefined;
}
