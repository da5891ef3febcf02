/**
 * What a phase's newest log entry means, and which entry a command should
 * append next. Pure: the store reads the entries, these functions decide.
 */
import { invalid, unavailable } from './errors.js';
import { concurrencyConflict, DEFAULT_RULES, holdsLive, leaseEnd, mayHold, type ClaimKind, type LeaseRules, type Tops } from './hold.js';
import { sameHolder, twinHeld, type HolderProof } from './holder-proof.js';
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
  /** The holder's own long-lived process id, when it gave one (`claim --pid`). */
  pid?: number;
  artifact?: PhaseRecord['artifact'];
  commit?: string;
  halt?: string;
  /** The security grade of its artifact (contract/grade.ts). */
  grade?: PhaseRecord['grade'];
}

export type { ClaimKind, Tops } from './hold.js';
export { concurrencyConflict } from './hold.js';

/** A claim whose lease has not ended (its expiry, capped at the longest lease: core/hold.ts). */
export const isLive = (r: PhaseRecord | undefined, now: number, rules: LeaseRules = DEFAULT_RULES): boolean => holdsLive(r, now, rules);

export function viewPhase(p: PhaseDef, tops: Tops, now: number, rules: LeaseRules = DEFAULT_RULES): PhaseView {
  const top = tops.get(p.name);
  const base = { name: p.name, concurrency: p.concurrency, depends_on: p.depends_on };
  if (top?.kind === 'done') {
    return {
      ...base,
      state: 'done',
      agent: top.agent,
      host: top.host,
      at: top.at,
      artifact: top.artifact,
      commit: top.commit,
      halt: top.halt,
      ...(top.grade ? { grade: top.grade } : {}),
    };
  }
  if (top?.kind === 'claim') {
    // A far-future expiry (crafted, or a skewed clock) is shown as what it is worth: capped.
    const ends = new Date(leaseEnd(top, rules)).toISOString();
    return {
      ...base,
      state: 'running',
      agent: top.agent,
      host: top.host,
      at: top.at,
      expires_at: ends,
      expired: !isLive(top, now, rules),
      ...(top.pid ? { pid: top.pid } : {}),
    };
  }
  const depsDone = p.depends_on.every((d) => tops.get(d)?.kind === 'done');
  return { ...base, state: depsDone ? 'ready' : 'pending' };
}

export const viewAll = (sprint: SprintFile, tops: Tops, now: number, rules: LeaseRules = DEFAULT_RULES) =>
  sprint.phases.map((p) => viewPhase(p, tops, now, rules));

export function findPhase(sprint: SprintFile, name: string): PhaseDef {
  const p = sprint.phases.find((x) => x.name === name);
  if (!p) {
    throw invalid(
      'E_UNKNOWN_PHASE',
      `unknown phase "${name}" in sprint ${sprint.id}: phases are ${sprint.phases.map((x) => x.name).join(', ')}`,
      { phase: name },
    );
  }
  return p;
}

export { haltOf } from './hold.js';

/** Decides whether `agent` may claim `name` now (core/hold.ts's mayHold); throws the refusal with its exit code. */
export function decideClaim(
  sprint: SprintFile,
  name: string,
  agent: string,
  tops: Tops,
  now: number,
  rules: LeaseRules = DEFAULT_RULES,
): { kind: ClaimKind; previous?: PhaseRecord; recheck: boolean } {
  return mayHold(sprint, findPhase(sprint, name), agent, tops, now, 'claim', rules);
}

const holderText = (r: PhaseRecord) => `${r.agent}@${r.host} since ${r.at}`;
/** Who holds (or completed) a phase, as error data: the documented `{agent, host, at}`, not the whole record. */
const holder = (r: PhaseRecord) => ({ holder: { agent: r.agent, host: r.host, at: r.at } });

/**
 * The holder rule shared by renew, complete, abort and the post-commit hook:
 * may `agent` act on `name` as its holder? One rule; requireHolder turns a
 * refusal into its error, the hook into a skip reason. With a proof, the same
 * id from another agent session is refused too (core/holder-proof.ts).
 */
export type HolderCheck =
  | { ok: true; top: PhaseRecord }
  | { ok: false; refusal: 'done'; top: PhaseRecord }
  | { ok: false; refusal: 'unclaimed'; top?: PhaseRecord }
  | { ok: false; refusal: 'other-holder'; top: PhaseRecord }
  | { ok: false; refusal: 'other-session'; top: PhaseRecord };

export function checkHolder(sprint: SprintFile, name: string, agent: string, tops: Tops, proof?: HolderProof): HolderCheck {
  findPhase(sprint, name);
  const top = tops.get(name);
  if (top?.kind === 'done') return { ok: false, refusal: 'done', top };
  if (top?.kind !== 'claim') return { ok: false, refusal: 'unclaimed', top };
  if (top.agent !== agent) return { ok: false, refusal: 'other-holder', top };
  if (proof && !sameHolder(top, proof)) return { ok: false, refusal: 'other-session', top };
  return { ok: true, top };
}

/** The holder check as an error, for the commands (renew, complete, abort). */
export function requireHolder(
  sprint: SprintFile,
  name: string,
  agent: string,
  tops: Tops,
  action: string,
  proof?: HolderProof,
): PhaseRecord {
  const c = checkHolder(sprint, name, agent, tops, proof);
  if (c.ok) return c.top;
  if (c.refusal === 'other-session') throw twinHeld(name, c.top);
  if (c.refusal === 'done')
    throw unavailable(
      'E_ALREADY_DONE',
      `phase "${name}" is already done (by ${holderText(c.top)}); a done phase is read-only`,
      holder(c.top),
    );
  if (c.refusal === 'unclaimed')
    throw unavailable('E_NOT_CLAIMED', `cannot ${action} "${name}": nobody holds it; claim it first with 'git conductor claim ${name}'`);
  throw unavailable(
    'E_NOT_HOLDER',
    `cannot ${action} "${name}": it is held by ${holderText(c.top)}, not by ${agent} (check 'git conductor whoami' or pass --agent)`,
    holder(c.top),
  );
}

/** Every phase of the sprint is done: the sprint is finished and is archived. */
export const allDone = (sprint: SprintFile, tops: Tops): boolean => sprint.phases.every((p) => tops.get(p.name)?.kind === 'done');
