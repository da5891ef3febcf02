/**
 * The pre-push hook as a library call: the ship gate. A push that updates a
 * protected ref (the default branch and v* tags, or `protected_refs` in
 * .git-conductor.json) is refused while the active sprint's ship
 * prerequisites are not all done, or while it is halted. Other refs,
 * deletions and conductor refs pass untouched; so does every push when no
 * sprint is active. Everything it knows of the environment (the pre-commit
 * framework's variables, the bypass, the time budget) comes in as options
 * from the CLI.
 *
 * A push to a protected ref is never allowed on a stale view: the
 * coordination remote is fetched first (within the deadline), so a sprint a
 * teammate started since the last fetch is judged. Only when the remote
 * cannot be reached in time is the last fetched view used, and the result
 * says so (`view: 'stale'`).
 */
import { blocked, isUnreachable } from '../core/errors.js';
import { overriddenHalts, type OverriddenHalt } from '../core/halts.js';
import type { Tops } from '../core/phase-state.js';
import type { SprintFile } from '../core/schemas.js';
import {
  blockersData,
  blockersText,
  DEFAULT_TAG_PATTERN,
  isConductorRef,
  matchesRef,
  missingAt,
  normalizePatterns,
  notReadyMessage,
  shipBlockers,
} from '../core/ship-gate.js';
import {
  createsOnly,
  parsePushLines,
  pushLineOf,
  remoteHeadBranch,
  remoteIsEmpty,
  shippingBranches,
  type PreCommitPush,
} from '../hooks/push-facts.js';
import { loggedPushes } from '../hooks/push-reflog.js';
import { checkStoredArtifacts } from './stored-artifact.js';
import {
  activeSprintOrNone,
  agentOf,
  iso,
  openWithRemote,
  PROJECT_CONFIG,
  projectConfig,
  type CommonOptions,
  type Ctx,
} from './context.js';

export type { PreCommitPush };

export interface PrePushOptions extends CommonOptions {
  /** The hook's arguments: remote name (or URL) and URL. */
  remote?: string;
  url?: string;
  /** The hook's stdin: one line per ref update (empty: use `preCommit`). */
  input: string;
  /**
   * The one update the pre-commit framework passes in PRE_COMMIT_* variables
   * (it reads git's stdin itself), and its PRE_COMMIT_REMOTE_NAME.
   */
  preCommit?: PreCommitPush & { remoteName?: string };
  /** Push anyway (CONDUCTOR_SHIP_BYPASS=1); recorded in the audit log. */
  bypass?: boolean;
}

export interface PrePushResult {
  /** The protected refs this push updates. */
  protected_refs: string[];
  sprint_id?: string;
  bypassed?: { missing: string[]; halt?: string };
  /** Earlier pushes that skipped the hook (--no-verify), found in the reflog and recorded now. */
  recorded_skips: string[];
  /** Halts a human overrode: the protected push goes ahead past them, and says so. */
  overridden?: OverriddenHalt[];
  /**
   * What a protected push was judged on: `fresh` (fetched just now), `stale`
   * (the remote could not be fetched in time: the last fetched view), or
   * `local` (no coordination remote). Absent when no protected ref was pushed.
   */
  view?: 'fresh' | 'stale' | 'local';
  /** The push creates the remote's first branches: nothing was there to protect, so it passed. */
  first_push?: true;
}

/** How long the destination's default branch is trusted before it is asked again. */
export const REMOTE_HEAD_TTL_MS = 15 * 60 * 1000;

export async function prePush(opts: PrePushOptions): Promise<PrePushResult> {
  // Teammates' phases arrive in the remote-tracking refs (git fetch): the gate judges that view too.
  const ctx = await openWithRemote({ ...opts, offline: undefined }, 'view');
  const cwd = ctx.repo.top ?? ctx.repo.gitDir;
  const input = opts.input || (opts.preCommit ? pushLineOf(opts.preCommit) : '');
  const remote = opts.remote ?? opts.preCommit?.remoteName;
  const updates = parsePushLines(input).filter((u) => !u.deletion && !isConductorRef(u.remoteRef, namespaces(ctx)));
  // Without a coordination remote nobody else can start a sprint here: no sprint, nothing to judge.
  if (!ctx.remote && !activeSprintOrNone(ctx)) return { protected_refs: [], recorded_skips: [] };
  // Where the push goes: the URL git resolved, else the remote name (a raw-URL push passes the URL as both).
  const where = opts.url || remote;
  const isProtected = protectedMatcher(cwd, remote, where, ctx, opts.deadline);
  const hits = updates.filter((u) => isProtected(u.remoteRef));
  const refs = hits.map((u) => u.remoteRef);
  // Never allow a protected push on a stale view: a teammate may have started a sprint since the last fetch.
  const view = !hits.length ? undefined : !ctx.remote ? 'local' : ctx.remote.fetched || refreshed(ctx) ? 'fresh' : 'stale';
  const sprint = activeSprintOrNone(ctx);
  if (!sprint) return { protected_refs: refs, recorded_skips: [], view };
  const tops: Tops = ctx.store.tops(sprint);
  const recorded_skips = remote ? recordSkippedPushes(ctx, sprint, tops, remote, isProtected, opts.agent) : [];
  const blockers = hits.length ? shipBlockers(sprint, tops, Date.now()) : undefined;
  // What ships is judged by the stored artifacts: bytes that no longer match their sha256 stop the push.
  if (hits.length) checkStoredArtifacts(ctx, sprint);
  const overridden = hits.length ? overriddenHalts(sprint, tops) : [];
  const withOverrides = overridden.length ? { overridden } : {};
  if (!blockers) return { protected_refs: refs, sprint_id: sprint.id, recorded_skips, view, ...withOverrides };
  const halt = blockers.halt && `halted by ${blockers.halt.phase}: ${blockers.halt.reason}`;
  const why = blockersText(blockers);
  // The first push to an empty remote has nothing to protect yet: it is a new repository's start, not a release
  // (and refusing it would leave a new remote unusable until a whole sprint is done).
  if (createsOnly(hits) && remoteIsEmpty(cwd, opts.url ?? remote))
    return { protected_refs: refs, sprint_id: sprint.id, recorded_skips, view, first_push: true };
  if (opts.bypass) {
    const agent = agentOf(ctx, opts.agent).id;
    const what = hits.map((u) => `${u.remoteRef}@${u.localOid}`).join(', ');
    const detail = `ship gate bypassed (CONDUCTOR_SHIP_BYPASS=1): push of ${what} to ${remote ?? 'a remote'} while ${why}`;
    ctx.store.audit({
      at: iso(ctx.now),
      event: 'bypass',
      sprint_id: sprint.id,
      phase: 'ship',
      agent,
      host: ctx.host,
      detail: detail.slice(0, 1000),
    });
    return {
      protected_refs: refs,
      sprint_id: sprint.id,
      bypassed: { missing: blockers.missing.map((m) => m.name), halt },
      recorded_skips,
      view,
      ...withOverrides,
    };
  }
  const stale = view === 'stale' ? ' (judged on the last fetched view: the coordination remote could not be fetched in time)' : '';
  throw blocked(
    'E_SHIP_GATE',
    `${notReadyMessage(refs, blockers)}${stale}, or push anyway on purpose with CONDUCTOR_SHIP_BYPASS=1 (recorded in the audit log)`,
    { ...blockersData(refs, blockers), view },
  );
}

/** Fetches the coordination remote; unreachable means the gate decides on what it has. */
function refreshed(ctx: Ctx): boolean {
  try {
    ctx.remote!.refresh();
    return true;
  } catch (e) {
    if (isUnreachable(e)) return false;
    throw e;
  }
}

/**
 * Is this remote ref protected? `protected_refs` when the project sets it,
 * else every branch the destination may ship from (shippingBranches) and v*
 * tags. The branches cost a few git calls and maybe a question to the
 * remote: asked only when a branch is pushed.
 */
function protectedMatcher(
  cwd: string,
  remote: string | undefined,
  where: string | undefined,
  ctx: Ctx,
  deadline: number | undefined,
): (ref: string) => boolean {
  const configured = projectConfig(ctx)?.protected_refs;
  let patterns: string[] | undefined;
  const get = () =>
    (patterns ??= configured
      ? normalizePatterns(configured, PROJECT_CONFIG)
      : [
          ...shippingBranches(cwd, remote, where && destinationHead(ctx, cwd, where, deadline)).map((b) => `refs/heads/${b}`),
          DEFAULT_TAG_PATTERN,
        ]);
  return (ref) =>
    !configured && ref.startsWith('refs/tags/') ? matchesRef(DEFAULT_TAG_PATTERN, ref) : get().some((p) => matchesRef(p, ref));
}

interface HeadsCache {
  v: 1;
  heads: Record<string, { branch?: string; at: number }>;
}
const BRANCH_RE = /^[A-Za-z0-9._/-]{1,200}$/;

/**
 * The destination's default branch, asked of the remote itself and cached
 * in the state dir for REMOTE_HEAD_TTL_MS; within the deadline, else (or
 * when the remote does not answer) the cached answer however old it is.
 */
function destinationHead(ctx: Ctx, cwd: string, where: string, deadline: number | undefined): string | undefined {
  const file = ctx.store.layout.remoteHeads;
  const raw = ctx.store.readNote(file) as Partial<HeadsCache> | undefined;
  const heads: HeadsCache['heads'] = raw && raw.v === 1 && raw.heads && typeof raw.heads === 'object' ? raw.heads : {};
  const hit = Object.hasOwn(heads, where) ? heads[where] : undefined;
  const cached =
    hit && typeof hit.at === 'number' && (hit.branch === undefined || (typeof hit.branch === 'string' && BRANCH_RE.test(hit.branch)))
      ? hit
      : undefined;
  if (cached && Date.now() - cached.at < REMOTE_HEAD_TTL_MS) return cached.branch;
  const left = deadline === undefined ? 5000 : Math.min(5000, deadline - Date.now());
  const asked = left > 0 ? remoteHeadBranch(cwd, where, left) : { answered: false };
  if (!asked.answered) return cached?.branch;
  const branch = asked.branch && BRANCH_RE.test(asked.branch) ? asked.branch : undefined;
  try {
    // The newest few destinations only: the cache never grows with the number of URLs pushed to.
    const kept = Object.entries(heads)
      .filter(([k]) => k !== where)
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, 31);
    ctx.store.writeNote(file, { v: 1, heads: { ...Object.fromEntries(kept), [where]: { branch, at: Date.now() } } } satisfies HeadsCache);
  } catch {
    // Only a cache.
  }
  return branch;
}

/**
 * Records, once each, pushes to protected branches of `remote` that the
 * reflog shows but the gate never saw (it would have refused them), made
 * since this sprint started while it was not ready to ship.
 */
function recordSkippedPushes(
  ctx: Ctx,
  sprint: SprintFile,
  tops: Tops,
  remote: string,
  isProtected: (ref: string) => boolean,
  agentFlag?: string,
): string[] {
  const logged = loggedPushes(ctx.repo.commonDir, remote, Date.parse(sprint.started_at));
  const suspects = logged.map((p) => ({ ...p, missing: missingAt(sprint, tops, p.latest) })).filter((p) => p.missing);
  if (!suspects.length) return [];
  const known = ctx.store
    .readAudit()
    .entries.filter((e) => e.event === 'bypass' && e.sprint_id === sprint.id)
    .map((e) => e.detail ?? '');
  const agent = agentOf(ctx, agentFlag).id;
  const recorded: string[] = [];
  for (const p of suspects) {
    const tag = `${p.ref}@${p.oid}`;
    if (!isProtected(p.ref) || known.some((d) => d.includes(tag)) || recorded.includes(tag)) continue;
    const detail = `push of ${tag} to ${remote} at ${iso(p.at)} skipped the ship gate (--no-verify or CONDUCTOR_HOOKS=0; found in the reflog of refs/remotes/${remote}/${p.ref.slice(11)}) while ${p.missing!.join(', ')}`;
    ctx.store.audit({
      at: iso(ctx.now),
      event: 'bypass',
      sprint_id: sprint.id,
      phase: 'ship',
      agent,
      host: ctx.host,
      detail: detail.slice(0, 1000),
    });
    recorded.push(tag);
  }
  return recorded;
}

/** The configured conductor namespace, when `init --namespace` chose one (for hosts that refuse refs/conductor/*). */
function namespaces(ctx: Ctx): string[] {
  try {
    const ns = ctx.store.readConfig().namespace;
    return ns ? [`${ns}/`] : [];
  } catch {
    return [];
  }
}
