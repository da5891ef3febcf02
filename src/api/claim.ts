/** claim, renew, next: taking and keeping phases. */
import { classesExclude, mayConflict } from '../core/concurrency.js';
import { blocked, ConductorError, isCode, isConductorError, isRefusal } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { CLOCK_TOLERANCE_MS } from '../core/clock.js';
import { blocksOthers, mayHold, precedes, type HoldVerb, type LeaseRules } from '../core/hold.js';
import { findPhase, type ClaimKind } from '../core/phase-state.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { claimable } from '../core/schedule.js';
import { activeSprint, agentOf, iso, leaseMs, openWithRemote, rulesOf, type CommonOptions, type Ctx } from './context.js';
import { appendPhase, holderOf, pause } from './transition.js';
import { withWarnings, type Warned } from './warnings.js';

export interface ClaimOptions extends CommonOptions {
  phase: string;
  /** Lease length, e.g. "30m"; default 1h or lease_ttl from the project config. */
  ttl?: string;
  /** The caller's own long-lived PID, recorded for humans; never used to judge liveness. */
  pid?: number;
}

export interface ClaimResult extends Warned {
  sprint_id: string;
  phase: string;
  agent: string;
  host: string;
  claimed_at: string;
  expires_at: string;
  /** claim: new; renew: the same agent again; takeover: an expired lease taken from another agent. */
  kind: ClaimKind;
  previous?: { agent: string; host: string; at: string };
}

export async function claim(opts: ClaimOptions): Promise<ClaimResult> {
  return claimIn(await openWithRemote(opts, 'view'), opts);
}

/** `sprint`: the active sprint when the caller has just read it (next --claim), so it is not read and validated again. */
export function claimIn(ctx: Ctx, opts: ClaimOptions, sprint: SprintFile = activeSprint(ctx)): ClaimResult {
  return hold(ctx, sprint, opts, 'claim');
}

export interface RenewOptions extends CommonOptions {
  phase: string;
  ttl?: string;
}

/** Extends the holder's lease; refused for anyone else. A lease that ran out is renewed only as a claim would be granted. */
export async function renew(opts: RenewOptions): Promise<ClaimResult> {
  const ctx = await openWithRemote(opts, 'view');
  return hold(ctx, activeSprint(ctx), opts, 'renew');
}

/**
 * claim and renew: one decision (core/hold.ts's mayHold) on each attempt's
 * tops, then, unless an own live lease was simply extended, the class
 * re-check once the entry is in place.
 */
function hold(ctx: Ctx, sprint: SprintFile, opts: ClaimOptions, verb: Exclude<HoldVerb, 'complete'>): ClaimResult {
  const phase = validatePhaseName(opts.phase);
  const def = findPhase(sprint, phase);
  const ttlMs = leaseMs(ctx, opts.ttl);
  const rules = rulesOf(ctx);
  const agent = agentOf(ctx, opts.agent).id;
  let kind = 'claim' as ClaimKind;
  let recheck = true;
  let previous: ClaimResult['previous'];
  const { entry } = appendPhase(ctx, sprint, phase, (tops, now) => {
    refuseOnSkew(ctx, phase);
    const d = mayHold(sprint, def, agent, tops, now, verb, rules);
    kind = d.kind;
    recheck = d.recheck;
    previous = d.previous && holderOf(d.previous);
    const pid = verb === 'claim' ? opts.pid : undefined;
    return { record: { kind: 'claim', reason: d.kind, agent, host: ctx.host, at: iso(now), expires_at: iso(now + ttlMs), pid, previous } };
  });
  if (recheck) postCheck(ctx, sprint, phase, entry.record, rules);
  const event = kind === 'renew' ? 'renew' : kind === 'takeover' ? 'takeover' : 'claim';
  ctx.store.audit({ at: entry.record.at, event, sprint_id: sprint.id, phase, agent, host: ctx.host, detail: previous ? `from ${previous.agent}@${previous.host}` : undefined });
  return withWarnings(ctx, { sprint_id: sprint.id, phase, agent, host: ctx.host, claimed_at: entry.record.at, expires_at: entry.record.expires_at!, kind, previous });
}

/**
 * A lease granted or judged by a clock that disagrees with the teammates'
 * records would end at the wrong time for everyone (core/clock.ts): refused,
 * on each attempt, since a fetch during the command may have found it.
 */
function refuseOnSkew(ctx: Ctx, phase: string): void {
  const skew = ctx.remote?.clockSkew();
  if (!skew) return;
  throw blocked('E_CLOCK_SKEW', `cannot grant or judge a lease on "${phase}" now: ${skew.detail}, more than the ${CLOCK_TOLERANCE_MS / 1000}s tolerance; fix this machine's clock (NTP), then 'git conductor status --fetch'`, { skew_ms: skew.skew_ms, record: skew.record });
}

/**
 * Two agents may pass the concurrency check at the same instant for two
 * phases that exclude each other. Each re-checks after its own claim is in
 * place (appended locally and, with a remote, published by CAS); the later of
 * the two always sees the earlier (the local log and the remote are both
 * linearizable). A claim that sees an excluding rival gives way (rolls back)
 * unless the rival must give way to it: a rival made at the same moment
 * (decided within SAME_MOMENT_MS of ours, not a renewal) whose record id comes later (core/hold.ts's
 * precedes). Then it waits, re-reading, for the rival to roll back, at most
 * RETRY_BOUNDS.CLASS_SETTLE_MS, and gives way itself past that. So a claim
 * stands only once it saw no excluding live rival after its own was in
 * place, which the later of any two cannot both do (safety), and of claims
 * racing at once the first in the order does not give way to the others
 * (liveness). Only phases that could ever run beside this one are re-read
 * (core/concurrency.ts): in the default graph there are none.
 */
export function postCheck(ctx: Ctx, sprint: SprintFile, phase: string, ours: PhaseRecord, rules: LeaseRules): void {
  const rivals = mayConflict(sprint, phase);
  if (!rivals.length) return;
  const self = findPhase(sprint, phase);
  const until = ctx.clock() + RETRY_BOUNDS.CLASS_SETTLE_MS;
  for (;;) {
    try {
      ctx.remote?.recheck(sprint, rivals.map((p) => p.name));
    } catch (e) {
      return rollBack(ctx, sprint, phase, ours.agent, { failed: e });
    }
    const now = ctx.clock();
    // Only the rivals' logs can hold a conflict: read just those.
    const tops = ctx.store.tops(sprint, rivals);
    const conflicts = rivals.filter((o) => classesExclude(self, o) && blocksOthers(tops.get(o.name), now, rules));
    if (!conflicts.length) return;
    // Made at the same moment: decided within SAME_MOMENT_MS of ours (a claim decided earlier has had its own check).
    const givesWay = (r: PhaseRecord) => precedes(ours, r) && r.reason !== 'renew' && Math.abs(Date.parse(r.at) - Date.parse(ours.at)) < SAME_MOMENT_MS;
    const standing = conflicts.find((o) => !givesWay(tops.get(o.name)!));
    if (standing || now >= until) return rollBack(ctx, sprint, phase, ours.agent, { conflict: standing ?? conflicts[0]! });
    pause(30 + Math.random() * 70);
  }
}

/** Two claims decided this close together are racing: each may not have seen the other yet. */
const SAME_MOMENT_MS = 2_000;

function rollBack(ctx: Ctx, sprint: SprintFile, phase: string, agent: string, why: { failed: unknown } | { conflict: { name: string; concurrency: string } }): never {
  try {
    appendPhase(ctx, sprint, phase, (_tops, now) => ({ record: { kind: 'release', reason: 'rollback', agent, host: ctx.host, at: iso(now) } }));
  } catch (e) {
    if (!isConductorError(e)) throw e;
    const what = 'failed' in why ? 're-check it against the phases it excludes' : `roll it back after "${why.conflict.name}" was claimed at the same moment`;
    throw new ConductorError(e.code, e.exitCode, `claimed "${phase}" but could not ${what} (${e.message}); release it with 'git conductor abort ${phase}'`, { ...e.data, phase });
  }
  if ('failed' in why) throw why.failed;
  throw blocked('E_CONCURRENCY', `phase "${phase}" cannot run while "${why.conflict.name}" (${why.conflict.concurrency}) is running: it was claimed at the same moment; try again when it is done`, { conflict: why.conflict.name });
}

export interface NextOptions extends CommonOptions {
  /** Claim the phase in the same step; on a lost race move on to the next candidate. */
  claim?: boolean;
  ttl?: string;
}

export interface NextResult {
  sprint_id: string;
  phase: string | null;
  claimed?: ClaimResult;
  /** Candidates passed over because the remote's ref of the phase is invalid (each with the problem): ask whoever wrote it. */
  skipped?: { phase: string; code: string; problem: string }[];
}

export async function next(opts: NextOptions): Promise<NextResult> {
  // With a remote, "what can I do now" is only worth asking of a fresh view: fetch first.
  const ctx = await openWithRemote(opts, 'fetch');
  const sprint = activeSprint(ctx);
  if (sprint.status !== 'active') return { sprint_id: sprint.id, phase: null };
  const agent = agentOf(ctx, opts.agent).id;
  const rules = rulesOf(ctx);
  const tried = new Set<string>();
  const skipped: NonNullable<NextResult['skipped']> = [];
  const done = (r: NextResult): NextResult => (skipped.length ? { ...r, skipped } : r);
  for (;;) {
    const candidates = claimable(sprint, ctx.store.tops(sprint), ctx.clock(), agent, rules).filter((p) => !tried.has(p));
    const phase = candidates[0];
    if (phase === undefined || !opts.claim) return done({ sprint_id: sprint.id, phase: phase ?? null });
    try {
      return done({ sprint_id: sprint.id, phase, claimed: claimIn(ctx, { ...opts, phase }, sprint) });
    } catch (e) {
      // One phase whose remote ref is bad must not stop everyone: report it, and move on.
      // A clock that disagrees refuses every phase alike: say so, rather than "nothing to do".
      if (isCode(e, 'E_CLOCK_SKEW')) throw e;
      if (isCode(e, 'E_BAD_REMOTE_REF')) skipped.push({ phase, code: e.code, problem: e.message });
      else if (!isRefusal(e)) throw e;
      tried.add(phase);
    }
  }
}
