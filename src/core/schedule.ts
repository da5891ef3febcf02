/** Scheduling over the graph: execution batches and the next phase to take. Pure. */
import { topoOrder } from './graph.js';
import { classesExclude } from './concurrency.js';
import { haltOf, isDone, isLive, type Tops } from './phase-state.js';
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
 * Phases an agent could claim now, best first: topological order, unclaimed
 * before expired leases, skipping phases the concurrency class would refuse;
 * none while the sprint is halted.
 */
export function claimable(sprint: SprintFile, tops: Tops, now: number): string[] {
  // A halted sprint waits for a human: decideClaim refuses every phase, so offer none.
  if (haltOf(sprint, tops)) return [];
  const free: string[] = [];
  const expired: string[] = [];
  // What concurrencyConflict checks, with the running phases found once rather than once per candidate.
  const running = sprint.phases.filter((o) => isLive(tops.get(o.name), now));
  for (const p of topoOrder(sprint.phases)) {
    const top = tops.get(p.name);
    if (isDone(top) || isLive(top, now)) continue;
    if (!p.depends_on.every((d) => isDone(tops.get(d)))) continue;
    if (running.some((o) => o.name !== p.name && classesExclude(p, o))) continue;
    (top?.kind === 'claim' ? expired : free).push(p.name);
  }
  return [...free, ...expired];
}
