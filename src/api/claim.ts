/** claim, renew, next: taking and keeping phases. */
import { mayConflict } from '../core/concurrency.js';
import { blocked, ConductorError, isConductorError, isRefusal } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { concurrencyConflict, decideClaim, findPhase, requireHolder, type ClaimKind } from '../core/phase-state.js';
import type { SprintFile } from '../core/schemas.js';
import { claimable } from '../core/schedule.js';
import { activeSprint, agentOf, iso, leaseMs, openWithRemote, type CommonOptions, type Ctx } from './context.js';
import { appendPhase, holderOf } from './transition.js';
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
  const phase = validatePhaseName(opts.phase);
  const ttlMs = leaseMs(ctx, opts.ttl);
  const agent = agentOf(ctx, opts.agent).id;
  let kind = 'claim' as ClaimKind;
  let previous: ClaimResult['previous'];
  const { entry } = appendPhase(ctx, sprint, phase, (tops, now) => {
    const d = decideClaim(sprint, phase, agent, tops, now);
    kind = d.kind;
    previous = d.previous && holderOf(d.previous);
    return {
      record: { kind: 'claim', reason: d.kind, agent, host: ctx.host, at: iso(now), expires_at: iso(now + ttlMs), pid: opts.pid, previous },
    };
  });
  if (kind !== 'renew') postCheck(ctx, sprint, phase, agent);
  const event = kind === 'renew' ? 'renew' : kind === 'takeover' ? 'takeover' : 'claim';
  ctx.store.audit({ at: entry.record.at, event, sprint_id: sprint.id, phase, agent, host: ctx.host, detail: previous ? `from ${previous.agent}@${previous.host}` : undefined });
  return withWarnings(ctx, { sprint_id: sprint.id, phase, agent, host: ctx.host, claimed_at: entry.record.at, expires_at: entry.record.expires_at!, kind, previous });
}

/**
 * Two agents may pass the concurrency check at the same instant for two
 * different phases. Each re-checks after its own claim is in place (appended
 * locally and, with a remote, published by CAS); the later of the two always
 * sees the earlier (the local log and the remote are both linearizable), so at
 * most one of them keeps its claim. Only phases that could ever run beside
 * this one are re-read (core/concurrency.ts): in the default graph there are
 * none, and the check costs nothing.
 */
function postCheck(ctx: Ctx, sprint: SprintFile, phase: string, agent: string): void {
  const rivals = mayConflict(sprint, phase);
  if (!rivals.length) return;
  let recheckFailed: unknown;
  try {
    ctx.remote?.recheck(sprint, rivals.map((p) => p.name));
  } catch (e) {
    recheckFailed = e;
  }
  // Only the rivals' logs can hold a conflict: read just those.
  const conflict = recheckFailed ? undefined : concurrencyConflict(sprint, findPhase(sprint, phase), ctx.store.tops(sprint, rivals), Date.now());
  if (!conflict && !recheckFailed) return;
  try {
    appendPhase(ctx, sprint, phase, (_tops, now) => ({ record: { kind: 'release', reason: 'rollback', agent, host: ctx.host, at: iso(now) } }));
  } catch (e) {
    if (!isConductorError(e)) throw e;
    throw new ConductorError(e.code, e.exitCode, `claimed "${phase}" but could not ${recheckFailed ? 're-check it against the phases it excludes' : `roll it back after "${conflict!.name}" was claimed at the same moment`} (${e.message}); release it with 'git conductor abort ${phase}'`, { ...e.data, phase });
  }
  if (recheckFailed) throw recheckFailed;
  throw blocked('E_CONCURRENCY', `phase "${phase}" cannot run while "${conflict!.name}" (${conflict!.concurrency}) is running: it was claimed at the same moment; try again when it is done`, { conflict: conflict!.name });
}

export interface RenewOptions extends CommonOptions {
  phase: string;
  ttl?: string;
}

/** Extends the holder's lease; refused for anyone else. */
export async function renew(opts: RenewOptions): Promise<ClaimResult> {
  const ctx = await openWithRemote(opts, 'view');
  const phase = validatePhaseName(opts.phase);
  const ttlMs = leaseMs(ctx, opts.ttl);
  const agent = agentOf(ctx, opts.agent).id;
  const sprint = activeSprint(ctx);
  const { entry } = appendPhase(ctx, sprint, phase, (tops, now) => {
    requireHolder(sprint, phase, agent, tops, 'renew');
    return { record: { kind: 'claim', reason: 'renew', agent, host: ctx.host, at: iso(now), expires_at: iso(now + ttlMs) } };
  });
  ctx.store.audit({ at: entry.record.at, event: 'renew', sprint_id: sprint.id, phase, agent, host: ctx.host });
  return withWarnings(ctx, { sprint_id: sprint.id, phase, agent, host: ctx.host, claimed_at: entry.record.at, expires_at: entry.record.expires_at!, kind: 'renew' as const });
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
}

export async function next(opts: NextOptions): Promise<NextResult> {
  // With a remote, "what can I do now" is only worth asking of a fresh view: fetch first.
  const ctx = await openWithRemote(opts, 'fetch');
  const sprint = activeSprint(ctx);
  if (sprint.status !== 'active') return { sprint_id: sprint.id, phase: null };
  const tried = new Set<string>();
  for (;;) {
    const candidates = claimable(sprint, ctx.store.tops(sprint), Date.now()).filter((p) => !tried.has(p));
    const phase = candidates[0];
    if (phase === undefined || !opts.claim) return { sprint_id: sprint.id, phase: phase ?? null };
    try {
      return { sprint_id: sprint.id, phase, claimed: claimIn(ctx, { ...opts, phase }, sprint) };
    } catch (e) {
      if (!isRefusal(e)) throw e;
      tried.add(phase);
    }
  }
}
