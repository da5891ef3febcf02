/**
 * Clearing a phase's halt, as entries in the phase's own log (so they are
 * appended, raced, published and imported like every other change):
 *
 *   reopen    the done phase becomes ready again; the done entry and its
 *             artifact stay below it, nothing is deleted. Refused while a phase
 *             depending on it is done (unless cascading: those are reopened
 *             first, leaves first, so every state in between is one where no
 *             done phase depends on a phase that is not) or held.
 *   override  a human's decision: the halt no longer stands, the phase stays
 *             done. The entry records who, when, why and the halt it cleared,
 *             and carries the completion's artifact, so the newest entry of a
 *             done phase always holds its artifact.
 *
 * Pure: decisions on the tops they are given, and the check of imported
 * entries against the entry below them (a teammate's client, or a crafted
 * ref, is held to the same rules as a local command).
 */
import { blocked, invalid, unavailable } from './errors.js';
import { findPhase, isDone, isLive, type Tops } from './phase-state.js';
import type { PhaseRecord, SprintFile } from './schemas.js';
import { topoOrder } from './graph.js';

type Actor = { agent: string; host: string; at: string };
type NewPhaseRecord = Omit<PhaseRecord, 'seq' | 'v' | 'id'>;

const holder = (r: PhaseRecord) => ({ agent: r.agent, host: r.host, at: r.at });
const who = (r: PhaseRecord) => `${r.agent}@${r.host}`;

/** Phases that depend on `name`, directly or not, in topological order. */
function dependantsOf(sprint: SprintFile, name: string): string[] {
  const out = new Set<string>([name]);
  for (const p of topoOrder(sprint.phases)) if (p.depends_on.some((d) => out.has(d))) out.add(p.name);
  out.delete(name);
  return [...out];
}

function requireActive(sprint: SprintFile): void {
  if (sprint.status !== 'active')
    throw unavailable('E_SPRINT_ARCHIVED', `sprint ${sprint.id} is archived: start a new one with 'git conductor start'`);
}

/**
 * The phases `reopen name` reopens, in the order to reopen them: done
 * dependants first (deepest first), `name` last. Throws the refusal.
 */
export function reopenPlan(sprint: SprintFile, name: string, tops: Tops, now: number, cascade: boolean): string[] {
  findPhase(sprint, name);
  requireActive(sprint);
  const top = tops.get(name);
  if (!isDone(top)) {
    const why =
      top?.kind === 'claim'
        ? `held by ${who(top)}`
        : top?.kind === 'reopen'
          ? `reopened by ${who(top)} at ${top.at}`
          : 'nobody completed it';
    throw unavailable('E_NOT_DONE', `phase "${name}" is not done (${why}): there is nothing to reopen`, { phase: name });
  }
  const deps = dependantsOf(sprint, name);
  const held = deps.filter((d) => isLive(tops.get(d), now));
  if (held.length) {
    throw unavailable(
      'E_HELD',
      `cannot reopen "${name}": ${held.map((d) => `"${d}" (held by ${who(tops.get(d)!)})`).join(', ')} depends on it and is being worked on; ask its holder to abort it first`,
      { phase: name, held },
    );
  }
  const done = deps.filter((d) => isDone(tops.get(d)));
  if (done.length && !cascade) {
    throw blocked(
      'E_DEPENDANT_DONE',
      `cannot reopen "${name}": ${done.join(', ')} depend${done.length === 1 ? 's' : ''} on it and ${done.length === 1 ? 'is' : 'are'} done; pass --cascade to reopen ${done.length === 1 ? 'it' : 'them'} too`,
      { phase: name, dependants: done },
    );
  }
  return [...done.reverse(), name];
}

/**
 * The reopen entry for one phase of a plan, decided on fresh tops: the phase
 * must still be done and no phase depending on it done or held (the plan's
 * earlier steps reopened them). `root`: the phase the user asked to reopen.
 */
export function decideReopen(
  sprint: SprintFile,
  phase: string,
  root: string,
  tops: Tops,
  now: number,
  actor: Actor,
  why: string,
): NewPhaseRecord {
  reopenPlan(sprint, phase, tops, now, false);
  const top = tops.get(phase)!;
  return {
    kind: 'reopen',
    reason: 'reopen',
    ...actor,
    why,
    previous: top.kind === 'override' && top.previous ? top.previous : holder(top),
    ...(phase === root ? {} : { cascade_from: root }),
  };
}

/** The override entry for `phase`, or the refusal: it must be done and halted, and its gate not one the project forbids overriding. */
export function decideOverride(
  sprint: SprintFile,
  phase: string,
  tops: Tops,
  actor: Actor,
  why: string,
  noOverride: readonly string[],
): NewPhaseRecord {
  findPhase(sprint, phase);
  requireActive(sprint);
  const top = tops.get(phase);
  if (top?.kind === 'override')
    throw unavailable('E_NOT_HALTED', `phase "${phase}" is not halted: its halt was overridden by ${who(top)} at ${top.at}`, { phase });
  if (top?.kind !== 'done' || !top.halt)
    throw unavailable('E_NOT_HALTED', `phase "${phase}" is not halted: there is nothing to override (see 'git conductor status')`, {
      phase,
    });
  if (noOverride.includes(phase)) {
    throw blocked(
      'E_OVERRIDE_FORBIDDEN',
      `the project config forbids overriding "${phase}" (no_override in .git-conductor.json): reopen it with 'git conductor reopen ${phase} --reason "..."', fix it and complete it again`,
      { phase },
    );
  }
  // What the completion recorded about its artifact travels with it, so every clone judges the artifact alike.
  const { artifact, commit, halt_rule, grade, contract, provenance } = top;
  return {
    kind: 'override',
    reason: 'override',
    ...actor,
    why,
    previous: holder(top),
    overridden: top.halt,
    ...defined({ artifact, commit, halt_rule, grade, contract, provenance }),
  };
}

/**
 * Why an imported entry may not follow `prev` (the entry below it on the
 * remote's chain), or undefined: the rules the local commands follow.
 */
export function importRefusal(
  phase: string,
  prev: PhaseRecord | undefined,
  e: PhaseRecord,
  noOverride: readonly string[],
): string | undefined {
  if (e.kind === 'reopen' && !isDone(prev)) return `entry ${e.seq} reopens "${phase}", which was not done`;
  if (e.kind !== 'override') return undefined;
  if (prev?.kind !== 'done' || !prev.halt) return `entry ${e.seq} overrides "${phase}", which was not halted`;
  if (e.overridden !== prev.halt || e.artifact?.sha256 !== prev.artifact?.sha256)
    return `entry ${e.seq} overrides a halt or an artifact that is not the one below it`;
  if (noOverride.includes(phase)) return `entry ${e.seq} overrides "${phase}", which the project config forbids (no_override)`;
  return undefined;
}

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export interface OverriddenHalt {
  phase: string;
  /** The halt that no longer stands. */
  halt: string;
  agent: string;
  host: string;
  at: string;
  why?: string;
}

/** Every phase whose halt a human overrode and that is still done so. */
export function overriddenHalts(sprint: SprintFile, tops: Tops): OverriddenHalt[] {
  const out: OverriddenHalt[] = [];
  for (const p of sprint.phases) {
    const t = tops.get(p.name);
    if (t?.kind === 'override') out.push({ phase: p.name, halt: t.overridden ?? '', agent: t.agent, host: t.host, at: t.at, why: t.why });
  }
  return out;
}

/** A `--reason`: one line a human wrote, kept in the log and shown to everyone. */
export function validateReason(reason: unknown, verb: string): string {
  const r = typeof reason === 'string' ? reason.trim() : '';
  if (!r || r.length > 500 || /[\u0000-\u001f\u007f-\u009f]/.test(r)) {
    throw invalid('E_USAGE', `${verb} needs --reason "…": one line of at most 500 characters saying why (it is recorded with your name)`);
  }
  return r;
}

/** What a reopen entry says in the audit log and the team's log: whose completion it reopened, and why. */
export function reopenDetail(r: Pick<PhaseRecord, 'previous' | 'cascade_from' | 'why'>): string {
  const by = r.previous ? ` (completed by ${r.previous.agent}@${r.previous.host} at ${r.previous.at})` : '';
  return `reopened${by}${r.cascade_from ? `, with ${r.cascade_from}` : ''}: ${r.why ?? ''}`.slice(0, 1000);
}

/** What an override entry says in the audit log and the team's log: the halt it cleared, and why. */
export const overrideDetail = (r: Pick<PhaseRecord, 'overridden' | 'why'>): string =>
  `overrode halt "${r.overridden ?? ''}": ${r.why ?? ''}`.slice(0, 1000);
