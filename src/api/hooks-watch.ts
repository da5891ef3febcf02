/**
 * Noticing that git no longer runs our hooks. `hooks install` records where
 * it put them (hooks.json in the state dir) with a stamp (mtime and size) of
 * every git config file that can set core.hooksPath: the system and global
 * files (their paths come from the CLI, which reads the environment), the
 * repository's config and the worktree's config.worktree. A later change of
 * core.hooksPath must change one of those files, so a command that finds
 * every stamp unchanged knows, without a git process, that nothing moved;
 * otherwise it asks git where hooks run now. A move is audited once and
 * reported by every command until `hooks install` runs again; `doctor` always
 * asks git. Not seen: a change in a file pulled in by [include] (until one of
 * the stamped files changes, or doctor runs).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hookFileState } from '../hooks/install.js';
import { hookTarget } from '../hooks/target.js';
import { findRepo, type RepoPaths } from '../store/repo.js';
import { StateStore } from '../store/state-store.js';
import { agentOf, iso, thisHost, type CommonOptions } from './context.js';

export interface HooksWatchOptions extends CommonOptions {
  /** The system and global git config files git reads here (GIT_CONFIG_GLOBAL, ~/.gitconfig, …), from the CLI. */
  configFiles?: string[];
}

interface Installed {
  v: 1;
  hooks_dir: string;
  stamps: Record<string, string>;
  /** Set once a move was seen (and audited): where git runs hooks instead. */
  moved_to?: string;
}

export interface HooksMoved {
  /** Where `hooks install` put the hooks. */
  installed_in: string;
  /** Where git runs hooks now (core.hooksPath). */
  now: string;
}

const stamp = (file: string) => {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'absent';
  }
};

const watched = (repo: RepoPaths, configFiles: readonly string[]) => [
  ...new Set([...configFiles.map((f) => resolve(f)), resolve(repo.commonDir, 'config'), resolve(repo.gitDir, 'config.worktree')]),
];

function readInstalled(store: StateStore): Installed | undefined {
  const raw = store.readNote(store.layout.hooksInstall) as Partial<Installed> | undefined;
  if (!raw || raw.v !== 1 || typeof raw.hooks_dir !== 'string' || !raw.stamps || typeof raw.stamps !== 'object') return undefined;
  return {
    v: 1,
    hooks_dir: raw.hooks_dir,
    stamps: raw.stamps as Record<string, string>,
    moved_to: typeof raw.moved_to === 'string' ? raw.moved_to : undefined,
  };
}

/** Called by `hooks install`: the hooks are where git runs them now. */
export function recordHooksDir(repo: RepoPaths, hooksDir: string, configFiles: readonly string[] = []): void {
  const store = new StateStore(repo.commonDir);
  const stamps = Object.fromEntries(watched(repo, configFiles).map((f) => [f, stamp(f)]));
  store.writeNote(store.layout.hooksInstall, { v: 1, hooks_dir: hooksDir, stamps } satisfies Installed);
}

/** Called by `hooks uninstall`: nothing to watch any more. */
export function forgetHooksDir(repo: RepoPaths): void {
  const store = new StateStore(repo.commonDir);
  store.writeNote(store.layout.hooksInstall, { v: 0 });
}

/**
 * Whether git still runs the hooks where `hooks install` put them. Cheap when
 * nothing changed (a few stats); audits a move the first time it is seen.
 * `ask`: always ask git (doctor).
 */
export async function hooksMoved(opts: HooksWatchOptions = {}, ask = false): Promise<HooksMoved | undefined> {
  const repo = findRepo(opts.cwd ?? process.cwd(), opts.repoEnv);
  const store = new StateStore(repo.commonDir);
  const installed = readInstalled(store);
  if (!installed) return undefined;
  const files = watched(repo, opts.configFiles ?? []);
  const now = Object.fromEntries(files.map((f) => [f, stamp(f)]));
  const same = files.every((f) => installed.stamps[f] === now[f]);
  if (same && !ask) return installed.moved_to ? { installed_in: installed.hooks_dir, now: installed.moved_to } : undefined;
  const target = hookTarget(repo);
  const dir = target.hooksDir;
  // Our stub where git looks now (installed there too, or copied) is no move.
  const ours =
    target.mode === 'plain' &&
    hookFileState('pre-push', join(dir, 'pre-push'), 'plain').state !== 'missing' &&
    hookFileState('pre-push', join(dir, 'pre-push'), 'plain').state !== 'foreign';
  const moved = dir !== installed.hooks_dir && !ours && target.mode !== 'husky' ? dir : undefined;
  if (moved && moved !== installed.moved_to) {
    const host = thisHost();
    const agent = agentOf({ identity: { env: opts.env ?? {}, host, worktree: repo.top ?? repo.gitDir } }, opts.agent).id;
    store.audit({
      at: iso(Date.now()),
      event: 'hooks',
      agent,
      host,
      detail:
        `git runs hooks from ${moved} (core.hooksPath), not from ${installed.hooks_dir} where 'hooks install' put them: commits no longer complete phases and pushes are not gated`.slice(
          0,
          1000,
        ),
    });
  }
  store.writeNote(store.layout.hooksInstall, {
    ...installed,
    stamps: { ...installed.stamps, ...now },
    moved_to: moved,
  } satisfies Installed);
  return moved ? { installed_in: installed.hooks_dir, now: moved } : undefined;
}
