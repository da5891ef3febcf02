/** prime: the brief for an agent that starts or wakes up (core/prime-text.ts), on resume's decision (core/next-action.ts). */
import { nextAction, type NextAction } from '../core/next-action.js';
import { isDone } from '../core/hold.js';
import { viewAll } from '../core/phase-state.js';
import { primeText } from '../core/prime-text.js';
import type { SprintFile } from '../core/schemas.js';
import { sprintHalts } from './halts.js';
import { agentOf, openContext, rulesOf, withRemote, type CommonOptions } from './context.js';
import { displacements, type Displacement } from './displaced.js';
import { heldBy } from './keep-leases.js';

export interface PrimeResult {
  agent: string;
  source: string;
  host: string;
  stable: boolean;
  bind?: string;
  sprint_id: string | null;
  /** What to do next, as `resume` says it; null when there is no sprint. */
  next: NextAction | null;
  displaced: Displacement[];
  /** The brief itself, at most ~1,500 characters. */
  text: string;
}

export async function prime(opts: CommonOptions = {}): Promise<PrimeResult> {
  const ctx = await withRemote(openContext(opts), opts);
  const who = agentOf(ctx, opts.agent);
  const id = ctx.store.activeSprintId();
  const sprint: SprintFile | undefined = id ? ctx.store.readSprint(id) : undefined;
  const tops = sprint ? ctx.store.tops(sprint) : new Map();
  const next = sprint ? nextAction(sprint, tops, who.id, ctx.now, rulesOf(ctx), sprintHalts(ctx, sprint, tops)) : null;
  const active = sprint?.status === 'active';
  const held = active ? heldBy(ctx, sprint, who.id) : [];
  const twinHeld = active
    ? sprint.phases
        .filter((p) => tops.get(p.name)?.kind === 'claim' && tops.get(p.name)!.agent === who.id && !held.includes(p.name))
        .map((p) => p.name)
    : [];
  const displaced = active ? displacements(ctx, sprint, who.id).filter((d) => !isDone(tops.get(d.phase))) : [];
  const counts = { done: 0, running: 0, ready: 0, pending: 0 };
  if (sprint) for (const v of viewAll(sprint, tops, ctx.now, rulesOf(ctx))) counts[v.state]++;
  const facts = { agent: who.id, source: who.source, host: ctx.host, stable: who.stable, bind: who.bind };
  const text = primeText({
    ...facts,
    sprint_id: sprint?.id,
    action: next ?? undefined,
    counts: sprint ? counts : undefined,
    displaced,
    twinHeld,
  });
  return { ...facts, sprint_id: id ?? null, next, displaced, text };
}
