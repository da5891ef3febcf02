/**
 * What a phase's newest log entry means, and which entry a command should
 * append next. Pure: the store reads the entries, these functions decide.
 */
import { classesExclude } from './concurrency.js';
import { blocked, invalid, unavailable } from './errors.js';
import type { PhaseDef, PhaseRecord, SprintFile } from './schemas.js';

export type PhaseStateName = 'pending' | 'ready' | 'running' | 'done';

export interface PhaseView {
  name: string;
  state: PhaseStateName;
  concurrency: PhaseDef['concurrency'];
  depends_on: string[];
  agent?: string;
  host?: string;
  at?: string;
  expires_at?: string;
  /** A claim whose lease ran out: shown as running, claimable by takeover. */
  expired?: boolean;
  artifact?: PhaseRecord['artifact'];
  commit?: string;
  halt?: string;
  /** The security grade of its artifact (contract/grade.ts). */
  grade?: PhaseRecord['grade'];
}

export type Tops = ReadonlyMap<string, PhaseRecord | undefined>;

export const isLive = (r: PhaseRecord | undefined, now: number): boolean =>
  r?.kind === 'claim' && Date.parse(r.expires_at ?? '') > now;

export function viewPhase(p: PhaseDef, tops: Tops, now: number): PhaseView {
  const top = tops.get(p.name);
  const base = { name: p.name, concurrency: p.concurrency, depends_on: p.depends_on };
  if (top?.kind === 'done') {
    return { ...base, state: 'done', agent: top.agent, host: top.host, at: top.at, artifact: top.artifact, commit: top.commit, halt: top.halt, ...(top.grade ? { grade: top.grade } : {}) };
  }
  if (top?.kind === 'claim') {
    return { ...base, state: 'running', agent: top.agent, host: top.host, at: top.at, expires_at: top.expires_at, expired: !isLive(top, now) };
  }
  const depsDone = p.depends_on.every((d) => tops.get(d)?.kind === 'done');
  return { ...base, state: depsDone ? 'ready' : 'pending' };
}

export const viewAll = (sprint: SprintFile, tops: Tops, now: number) => sprint.phases.map((p) => viewPhase(p, tops, now));

export function findPhase(sprint: SprintFile, name: string): PhaseDef {
  const p = sprint.phases.find((x) => x.name === name);
  if (!p) {
    throw invalid('E_UNKNOWN_PHASE', `unknown phase "${name}" in sprint ${sprint.id}: phases are ${sprint.phases.map((x) => x.name).join(', ')}`, { phase: name });
  }
  return p;
}

/** The halt reason of the sprint, if any completed phase's artifact halted it. */
export const haltOf = (sprint: SprintFile, tops: Tops): { phase: string; reason: string } | undefined => {
  for (const p of sprint.phases) {
    const t = tops.get(p.name);
    if (t?.kind === 'done' && t.halt) return { phase: p.name, reason: t.halt };
  }
  return undefined;
};

/** Another running phase whose concurrency class excludes `p`, if any. */
export function concurrencyConflict(sprint: SprintFile, p: PhaseDef, tops: Tops, now: number): PhaseDef | undefined {
  return sprint.phases.find((o) => o.name !== p.name && isLive(tops.get(o.name), now) && classesExclude(p, o));
}

const holderText = (r: PhaseRecord) => `${r.agent}@${r.host} since ${r.at}`;

export type ClaimKind = 'claim' | 'renew' | 'takeover';

/** Decides whether `agent` may claim `name` now; throws the refusal with its exit code. */
export function decideClaim(sprint: SprintFile, name: string, agent: string, tops: Tops, now: number): { kind: ClaimKind; previous?: PhaseRecord } {
  const p = findPhase(sprint, name);
  if (sprint.status !== 'active') throw unavailable('E_SPRINT_ARCHIVED', `sprint ${sprint.id} is archived: start a new one with 'git conductor start'`);
  const top = tops.get(name);
  if (top?.kind === 'done') throw unavailable('E_ALREADY_DONE', `phase "${name}" is already done (by ${holderText(top)}); a done phase is read-only`, { holder: top });
  if (top?.kind === 'claim' && top.agent === agent) return { kind: 'renew' };
  if (top && isLive(top, now)) {
    throw unavailable('E_HELD', `phase "${name}" is held by ${holderText(top)} until ${top.expires_at}; pick another with 'git conductor next'`, { holder: top });
  }
  const missing = p.depends_on.filter((d) => tops.get(d)?.kind !== 'done');
  if (missing.length) throw blocked('E_DEPENDENCY', `phase "${name}" is blocked: ${missing.join(', ')} not done yet`, { missing });
  const halt = haltOf(sprint, tops);
  if (halt) throw blocked('E_HALTED', `sprint ${sprint.id} is halted by ${halt.phase}: ${halt.reason}`, { halt });
  const conflict = concurrencyConflict(sprint, p, tops, now);
  if (conflict) {
    const h = tops.get(conflict.name)!;
    throw blocked('E_CONCURRENCY', `phase "${name}" (${p.concurrency}) cannot run while "${conflict.name}" (${conflict.concurrency}) is running (${holderText(h)})`, { conflict: conflict.name });
  }
  return top?.kind === 'claim' ? { kind: 'takeover', previous: top } : { kind: 'claim' };
}

/**
 * The holder rule shared by renew, complete, abort and the post-commit hook:
 * may `agent` act on `name` as its holder? One rule; requireHolder turns a
 * refusal into its error, the hook into a skip reason.
 */
export type HolderCheck =
  | { ok: true; top: PhaseRecord }
  | { ok: false; refusal: 'done'; top: PhaseRecord }
  | { ok: false; refusal: 'unclaimed'; top?: PhaseRecord }
  | { ok: false; refusal: 'other-holder'; top: PhaseRecord };

export function checkHolder(sprint: SprintFile, name: string, agent: string, tops: Tops): HolderCheck {
  findPhase(sprint, name);
  const top = tops.get(name);
  if (top?.kind === 'done') return { ok: false, refusal: 'done', top };
  if (top?.kind !== 'claim') return { ok: false, refusal: 'unclaimed', top };
  if (top.agent !== agent) return { ok: false, refusal: 'other-holder', top };
  return { ok: true, top };
}

/** The holder check as an error, for the commands (renew, complete, abort). */
export function requireHolder(sprint: SprintFile, name: string, agent: string, tops: Tops, action: string): PhaseRecord {
  const c = checkHolder(sprint, name, agent, tops);
  if (c.ok) return c.top;
  if (c.refusal === 'done') throw unavailable('E_ALREADY_DONE', `phase "${name}" is already done (by ${holderText(c.top)}); a done phase is read-only`, { holder: c.top });
  if (c.refusal === 'unclaimed') throw unavailable('E_NOT_CLAIMED', `cannot ${action} "${name}": nobody holds it; claim it first with 'git conductor claim ${name}'`);
  throw unavailable('E_NOT_HOLDER', `cannot ${action} "${name}": it is held by ${holderText(c.top)}, not by ${agent} (check 'git conductor whoami' or pass --agent)`, { holder: c.top });
}

/** Every phase of the sprint is done: the sprint is finished and is archived. */
export const allDone = (sprint: SprintFile, tops: Tops): boolean => sprint.phases.every((p) => tops.get(p.name)?.kind === 'done');
