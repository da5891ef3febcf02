/**
 * What the installed hooks do, as library calls: post-commit completes the
 * phases a commit's Conductor-Phase trailers name; pre-push is the ship gate.
 */
import { blocked, ExitCode, invalid, isConductorError } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import type { Tops } from '../core/phase-state.js';
import type { SprintFile } from '../core/schemas.js';
import { DEFAULT_TAG_PATTERN, describeMissing, isConductorRef, matchesRef, missingAt, normalizePatterns, shipBlockers } from '../core/ship-gate.js';
import { artifactPath, committedArtifacts, headCommit } from '../hooks/commit-facts.js';
import { defaultBranch, parsePushLines, pushLinesFromEnv } from '../hooks/push-facts.js';
import { loggedPushes } from '../hooks/push-reflog.js';
import { MAX_ARTIFACT_BYTES } from './artifact-file.js';
import { complete, type CompleteOptions, type CompleteResult } from './complete.js';
import { renewAfterCommit, type CommitRenewal } from './keep-leases.js';
import { agentOf, iso, openContext, PROJECT_CONFIG, projectConfig, withRemote, type CommonOptions } from './context.js';

export interface PhaseOutcome {
  phase: string;
  /** completed: done now; skipped: not yours to complete (or nothing to do); rejected: yours, but completing failed. */
  result: 'completed' | 'skipped' | 'rejected';
  reason?: string;
  complete?: CompleteResult;
  /** Completed locally only, because the coordination remote could not be reached in time (why); `sync` publishes it. */
  offline?: string;
}

export interface PostCommitResult extends Partial<CommitRenewal> {
  commit: string;
  outcomes: PhaseOutcome[];
}

/**
 * The post-commit rule: each `Conductor-Phase: <phase>` trailer completes that
 * phase when the committing agent holds it. When the commit adds or changes
 * `.conductor/<phase>.json`, those committed bytes are the artifact, checked
 * exactly as `complete --artifact` checks a file. The commit id goes into the
 * done record. Anything else changes nothing.
 *
 * With a coordination remote that cannot be reached (or not before
 * `opts.deadline`: a hook must not hold up the commit), the phase is completed
 * offline, as `complete --offline` does: same commit id, same artifact bytes,
 * marked unpublished until `sync`.
 */
export async function postCommit(opts: CommonOptions = {}): Promise<PostCommitResult> {
  const done = await completeTrailers(opts);
  // Then the committer's other held phases are renewed (api/keep-leases.ts).
  return { ...done, ...(await renewAfterCommit(opts)) };
}

async function completeTrailers(opts: CommonOptions): Promise<PostCommitResult> {
  const ctx = openContext(opts);
  if (!ctx.repo.top) throw invalid('E_NO_WORK_TREE', 'post-commit needs a work tree');
  const head = headCommit(ctx.repo.top);
  const skip = (phase: string, reason: string): PhaseOutcome => ({ phase, result: 'skipped', reason });
  if (!head.phases.length) return { commit: head.commit, outcomes: [] };
  const id = ctx.store.activeSprintId();
  const sprint = id ? ctx.store.readSprint(id) : undefined;
  if (!sprint || sprint.status !== 'active') return { commit: head.commit, outcomes: head.phases.map((p) => skip(p, 'no active sprint')) };
  const agent = agentOf(ctx, opts.agent).id;
  const tops = ctx.store.tops(sprint);
  const outcomes: PhaseOutcome[] = [];
  const mine: string[] = [];
  for (const raw of [...new Set(head.phases)]) {
    let phase: string;
    try {
      phase = validatePhaseName(raw, `${raw} in the Conductor-Phase trailer`);
    } catch {
      outcomes.push(skip(raw.slice(0, 64), 'not a phase name'));
      continue;
    }
    const top = tops.get(phase);
    if (!sprint.phases.some((p) => p.name === phase)) outcomes.push(skip(phase, `no such phase in sprint ${sprint.id}`));
    else if (top?.kind === 'done') outcomes.push(skip(phase, `already done by ${top.agent}@${top.host}`));
    else if (top?.kind !== 'claim') outcomes.push(skip(phase, `nobody holds it (claim it first: git conductor claim ${phase})`));
    else if (top.agent !== agent) outcomes.push(skip(phase, `held by ${top.agent}@${top.host}, not by ${agent}`));
    else mine.push(phase);
  }
  const artifacts = committedArtifacts(ctx.repo.top, head, mine.map(artifactPath), MAX_ARTIFACT_BYTES);
  for (const phase of mine) {
    const art = artifacts.get(artifactPath(phase));
    try {
      if (art && 'problem' in art) throw invalid('E_BAD_ARTIFACT', `artifact ${art.path} ${art.problem}`);
      const artifactBytes = art ? { bytes: art.bytes, source: art.path } : undefined;
      outcomes.push(await completeOrKeep({ cwd: ctx.repo.top, agent, env: opts.env, phase, commit: head.commit, artifactBytes, deadline: opts.deadline }));
    } catch (e) {
      if (!isConductorError(e)) throw e;
      outcomes.push({ phase, result: 'rejected', reason: e.message });
    }
  }
  return { commit: head.commit, outcomes };
}

async function completeOrKeep(o: CompleteOptions & { phase: string }): Promise<PhaseOutcome> {
  try {
    return { phase: o.phase, result: 'completed', complete: await complete(o) };
  } catch (e) {
    if (!isConductorError(e) || e.exitCode !== ExitCode.unreachable) throw e;
    // complete() left nothing half-done; the offline entry is published by the next `sync`.
    return { phase: o.phase, result: 'completed', complete: await complete({ ...o, offline: true }), offline: e.message };
  }
}

export interface PrePushOptions extends CommonOptions {
  /** The hook's arguments: remote name (or URL) and URL. */
  remote?: string;
  url?: string;
  /** The hook's stdin: one line per ref update (empty: read PRE_COMMIT_* variables). */
  input: string;
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
}

/**
 * The ship gate. A push that updates a protected ref (the default branch and
 * v* tags, or `protected_refs` in .git-conductor.json) is refused while the
 * active sprint's ship prerequisites are not all done, or while it is halted.
 * Other refs, deletions and conductor refs pass untouched; so does every push
 * when no sprint is active.
 */
export async function prePush(opts: PrePushOptions): Promise<PrePushResult> {
  // Teammates' phases arrive in the remote-tracking refs (git fetch): the gate judges that view too.
  const ctx = await withRemote(openContext(opts));
  const cwd = ctx.repo.top ?? ctx.repo.gitDir;
  // The pre-commit framework reads git's stdin itself and passes one update on in PRE_COMMIT_* variables.
  const input = opts.input || pushLinesFromEnv(process.env);
  const remote = opts.remote ?? process.env.PRE_COMMIT_REMOTE_NAME;
  const updates = parsePushLines(input).filter((u) => !u.deletion && !isConductorRef(u.remoteRef, namespaces(ctx)));
  let sprint = activeSprintOrNone(ctx);
  if (!sprint) return { protected_refs: [], recorded_skips: [] };
  const isProtected = protectedMatcher(cwd, remote, ctx);
  let tops = ctx.store.tops(sprint);
  const recorded_skips = remote ? recordSkippedPushes(ctx, sprint, tops, remote, isProtected, opts.agent) : [];
  const hits = updates.filter((u) => isProtected(u.remoteRef));
  const refs = hits.map((u) => u.remoteRef);
  let blockers = hits.length ? shipBlockers(sprint, tops, ctx.now) : undefined;
  if (blockers && ctx.remote && !ctx.remote.fetched && refreshed(ctx.remote)) {
    // As with claims, a stale view never refuses: fetch once and decide again.
    sprint = activeSprintOrNone(ctx);
    if (!sprint) return { protected_refs: refs, recorded_skips };
    tops = ctx.store.tops(sprint);
    blockers = shipBlockers(sprint, tops, Date.now());
  }
  if (!blockers) return { protected_refs: refs, sprint_id: sprint.id, recorded_skips };
  const missing = blockers.missing.map(describeMissing);
  const halt = blockers.halt && `halted by ${blockers.halt.phase}: ${blockers.halt.reason}`;
  const why = [...missing, ...(halt ? [halt] : [])].join('; ');
  if (opts.bypass) {
    const agent = agentOf(ctx, opts.agent).id;
    const what = hits.map((u) => `${u.remoteRef}@${u.localOid}`).join(', ');
    const detail = `ship gate bypassed (CONDUCTOR_SHIP_BYPASS=1): push of ${what} to ${remote ?? 'a remote'} while ${why}`;
    ctx.store.audit({ at: iso(ctx.now), event: 'bypass', sprint_id: sprint.id, phase: 'ship', agent, host: ctx.host, detail: detail.slice(0, 1000) });
    return { protected_refs: refs, sprint_id: sprint.id, bypassed: { missing: blockers.missing.map((m) => m.name), halt }, recorded_skips };
  }
  throw blocked(
    'E_SHIP_GATE',
    `push of ${refs.join(', ')} refused: sprint ${sprint.id} is not ready to ship (${why}). Finish those phases (git conductor status), or push anyway on purpose with CONDUCTOR_SHIP_BYPASS=1 (recorded in the audit log)`,
    { refs, sprint_id: sprint.id, missing: blockers.missing.map((m) => ({ phase: m.name, state: m.state, agent: m.agent, host: m.host, since: m.at })), halt: blockers.halt },
  );
}

type Ctx = ReturnType<typeof openContext>;

function activeSprintOrNone(ctx: Ctx): SprintFile | undefined {
  const id = ctx.store.activeSprintId();
  const sprint = id ? ctx.store.readSprint(id) : undefined;
  return sprint?.status === 'active' ? sprint : undefined;
}

/** Fetches the coordination remote; unreachable means the gate decides on what it has. */
function refreshed(link: NonNullable<Ctx['remote']>): boolean {
  try {
    link.refresh();
    return true;
  } catch (e) {
    if (isConductorError(e) && e.exitCode === 5) return false;
    throw e;
  }
}

/** Is this remote ref protected? The default branch costs a few git calls: asked only when a branch is. */
function protectedMatcher(cwd: string, remote: string | undefined, ctx: Ctx): (ref: string) => boolean {
  const configured = projectConfig(ctx)?.protected_refs;
  let patterns: string[] | undefined;
  const get = () =>
    (patterns ??= configured ? normalizePatterns(configured, PROJECT_CONFIG) : [`refs/heads/${defaultBranch(cwd, remote)}`, DEFAULT_TAG_PATTERN]);
  return (ref) => (!configured && ref.startsWith('refs/tags/') ? matchesRef(DEFAULT_TAG_PATTERN, ref) : get().some((p) => matchesRef(p, ref)));
}

/**
 * Records, once each, pushes to protected branches of `remote` that the
 * reflog shows but the gate never saw (it would have refused them), made
 * since this sprint started while it was not ready to ship.
 */
function recordSkippedPushes(ctx: Ctx, sprint: SprintFile, tops: Tops, remote: string, isProtected: (ref: string) => boolean, agentFlag?: string): string[] {
  const logged = loggedPushes(ctx.repo.commonDir, remote, Date.parse(sprint.started_at));
  const suspects = logged.map((p) => ({ ...p, missing: missingAt(sprint, tops, p.latest) })).filter((p) => p.missing);
  if (!suspects.length) return [];
  const known = ctx.store.readAudit().entries.filter((e) => e.event === 'bypass' && e.sprint_id === sprint.id).map((e) => e.detail ?? '');
  const agent = agentOf(ctx, agentFlag).id;
  const recorded: string[] = [];
  for (const p of suspects) {
    const tag = `${p.ref}@${p.oid}`;
    if (!isProtected(p.ref) || known.some((d) => d.includes(tag)) || recorded.includes(tag)) continue;
    const detail = `push of ${tag} to ${remote} at ${iso(p.at)} skipped the ship gate (--no-verify or CONDUCTOR_HOOKS=0; found in the reflog of refs/remotes/${remote}/${p.ref.slice(11)}) while ${p.missing!.join(', ')}`;
    ctx.store.audit({ at: iso(ctx.now), event: 'bypass', sprint_id: sprint.id, phase: 'ship', agent, host: ctx.host, detail: detail.slice(0, 1000) });
    recorded.push(tag);
  }
  return recorded;
}
/** The configured conductor namespace (issue 3's fallback for hosts that refuse refs/conductor/*). */
function namespaces(ctx: Ctx): string[] {
  try {
    const ns = ctx.store.readConfig().namespace;
    return ns ? [`${ns}/`] : [];
  } catch {
    return [];
  }
}
