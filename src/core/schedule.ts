/** Scheduling over the graph: execution batches and the next phase to take. Pure. */
import { topoOrder } from './graph.js';
import { blocksOthers, DEFAULT_RULES, mayHold, type LeaseRules } from './hold.js';
import { isLive, type Tops } from './phase-state.js';
import type { Concurrency, PhaseDef, SprintFile } from './schemas.js';

export interface Batch {
  batch: number;
  type: Concurrency;
  phases: string[];
}

/**
 * Every read phase whose dependencies were met in earlier batches runs in one
 * batch, however the graph is declared; write and exclusive phases run alone.
 * When both kinds are ready, the read batch goes first: it is free parallelism.
 */
export function batches(phases: readonly PhaseDef[]): Batch[] {
  const order = topoOrder(phases);
  const scheduled = new Set<string>();
  const out: Batch[] = [];
  while (scheduled.size < order.length) {
    const ready = order.filter((p) => !scheduled.has(p.name) && p.depends_on.every((d) => scheduled.has(d)));
    const reads = ready.filter((p) => p.concurrency === 'read');
    const pick = reads.length ? reads : [ready[0]!];
    out.push({ batch: out.length + 1, type: pick[0]!.concurrency, phases: pick.map((p) => p.name) });
    for (const p of pick) scheduled.add(p.name);
  }
  return out;
}

/**
 * Phases `agent` could claim now, best first: topological order, unclaimed
 * before expired leases. A phase is offered exactly when core/hold.ts's
 * mayHold would grant it (so a halt, a dependency, a class or a lease in its
 * grace period hides it), except the agent's own live leases, which need no claim.
 */
export function claimable(sprint: SprintFile, tops: Tops, now: number, agent = '', rules: LeaseRules = DEFAULT_RULES): string[] {
  const free: string[] = [];
  const expired: string[] = [];
  for (const p of topoOrder(sprint.phases)) {
    const top = tops.get(p.name);
    if (top?.kind === 'done' || (blocksOthers(top, now, rules) && (top.agent !== agent || isLive(top, now, rules)))) continue;
    try {
      mayHold(sprint, p, agent, tops, now, 'claim', rules);
    } catch {
      continue;
    }
    (top?.kind === 'claim' ? expired : free).push(p.name);
  }
  return [...free, ...expired];
}
