/**
 * What every command works with: the repository, the state store, the host
 * and the time the command started, and the coordination remote when the
 * verb asked for it (remote-attach.ts). A context is never changed once made:
 * attaching the remote returns a new one, so a function holding a context
 * knows exactly what it holds.
 *
 * The helpers that used to live here have their own modules (host.ts,
 * project-config.ts, remote-attach.ts, active-sprint.ts) and are re-exported
 * for the modules that import them from here.
 */
import { findRepo, type RepoEnv, type RepoPaths } from '../store/repo.js';
import { StateStore } from '../store/state-store.js';
import type { RemoteLink } from '../remote/link.js';
import type { Env } from '../core/agent.js';
import { thisHost } from './host.js';
import type { IdentityFacts } from './identity.js';

export interface CommonOptions {
  /** Where to run, default process.cwd(). Any directory of any worktree works. */
  cwd?: string;
  /** Acting agent id; see resolveAgent for the default rule. */
  agent?: string;
  /** With a coordination remote: act locally only, mark the change unpublished (`sync` publishes it). */
  offline?: boolean;
  /** Epoch ms by which every call to the coordination remote must be over; past it the remote counts as unreachable (exit 5). */
  deadline?: number;
  /** GIT_DIR / GIT_WORK_TREE / GIT_COMMON_DIR, read by the CLI: the repository when it is not found from `cwd`. */
  repoEnv?: RepoEnv;
  /** The caller's environment (the CLI passes process.env): agent ids, bindings and claim tokens are read from it. */
  env?: Env;
  /** Test-only: this process's clock is off by this many ms (the CLI reads CONDUCTOR_TEST_CLOCK_OFFSET_MS). */
  clockOffsetMs?: number;
  /** The most one call to the coordination remote may take, ms (default 30 s; the CLI reads CONDUCTOR_REMOTE_TIMEOUT_MS). */
  remoteTimeoutMs?: number;
  /** The executable search path, as PATH spells it: where hooks will look for the CLI (the CLI passes its PATH). */
  path?: string;
  /** Test-only: the named pause point of an append hangs until killed (the CLI reads CONDUCTOR_TEST_PAUSE). */
  testPause?: string;
}

export interface Ctx {
  readonly cwd: string;
  readonly repo: RepoPaths;
  readonly store: StateStore;
  readonly host: string;
  /** When the command started. Decisions use the time of their own attempt (see transition.ts). */
  readonly now: number;
  /** Set when a coordination remote is configured and the verb asked for it; absent otherwise. */
  readonly remote?: RemoteLink;
  readonly deadline?: number;
  readonly remoteTimeoutMs?: number;
  /** Facts for telling who acts (api/identity.ts); the anchor process in it is read at most once. */
  readonly identity: IdentityFacts;
  /** The time now, epoch ms: every decision and record reads it here (tests may offset it). */
  readonly clock: () => number;
}

/** A context without the remote: for verbs that need nothing from it. */
export function openContext(opts: CommonOptions): Ctx {
  const cwd = opts.cwd ?? process.cwd();
  const repo = findRepo(cwd, opts.repoEnv);
  const host = thisHost();
  const identity = { env: opts.env ?? {}, host, worktree: repo.top ?? repo.gitDir };
  const offset = opts.clockOffsetMs ?? 0;
  const clock = offset ? () => Date.now() + offset : Date.now;
  const store = new StateStore(repo.commonDir, { testPause: opts.testPause });
  return { cwd, repo, store, host, now: clock(), deadline: opts.deadline, remoteTimeoutMs: opts.remoteTimeoutMs, clock, identity };
}

export { agentOf, thisHost } from './host.js';
export { leaseMs, ledgerRules, noOverride, PROJECT_CONFIG, projectConfig, rulesOf } from './project-config.js';
export { openWithRemote, withRemote, type RemoteNeed } from './remote-attach.js';
export { activeSprint, activeSprintOrNone, iso } from './active-sprint.js';
export { requireWorkTree } from './work-tree.js';
