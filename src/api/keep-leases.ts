/**
 * renew --if-held, and what the post-commit hook does on every commit while a
 * claim may be live: renew whatever the acting agent session holds, and do
 * nothing (successfully) when it holds nothing. "Holds" is judged as for every
 * holder check (same id and same holder session, core/holder-proof.ts), so a
 * commit never renews a claim of another agent that shares the id.
 */
import { isUnreachable } from '../core/errors.js';
import { isLive } from '../core/phase-state.js';
import { sameHolder } from '../core/holder-proof.js';
import type { SprintFile } from '../core/schemas.js';
import { validatePhaseName } from '../core/graph.js';
import { renewIn, type ClaimResult } from './claim.js';
import { agentOf, openContext, withRemote, type CommonOptions, type Ctx } from './context.js';
import { displacements, type Displacement } from './displaced.js';
import { proofOf } from './identity.js';
import { clearLiveClaims, markRenewalDue, renewalDue } from './lease.js';

export interface RenewHeldOptions extends CommonOptions {
  /** Only this phase; default: every phase the agent holds. */
  phase?: string;
  ttl?: string;
  /** Only leases that are half run or more (what a commit renews). */
  onlyDue?: boolean;
}

export interface RenewHeldResult {
  sprint_id: string | null;
  agent: string;
  renewed: ClaimResult[];
  /** Phases taken from this agent: who, when, why. */
  displaced: Displacement[];
}

export async function renewHeld(opts: RenewHeldOptions): Promise<RenewHeldResult> {
  const ctx = await withRemote(openContext(opts), opts);
  return renewHeldIn(ctx, opts);
}

export function renewHeldIn(ctx: Ctx, opts: RenewHeldOptions): RenewHeldResult {
  const agent = agentOf(ctx, opts.agent).id;
  const only = opts.phase === undefined ? undefined : validatePhaseName(opts.phase);
  const id = ctx.store.activeSprintId();
  const sprint = id ? ctx.store.readSprint(id) : undefined;
  if (!sprint || sprint.status !== 'active') return { sprint_id: id ?? null, agent, renewed: [], displaced: [] };
  const held = heldBy(ctx, sprint, agent).filter((p) => only === undefined || p === only);
  const tops = opts.onlyDue ? ctx.store.tops(sprint) : undefined;
  const due = tops ? held.filter((p) => renewalDue(tops.get(p)!) <= ctx.now) : held;
  const renewed = due.map((phase) => renewIn(ctx, sprint, phase, opts));
  return {
    sprint_id: sprint.id,
    agent,
    renewed,
    displaced: held.length ? [] : displacements(ctx, sprint, agent).filter((d) => only === undefined || d.phase === only),
  };
}

/** The phases of `sprint` that this agent session holds now (live or expired but not taken). */
export function heldBy(ctx: Ctx, sprint: SprintFile, agent: string): string[] {
  const tops = ctx.store.tops(sprint);
  const proof = proofOf(ctx.identity);
  return sprint.phases
    .filter((p) => {
      const top = tops.get(p.name);
      return top?.kind === 'claim' && top.agent === agent && sameHolder(top, proof);
    })
    .map((p) => p.name);
}

/** After the post-commit hook's work: the stub's hint says when a renewal is next due, or goes once no claim is live. */
export function settleLiveHint(ctx: Ctx): void {
  const id = ctx.store.activeSprintId();
  const sprint = id ? ctx.store.readSprint(id) : undefined;
  const tops = sprint?.status === 'active' ? ctx.store.tops(sprint) : new Map();
  const live = [...tops.values()].filter((t) => isLive(t, Date.now()));
  clearLiveClaims(ctx);
  if (live.length) markRenewalDue(ctx, Math.min(...live.map(renewalDue)));
}

export interface CommitRenewal {
  renewed: ClaimResult[];
  displaced: Displacement[];
  /** Why renewing failed (the commit and its completions stand). */
  renew_problem?: string;
}

/**
 * The post-commit hook's second job: the committer's held phases are renewed
 * (a commit is proof of work going on). Never fails the hook; with a remote
 * that cannot be reached in time, the renewal is made offline.
 */
export async function renewAfterCommit(opts: CommonOptions): Promise<CommitRenewal> {
  try {
    let r: RenewHeldResult;
    try {
      r = await renewHeld({ ...opts, onlyDue: true });
    } catch (e) {
      if (!isUnreachable(e)) throw e;
      r = await renewHeld({ ...opts, onlyDue: true, offline: true });
    }
    const ctx = openContext(opts);
    settleLiveHint(ctx);
    return { renewed: r.renewed, displaced: r.displaced };
  } catch (e) {
    return { renewed: [], displaced: [], renew_problem: e instanceof Error ? e.message : String(e) };
  }
}
