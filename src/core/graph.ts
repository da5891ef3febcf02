/** The phase graph: the default, validation of user graphs, topological order. Pure. */
import { invalid } from './errors.js';
import { Concurrency, PHASE_NAME_RE, type PhaseDef } from './schemas.js';

export const DEFAULT_PHASES: readonly PhaseDef[] = [
  { name: 'think', depends_on: [], concurrency: 'read' },
  { name: 'plan', depends_on: ['think'], concurrency: 'read' },
  { name: 'build', depends_on: ['plan'], concurrency: 'write' },
  { name: 'review', depends_on: ['build'], concurrency: 'read' },
  { name: 'security', depends_on: ['build'], concurrency: 'read' },
  { name: 'qa', depends_on: ['build'], concurrency: 'read' },
  { name: 'ship', depends_on: ['review', 'security', 'qa'], concurrency: 'exclusive' },
];

const badGraph = (where: string, problem: string) =>
  invalid('E_BAD_GRAPH', `invalid phase graph (${where}): ${problem}`, { where, problem });

export function validatePhaseName(name: unknown, what = 'phase name'): string {
  if (typeof name !== 'string' || name.length > 64 || !PHASE_NAME_RE.test(name)) {
    throw invalid(
      'E_BAD_PHASE_NAME',
      `invalid ${what} ${JSON.stringify(name)}: use lowercase letters, digits and '-', starting with a letter (^[a-z][a-z0-9-]*$)`,
      { name },
    );
  }
  return name;
}

/**
 * Validates a user-supplied graph and resolves defaults. Fails closed: the
 * first problem found is named exactly (phase, field, cycle).
 */
export function validateGraph(input: unknown, where: string): PhaseDef[] {
  if (!Array.isArray(input)) throw badGraph(where, 'expected a JSON array of phases like [{"name":"build","depends_on":[]}]');
  if (input.length === 0) throw badGraph(where, 'the array is empty: a sprint needs at least one phase');
  if (input.length > 1000) throw badGraph(where, `${input.length} phases is more than the limit of 1000`);
  const phases: PhaseDef[] = [];
  const seen = new Set<string>();
  input.forEach((raw, i) => {
    const at = `phase #${i + 1}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badGraph(where, `${at} is not an object`);
    const p = raw as Record<string, unknown>;
    if (!('name' in p)) throw badGraph(where, `${at} is missing "name"`);
    if (typeof p.name !== 'string' || p.name.length > 64 || !PHASE_NAME_RE.test(p.name)) {
      throw badGraph(where, `${at} has a bad name ${JSON.stringify(p.name)} (must match ^[a-z][a-z0-9-]*$, at most 64 characters)`);
    }
    const name = p.name;
    if (seen.has(name)) throw badGraph(where, `duplicate phase name "${name}"`);
    seen.add(name);
    // Only an absent field takes the default: an explicit null is a mistake, and graphs fail closed.
    const deps = p.depends_on === undefined ? [] : p.depends_on;
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) {
      throw badGraph(where, `phase "${name}": "depends_on" must be an array of phase names`);
    }
    if (deps.includes(name)) throw badGraph(where, `phase "${name}" depends on itself`);
    if (new Set(deps).size !== deps.length) throw badGraph(where, `phase "${name}" lists a dependency twice`);
    const conc = p.concurrency === undefined ? 'write' : p.concurrency;
    if (!Concurrency().safeParse(conc).success) {
      throw badGraph(where, `phase "${name}": concurrency ${JSON.stringify(conc)} is not one of read, write, exclusive`);
    }
    const extra = Object.keys(p).filter((k) => !['name', 'depends_on', 'concurrency'].includes(k));
    if (extra.length) throw badGraph(where, `phase "${name}": unknown field "${extra[0]}"`);
    phases.push({ name, depends_on: deps as string[], concurrency: conc as PhaseDef['concurrency'] });
  });
  for (const p of phases) {
    const unknown = p.depends_on.find((d) => !seen.has(d));
    if (unknown !== undefined) throw badGraph(where, `phase "${p.name}" depends on unknown phase "${unknown}"`);
  }
  const cycle = findCycle(phases);
  if (cycle) throw badGraph(where, `dependency cycle ${cycle.join(' -> ')}`);
  return phases;
}

/** Returns one cycle as a closed path (a -> b -> a), or null. */
/**
 * What is wrong with a graph that already passed the schema (a sprint read
 * from disk or from a ref), in validateGraph's words; undefined when nothing
 * is. Local and imported sprints are held to the same rules as `start`.
 */
export function graphProblem(phases: unknown): string | undefined {
  try {
    validateGraph(phases, 'sprint.json');
    return undefined;
  } catch (e) {
    const problem = (e as { data?: { problem?: unknown } }).data?.problem;
    if (typeof problem === 'string') return problem;
    throw e;
  }
}

export function findCycle(phases: readonly PhaseDef[]): string[] | null {
  const deps = new Map(phases.map((p) => [p.name, p.depends_on]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const p of phases) {
    const c = visit(p.name);
    if (c) return c;
  }
  return null;
}

/** Kahn's algorithm; ties keep declaration order so output is stable. */
export function topoOrder(phases: readonly PhaseDef[]): PhaseDef[] {
  // Linear in phases and edges: rescanning the whole graph at each step was
  // quadratic, milliseconds for a few hundred phases on every `next`.
  const index = new Map(phases.map((p, i) => [p.name, i]));
  const waiting = phases.map((p) => new Set(p.depends_on).size);
  const dependents: number[][] = phases.map(() => []);
  phases.forEach((p, i) => {
    for (const d of new Set(p.depends_on)) {
      const j = index.get(d);
      if (j !== undefined) dependents[j]!.push(i);
    }
  });
  /** Ready phase indices, sorted descending: the earliest declared is last. */
  const ready = waiting.flatMap((w, i) => (w === 0 ? [i] : [])).reverse();
  const out: PhaseDef[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    out.push(phases[i]!);
    for (const j of dependents[i]!) {
      if (--waiting[j]! > 0) continue;
      let at = ready.length;
      while (at > 0 && ready[at - 1]! < j) at--;
      ready.splice(at, 0, j);
    }
  }
  if (out.length < phases.length) throw new Error('topoOrder: graph has a cycle (validateGraph should have caught it)');
  return out;
}
