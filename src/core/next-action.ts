/**
 * What one agent should do next in a sprint, as a single action. Pure: the
 * sprint graph, the phases' newest records, the agent and the clock in, the
 * action out. `resume` prints it; agent priming uses the same decision, so an
 * agent told one thing at start-up is never told another when it asks again.
 *
 * Precedence: a finished sprint is done; then the phase this agent holds
 * (even in a halted sprint: finishing or giving it back is still its job,
 * and the reason says the sprint is halted); then a halt, which waits for a
 * human; then the first phase it could claim (the same order `next` uses);
 * then the phase everything else is waiting for.
 */
import { classesExclude } from './concurrency.js';
import { DEFAULT_RULES, isDone, type LeaseRules } from './hold.js';
import { topoOrder } from './graph.js';
import { haltOf, isLive, type Tops } from './phase-state.js';
import { claimable } from './schedule.js';
import type { PhaseDef, PhaseRecord, SprintFile } from './schemas.js';

export type ActionName = 'continue' | 'claim' | 'wait' | 'halted' | 'done';

export interface NextAction {
  action: ActionName;
  phase: string | null;
  reason: string;
  /** The one command to run now, or null when there is nothing to run. */
  command: string | null;
  /** continue: this agent's lease; wait: the holder's lease. Negative once expired. */
  lease_left_s: number | null;
  /** wait: who holds the phase waited for. */
  holder?: { agent: string; host: string; expires_at?: string };
}

/**
 * A halt standing now, from any gate (api/halts.ts builds them: a phase's artifact, the budget,
 * the circuit breaker), with the commands that clear it, best first.
 */
export interface StandingHalt {
  gate: 'phase' | 'budget' | 'attempts';
  phase?: string;
  key?: string;
  rule: string;
  clear: string[];
}

/** The phase halt alone, when the caller has not read the ledger (the decision then judges phase halts only). */
function phaseHalts(sprint: SprintFile, tops: Tops): StandingHalt[] {
  const h = haltOf(sprint, tops);
  return h ? [{ gate: 'phase', phase: h.phase, rule: h.reason, clear: [`git conductor reopen ${h.phase} --reason "..."`] }] : [];
}

const haltName = (h: StandingHalt) =>
  h.gate === 'phase' ? (h.phase ?? 'a phase') : h.gate === 'budget' ? 'the budget' : `the circuit breaker on "${h.key ?? '?'}"`;
/** A clearing command as one runs it: without the note in parentheses. */
const runnable = (clear: string) => clear.replace(/ \(.*\)$/, '');

/** Below this, continuing starts with renewing the lease. */
export const RENEW_BELOW_S = 10 * 60;

const leaseLeft = (r: PhaseRecord, now: number) => Math.round((Date.parse(r.expires_at ?? '') - now) / 1000);
const mins = (s: number) => (Math.abs(s) < 90 ? `${Math.abs(s)}s` : `${Math.round(Math.abs(s) / 60)}m`);

/** `rules`: the lease grace and cap of the project (as claims judge leases), so a takeover is offered only once a claim would be granted. */
export function nextAction(
  sprint: SprintFile,
  tops: Tops,
  agent: string,
  now: number,
  rules: LeaseRules = DEFAULT_RULES,
  halts: readonly StandingHalt[] = phaseHalts(sprint, tops),
): NextAction {
  const order = topoOrder(sprint.phases);
  const none = { phase: null, command: null, lease_left_s: null };
  if (sprint.status !== 'active' || order.every((p) => isDone(tops.get(p.name)))) {
    return {
      action: 'done',
      ...none,
      reason: `sprint ${sprint.id} is ${sprint.status === 'active' ? 'finished: every phase is done' : 'archived'}; nothing left to do`,
    };
  }
  const mine = order.filter((p) => tops.get(p.name)?.kind === 'claim' && tops.get(p.name)!.agent === agent);
  const halt = halts[0];
  if (mine.length) return continueAction(mine, tops, now, halt);
  if (halt) {
    return {
      action: 'halted',
      phase: halt.phase ?? null,
      reason: `sprint halted by ${haltName(halt)}: ${halt.rule}; a human must clear it: ${halt.clear.map(runnable).join(' or ')}`,
      // A phase halt: read the artifact that halted it first; the ledger's: the command that clears it.
      command: halt.gate === 'phase' ? `git conductor artifact show ${halt.phase}` : runnable(halt.clear[0] ?? 'git conductor status'),
      lease_left_s: null,
    };
  }
  const ready = claimable(sprint, tops, now, agent, rules)[0];
  if (ready !== undefined) {
    const top = tops.get(ready);
    const why =
      top?.kind === 'claim'
        ? `${ready}'s lease by ${top.agent}@${top.host} expired ${mins(leaseLeft(top, now))} ago: take it over`
        : `${ready} is ready and nobody holds it`;
    return { action: 'claim', phase: ready, reason: why, command: `git conductor claim ${ready}`, lease_left_s: null };
  }
  return waitAction(sprint, order, tops, now, rules);
}

function continueAction(mine: PhaseDef[], tops: Tops, now: number, halt: StandingHalt | undefined): NextAction {
  const p = mine[0]!.name;
  const top = tops.get(p)!;
  const left = leaseLeft(top, now);
  const others =
    mine.length > 1
      ? `; you also hold ${mine
          .slice(1)
          .map((x) => x.name)
          .join(', ')}`
      : '';
  const also = `${others}${halt ? `; the sprint is halted by ${haltName(halt)} (${halt.rule}): finish or abort, then a human decides` : ''}`;
  if (left <= 0) {
    return {
      action: 'continue',
      phase: p,
      reason: `you hold ${p}, but its lease ran out ${mins(left)} ago: renew it before anyone takes it over${also}`,
      command: `git conductor renew ${p}`,
      lease_left_s: left,
    };
  }
  const soon = left < RENEW_BELOW_S;
  return {
    action: 'continue',
    phase: p,
    reason: `you hold ${p}; its lease ends in ${mins(left)} (${top.expires_at})${soon ? ': renew it first' : ''}${also}`,
    command: soon ? `git conductor renew ${p}` : `git conductor context --phase ${p}`,
    lease_left_s: left,
  };
}

/**
 * Nothing to claim: wait for the running phase that the earliest unfinished
 * phase needs (an ancestor, or one whose concurrency class excludes it), else
 * for any running phase.
 */
function waitAction(sprint: SprintFile, order: PhaseDef[], tops: Tops, now: number, rules: LeaseRules): NextAction {
  const running = order.filter((p) => tops.get(p.name)?.kind === 'claim');
  const ancestors = ancestorSets(sprint);
  const firstOpen = order.find((p) => !isDone(tops.get(p.name)) && tops.get(p.name)?.kind !== 'claim');
  const blocker =
    (firstOpen && running.find((r) => ancestors.get(firstOpen.name)!.has(r.name))) ??
    (firstOpen && running.find((r) => isLive(tops.get(r.name), now, rules) && classesExclude(firstOpen, r))) ??
    running[0];
  if (!blocker) {
    return {
      action: 'wait',
      phase: null,
      reason: 'no phase is claimable and none is running (unsettled entries from another clone?): check the sprint',
      command: 'git conductor status --fetch',
      lease_left_s: null,
    };
  }
  const top = tops.get(blocker.name)!;
  const left = leaseLeft(top, now);
  const forWhat = firstOpen ? ` (${firstOpen.name} needs it)` : '';
  return {
    action: 'wait',
    phase: blocker.name,
    reason: `${blocker.name} is held by ${top.agent}@${top.host}, lease ends in ${mins(left)}${forWhat}; ask again later`,
    command: 'git conductor resume',
    lease_left_s: left,
    holder: { agent: top.agent, host: top.host, expires_at: top.expires_at },
  };
}

function ancestorSets(sprint: SprintFile): Map<string, Set<string>> {
  const deps = new Map(sprint.phases.map((p) => [p.name, p.depends_on]));
  const memo = new Map<string, Set<string>>();
  const of = (n: string): Set<string> => {
    let s = memo.get(n);
    if (s) return s;
    s = new Set();
    memo.set(n, s);
    for (const d of deps.get(n) ?? []) {
      s.add(d);
      for (const a of of(d)) s.add(a);
    }
    return s;
  };
  for (const p of sprint.phases) of(p.name);
  return memo;
}
