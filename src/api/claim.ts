/** claim, renew, next: taking and keeping phases. */
import { classesExclude, mayConflict } from '../core/concurrency.js';
import { blocked, ConductorError, isCode, isConductorError, isRefusal } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { CLOCK_TOLERANCE_MS } from '../core/clock.js';
import { blocksOthers, isDone, mayHold, precedes, type HoldVerb, type LeaseRules, type Tops } from '../core/hold.js';
import { concurrencyConflict, findPhase, haltOf, viewAll, type ClaimKind } from '../core/phase-state.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { claimable } from '../core/schedule.js';
import { leaseUntil } from '../core/lease.js';
import {
  activeSprint,
  agentOf,
  iso,
  ledgerRules,
  openContext,
  openWithRemote,
  requireWorkTree,
  rulesOf,
  withRemote,
  type CommonOptions,
  type Ctx,
} from './context.js';
import { displacedInTops, withDisplacement, type Displacement } from './displaced.js';
import { refuseLedgerHalt } from './halts.js';
import { newToken, proofOf } from './identity.js';
import { leasePolicy, markRenewalDue, renewalDue } from './lease.js';
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
  /** The process id given with `--pid`. */
  pid?: number;
  /** New claims and takeovers only: proof of holding, for acting on this claim from another session (CONDUCTOR_CLAIM_TOKEN). */
  token?: string;
  /** The lease was cut to lease_ttl_max. */
  capped?: true;
  /** Set when the agent id was derived from something that may not last: the next command may be another agent. */
  id_warning?: IdWarning;
}

export interface IdWarning {
  stable: false;
  source: string;
  message: string;
  bind: string;
}

export async function claim(opts: ClaimOptions): Promise<ClaimResult> {
  const local = openContext(opts);
  requireWorkTree(local.repo, 'claim');
  return claimIn(await withRemote(local, { offline: opts.offline }), opts);
}

/** `sprint`: the active sprint when the caller has just read it (next --claim), so it is not read and validated again. */
export function claimIn(ctx: Ctx, opts: ClaimOptions, sprint: SprintFile = activeSprint(ctx)): ClaimResult {
  requireWorkTree(ctx.repo, 'claim');
  return hold(ctx, sprint, opts, 'claim');
}

export interface RenewOptions extends CommonOptions {
  phase: string;
  ttl?: string;
}

/** Extends the holder's lease; refused for anyone else. A lease that ran out is renewed only as a claim would be granted. */
export async function renew(opts: RenewOptions): Promise<ClaimResult> {
  const ctx = await openWithRemote(opts, 'view');
  return renewIn(ctx, activeSprint(ctx), opts.phase, opts);
}

/** renew in an open context (renew --if-held, the post-commit hook); a refusal says who displaced the agent, when it was. */
export function renewIn(ctx: Ctx, sprint: SprintFile, phase: string, opts: CommonOptions & { ttl?: string }): ClaimResult {
  try {
    return hold(ctx, sprint, { ...opts, phase }, 'renew');
  } catch (e) {
    throw withDisplacement(ctx, sprint, validatePhaseName(phase), agentOf(ctx, opts.agent).id, e);
  }
}

/**
 * claim and renew: one decision (core/hold.ts's mayHold) on each attempt's
 * tops, then, unless an own live lease was simply extended, the class
 * re-check once the entry is in place.
 */
function hold(ctx: Ctx, sprint: SprintFile, opts: ClaimOptions, verb: Exclude<HoldVerb, 'complete'>): ClaimResult {
  const phase = validatePhaseName(opts.phase);
  const def = findPhase(sprint, phase);
  const policy = leasePolicy(ctx, opts.ttl, sprint);
  const rules = rulesOf(ctx);
  const ledger = ledgerRules(ctx);
  const who = agentOf(ctx, opts.agent);
  const agent = who.id;
  const proof = proofOf(ctx.identity);
  let kind = 'claim' as ClaimKind;
  let recheck = true;
  let previous: ClaimResult['previous'];
  let token: ReturnType<typeof newToken> | undefined;
  let capped = false;
  const { entry } = appendPhase(ctx, sprint, phase, (tops, now) => {
    refuseOnSkew(ctx, phase);
    const d = mayHold(sprint, def, agent, tops, now, verb, rules, proof);
    // The budget and the circuit breaker halt new work as a phase's halt does; a holder may still renew.
    if (d.kind !== 'renew') refuseLedgerHalt(ctx, sprint, ledger);
    kind = d.kind;
    recheck = d.recheck;
    previous = d.previous && holderOf(d.previous);
    const pid = verb === 'claim' ? opts.pid : undefined;
    const top = tops.get(phase);
    // A renewal keeps the claim's proof and never ends its lease earlier; a new claim or a takeover gets its own proof.
    const held =
      kind === 'renew' && top
        ? { session: top.session, token_sha256: top.token_sha256 }
        : { session: proof.session, token_sha256: (token ??= newToken()).sha256 };
    const lease = leaseUntil(now, policy, kind === 'renew' && top?.expires_at ? Date.parse(top.expires_at) : undefined);
    capped = lease.capped;
    return {
      record: { kind: 'claim', reason: d.kind, agent, host: ctx.host, at: iso(now), expires_at: iso(lease.until), pid, previous, ...held },
    };
  });
  if (recheck) postCheck(ctx, sprint, phase, entry.record, rules);
  markRenewalDue(ctx, renewalDue(entry.record));
  const event = kind === 'renew' ? 'renew' : kind === 'takeover' ? 'takeover' : 'claim';
  ctx.store.audit({
    at: entry.record.at,
    event,
    sprint_id: sprint.id,
    phase,
    agent,
    host: ctx.host,
    detail: previous ? `from ${previous.agent}@${previous.host}` : undefined,
  });
  return withWarnings(ctx, {
    sprint_id: sprint.id,
    phase,
    agent,
    host: ctx.host,
    claimed_at: entry.record.at,
    expires_at: entry.record.expires_at!,
    kind,
    previous,
    pid: entry.record.pid,
    ...(kind !== 'renew' && token ? { token: token.token } : {}),
    ...(capped ? { capped: true as const } : {}),
    ...(who.stable ? {} : { id_warning: idWarning(who.source, who.bind!) }),
  });
}

const idWarning = (source: string, bind: string): IdWarning => ({
  stable: false,
  source,
  message: `this agent id comes from ${source}, which may not be the same for your next command: then nobody can renew or complete this claim until its lease expires`,
  bind,
});

/**
 * A lease granted or judged by a clock that disagrees with the teammates'
 * records would end at the wrong time for everyone (core/clock.ts): refused,
 * on each attempt, since a fetch during the command may have found it.
 */
function refuseOnSkew(ctx: Ctx, phase: string): void {
  const skew = ctx.remote?.clockSkew();
  if (!skew) return;
  throw blocked(
    'E_CLOCK_SKEW',
    `cannot grant or judge a lease on "${phase}" now: ${skew.detail}, more than the ${CLOCK_TOLERANCE_MS / 1000}s tolerance; fix this machine's clock (NTP), then 'git conductor status --fetch'`,
    { skew_ms: skew.skew_ms, record: skew.record },
  );
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
      ctx.remote?.recheck(
        sprint,
        rivals.map((p) => p.name),
      );
    } catch (e) {
      return rollBack(ctx, sprint, phase, ours.agent, { failed: e });
    }
    const now = ctx.clock();
    // Only the rivals' logs can hold a conflict: read just those.
    const tops = ctx.store.tops(sprint, rivals);
    const conflicts = rivals.filter((o) => classesExclude(self, o) && blocksOthers(tops.get(o.name), now, rules));
    if (!conflicts.length) return;
    // Made at the same moment: decided within SAME_MOMENT_MS of ours (a claim decided earlier has had its own check).
    const givesWay = (r: PhaseRecord) =>
      precedes(ours, r) && r.reason !== 'renew' && Math.abs(Date.parse(r.at) - Date.parse(ours.at)) < SAME_MOMENT_MS;
    const standing = conflicts.find((o) => !givesWay(tops.get(o.name)!));
    if (standing || now >= until) return rollBack(ctx, sprint, phase, ours.agent, { conflict: standing ?? conflicts[0]! });
    pause(30 + Math.random() * 70);
  }
}

/** Two claims decided this close together are racing: each may not have seen the other yet. */
const SAME_MOMENT_MS = 2_000;

function rollBack(
  ctx: Ctx,
  sprint: SprintFile,
  phase: string,
  agent: string,
  why: { failed: unknown } | { conflict: { name: string; concurrency: string } },
): never {
  try {
    appendPhase(ctx, sprint, phase, (_tops, now) => ({
      record: { kind: 'release', reason: 'rollback', agent, host: ctx.host, at: iso(now) },
    }));
  } catch (e) {
    if (!isConductorError(e)) throw e;
    const what =
      'failed' in why
        ? 're-check it against the phases it excludes'
        : `roll it back after "${why.conflict.name}" was claimed at the same moment`;
    throw new ConductorError(
      e.code,
      e.exitCode,
      `claimed "${phase}" but could not ${what} (${e.message}); release it with 'git conductor abort ${phase}'`,
      { ...e.data, phase },
    );
  }
  if ('failed' in why) throw why.failed;
  throw blocked(
    'E_CONCURRENCY',
    `phase "${phase}" cannot run while "${why.conflict.name}" (${why.conflict.concurrency}) is running: it was claimed at the same moment; try again when it is done`,
    { conflict: why.conflict.name },
  );
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
  /** With no phase: why nothing can be taken now (archived, halted, what runs, what waits). */
  reason?: string;
  /** Candidates passed over because the remote's ref of the phase is invalid (each with the problem): ask whoever wrote it. */
  skipped?: { phase: string; code: string; problem: string }[];
  /** Phases just taken from you: who, when, why. */
  displaced?: Displacement[];
}

export async function next(opts: NextOptions): Promise<NextResult> {
  // With a remote, "what can I do now" is only worth asking of a fresh view: fetch first.
  const ctx = await openWithRemote(opts, 'fetch');
  const sprint = activeSprint(ctx);
  if (sprint.status !== 'active')
    return {
      sprint_id: sprint.id,
      phase: null,
      reason: `sprint ${sprint.id} is archived (every phase is done): start a new one with 'git conductor start'`,
    };
  // Halted by the budget or the circuit breaker: nothing is claimable (claimable() knows only phase halts).
  try {
    refuseLedgerHalt(ctx, sprint, ledgerRules(ctx));
  } catch (e) {
    if (!isRefusal(e)) throw e;
    return { sprint_id: sprint.id, phase: null, reason: e.message };
  }
  const agent = agentOf(ctx, opts.agent).id;
  const rules = rulesOf(ctx);
  const tried = new Set<string>();
  const skipped: NonNullable<NextResult['skipped']> = [];
  const displaced = displacedInTops(sprint, ctx.store.tops(sprint), agent);
  const done = (r: NextResult): NextResult => ({
    ...r,
    ...(skipped.length ? { skipped } : {}),
    ...(displaced.length ? { displaced } : {}),
  });
  for (;;) {
    const candidates = claimable(sprint, ctx.store.tops(sprint), ctx.clock(), agent, rules).filter((p) => !tried.has(p));
    const phase = candidates[0];
    if (phase === undefined)
      return done({
        sprint_id: sprint.id,
        phase: null,
        reason: nothingClaimable(sprint, ctx.store.tops(sprint), ctx.clock(), tried, rules),
      });
    if (!opts.claim) return done({ sprint_id: sprint.id, phase });
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

/** Why no phase can be taken now, in one line: the halt, what runs, what waits for what. */
function nothingClaimable(sprint: SprintFile, tops: Tops, now: number, lost: ReadonlySet<string>, rules: LeaseRules): string {
  const halt = haltOf(sprint, tops);
  if (halt) return `the sprint is halted by ${halt.phase}: ${halt.reason}`;
  const views = viewAll(sprint, tops, now, rules);
  const running = views.filter((v) => v.state === 'running').map((v) => `${v.name} (${v.agent}@${v.host})`);
  const ready = views
    .filter((v) => v.state === 'ready')
    .map((v) => {
      const by = concurrencyConflict(sprint, findPhase(sprint, v.name), tops, now, rules);
      return lost.has(v.name)
        ? `${v.name} was just taken by someone else`
        : by
          ? `${v.name} waits for ${by.name} (${v.concurrency} vs ${by.concurrency})`
          : v.name;
    });
  const pending = views
    .filter((v) => v.state === 'pending')
    .map((v) => `${v.name} needs ${v.depends_on.filter((d) => !isDone(tops.get(d))).join(', ')}`);
  return (
    [running.length ? `running: ${running.join(', ')}` : '', ...ready, ...pending.slice(0, 3)].filter(Boolean).join('; ') ||
    'every phase is done or taken'
  );
}
