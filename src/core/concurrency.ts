/**
 * The concurrency classes, and which phases could ever run beside a given one.
 * Pure.
 *
 * Classes: `read` phases run together; `write` phases exclude each other; an
 * `exclusive` phase runs alone. Two phases can only be running at the same
 * time when neither is an ancestor of the other in the dependency graph: a
 * phase is claimable only once all its ancestors are done, and a done phase
 * never runs again. So a conflict is possible only between phases that are
 * class-incompatible AND incomparable in the graph; for every other pair the
 * post-claim re-check (and its round trip to the remote) is pointless.
 */
import type { PhaseDef, SprintFile } from './schemas.js';

/** True when the classes of `a` and `b` forbid running them at the same time. */
export const classesExclude = (a: PhaseDef, b: PhaseDef): boolean =>
  a.concurrency === 'exclusive' || b.concurrency === 'exclusive' || (a.concurrency === 'write' && b.concurrency === 'write');

/** The phases whose class excludes `p`, wherever they sit in the graph. */
export const concurrencyRivals = (sprint: Pick<SprintFile, 'phases'>, p: PhaseDef): PhaseDef[] =>
  sprint.phases.filter((o) => o.name !== p.name && classesExclude(p, o));

/** Every phase `name` depends on, directly or through others. */
export const ancestorsOf = (phases: readonly PhaseDef[], name: string): Set<string> =>
  reachable(new Map(phases.map((p) => [p.name, p.depends_on])), name);

/** Every phase that depends on `name`, directly or through others. */
export function descendantsOf(phases: readonly PhaseDef[], name: string): Set<string> {
  const dependants = new Map<string, string[]>();
  for (const p of phases) for (const d of p.depends_on) dependants.set(d, [...(dependants.get(d) ?? []), p.name]);
  return reachable(dependants, name);
}

function reachable(edges: ReadonlyMap<string, readonly string[]>, from: string): Set<string> {
  const out = new Set<string>();
  const stack = [...(edges.get(from) ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    stack.push(...(edges.get(n) ?? []));
  }
  return out;
}

/**
 * The phases that could be running at the same moment as `phase` and whose
 * class excludes it: class-incompatible and incomparable in the graph (neither
 * is an ancestor of the other). Empty for every phase of the default graph.
 */
export function mayConflict(sprint: Pick<SprintFile, 'phases'>, phase: string): PhaseDef[] {
  const self = sprint.phases.find((p) => p.name === phase);
  if (!self) return [];
  const rivals = concurrencyRivals(sprint, self);
  if (!rivals.length) return [];
  const ancestors = ancestorsOf(sprint.phases, phase);
  const descendants = descendantsOf(sprint.phases, phase);
  return rivals.filter((o) => !ancestors.has(o.name) && !descendants.has(o.name));
}
