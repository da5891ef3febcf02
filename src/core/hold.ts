/**
 * May this agent hold this phase now? The one decision behind claim, renew,
 * takeover, next, complete (and so the post-commit hook) and sync, so that no
 * rule (the sprint's state, the holder, lease expiry plus grace, dependencies,
 * halts, concurrency classes) can be skipped by choosing another verb.
 *
 * The only shortcut is a live lease of the agent's own taken online: it was
 * granted under every rule and has been held since, so renewing or
 * completing it needs no new check (an offline claim was granted against a
 * view that may be stale, so it gets no shortcut). Everything else (a new claim, a takeover, renewing or completing
 * one's own lease after it ran out) is decided on every rule, and the caller
 * re-checks the concurrency class after its entry is in place (`recheck`).
 *
 * Leases, as others see them: a lease blocks everyone else until its end plus
 * a grace period (clocks never agree exactly), and its end is capped at
 * `at + maxTtlMs` (a crafted or skewed far-future expiry is worth no more
 * than the longest lease this clone would grant). Pure.
 */
import { classesExclude } from './concurrency.js';
import { MAX_TTL_MS } from './duration.js';
import { blocked, unavailable } from './errors.js';
import { sameHolder, twinHeld, type HolderProof } from './holder-proof.js';
import type { PhaseDef, PhaseRecord, SprintFile } from './schemas.js';

export interface LeaseRules {
  /** How long past a lease's end everyone else still treats it as held; undefined: defaultGrace of each lease. */
  graceMs?: number;
  /**
   * The longest lease: an expiry later than `at + maxTtlMs` counts as `at + maxTtlMs`. The project's
   * lease_ttl_max when it sets one, so a teammate's (or a crafted) longer lease is held only that long here.
   */
  maxTtlMs: number;
  /** The gates the project forbids overriding (no_override): a halt's message never suggests overriding them. */
  noOverride?: readonly string[];
}

/** The default grace: a tenth of the lease's own length, at most 30 s (short leases are for short work). */
export const DEFAULT_GRACE_CAP_MS = 30_000;
export const defaultGrace = (leaseMs: number) => Math.min(DEFAULT_GRACE_CAP_MS, Math.floor(leaseMs / 10));

/** The rules with `lease_grace` of the project config, when it sets one. */
export const leaseRules = (graceMs?: number, maxTtlMs = MAX_TTL_MS, noOverride?: readonly string[]): LeaseRules => ({
  graceMs,
  maxTtlMs: Math.min(maxTtlMs, MAX_TTL_MS),
  ...(noOverride?.length ? { noOverride } : {}),
});
export const DEFAULT_RULES = leaseRules();

type Rules = LeaseRules;

/** When a claim's lease ends: its expiry, capped at the longest lease from its start. */
export function leaseEnd(r: PhaseRecord, rules: Rules = DEFAULT_RULES): number {
  const at = Date.parse(r.at);
  const exp = Date.parse(r.expires_at ?? '');
  if (!Number.isFinite(exp)) return at;
  return Math.min(exp, at + rules.maxTtlMs);
}

/** The grace of this lease under `rules`. */
export const graceOf = (r: PhaseRecord, rules: Rules = DEFAULT_RULES): number =>
  rules.graceMs ?? defaultGrace(Math.max(0, leaseEnd(r, rules) - Date.parse(r.at)));

/** Live for its holder: a claim whose lease has not ended. */
export const holdsLive = (r: PhaseRecord | undefined, now: number, rules: Rules = DEFAULT_RULES): r is PhaseRecord =>
  r?.kind === 'claim' && leaseEnd(r, rules) > now;

/** Held, as everyone else must see it: a claim until its lease's end plus its grace. */
export const blocksOthers = (r: PhaseRecord | undefined, now: number, rules: Rules = DEFAULT_RULES): r is PhaseRecord =>
  r?.kind === 'claim' && leaseEnd(r, rules) + graceOf(r, rules) > now;

export type Tops = ReadonlyMap<string, PhaseRecord | undefined>;
export type HoldVerb = 'claim' | 'renew' | 'complete';
export type ClaimKind = 'claim' | 'renew' | 'takeover';

export interface HoldDecision {
  kind: ClaimKind;
  previous?: PhaseRecord;
  /** True unless the agent's own live lease was simply kept: the caller re-checks the class once its entry is in place. */
  recheck: boolean;
}

const holderText = (r: PhaseRecord) => `${r.agent}@${r.host} since ${r.at}`;
/** Who holds (or completed) a phase, as error data: the documented `{agent, host, at}`, not the whole record. */
const holder = (r: PhaseRecord) => ({ holder: { agent: r.agent, host: r.host, at: r.at } });

/** Done, or done with its halt overridden (core/halts.ts): the phase's work stands. */
export const isDone = (r: PhaseRecord | undefined): boolean => r?.kind === 'done' || r?.kind === 'override';

/** Another phase whose lease blocks `p` by its concurrency class, if any. */
export function concurrencyConflict(
  sprint: SprintFile,
  p: PhaseDef,
  tops: Tops,
  now: number,
  rules: Rules = DEFAULT_RULES,
): PhaseDef | undefined {
  return sprint.phases.find((o) => o.name !== p.name && classesExclude(p, o) && blocksOthers(tops.get(o.name), now, rules));
}

/**
 * Decides whether `agent` may hold `name` now through `verb`; throws the
 * refusal with its exit code. `verb` says only what the agent asks for:
 * `claim` may be a new claim, a takeover or a renewal; `renew` and `complete`
 * need the agent to be the holder already.
 */
export function mayHold(
  sprint: SprintFile,
  p: PhaseDef,
  agent: string,
  tops: Tops,
  now: number,
  verb: HoldVerb,
  rules: Rules = DEFAULT_RULES,
  proof?: HolderProof,
): HoldDecision {
  const name = p.name;
  if (verb !== 'complete' && sprint.status !== 'active')
    throw unavailable('E_SPRINT_ARCHIVED', `sprint ${sprint.id} is archived: start a new one with 'git conductor start'`);
  const top = tops.get(name);
  if (isDone(top))
    throw unavailable(
      'E_ALREADY_DONE',
      `phase "${name}" is already done (by ${holderText(top!)}); to redo it, reopen it with 'git conductor reopen ${name} --reason "..."'`,
      holder(top!),
    );
  // The same id from another agent session (core/holder-proof.ts) is not the holder: refused while its
  // lease blocks others, and otherwise a claim by it is a takeover like anyone's.
  const twin = top?.kind === 'claim' && top.agent === agent && !!proof && !sameHolder(top, proof);
  if (twin && (verb !== 'claim' || blocksOthers(top, now, rules))) throw twinHeld(name, top);
  const mine = top?.kind === 'claim' && top.agent === agent && !twin;
  if (verb !== 'claim' && !mine) {
    if (top?.kind !== 'claim')
      throw unavailable('E_NOT_CLAIMED', `cannot ${verb} "${name}": nobody holds it; claim it first with 'git conductor claim ${name}'`);
    throw unavailable(
      'E_NOT_HOLDER',
      `cannot ${verb} "${name}": it is held by ${holderText(top)}, not by ${agent} (check 'git conductor whoami' or pass --agent)`,
      holder(top),
    );
  }
  // An offline claim was granted against a view that may be stale: it is no proof of the rules until checked again.
  if (mine && holdsLive(top, now, rules) && !top.offline) return { kind: 'renew', recheck: false };
  if (!mine && blocksOthers(top, now, rules)) {
    const end = leaseEnd(top, rules);
    const why =
      end > now
        ? `until ${new Date(end).toISOString()}`
        : `(its lease ended at ${new Date(end).toISOString()}; a takeover waits ${Math.round(graceOf(top, rules) / 1000)}s of grace past it)`;
    throw unavailable(
      'E_HELD',
      `phase "${name}" is held by ${holderText(top)} ${why}; pick another with 'git conductor next'`,
      holder(top),
    );
  }
  const missing = p.depends_on.filter((d) => !isDone(tops.get(d)));
  if (missing.length) throw blocked('E_DEPENDENCY', `phase "${name}" is blocked: ${missing.join(', ')} not done yet`, { missing });
  const halt = haltOf(sprint, tops);
  if (halt)
    throw blocked(
      'E_HALTED',
      `sprint ${sprint.id} is halted by ${halt.phase}: ${halt.reason}; clear it with 'git conductor reopen ${halt.phase} --reason "..."' (then fix and complete it)${rules.noOverride?.includes(halt.phase) ? ' (the project forbids overriding it)' : ` or 'git conductor override ${halt.phase} --reason "..."'`} (see 'git conductor status')`,
      { halt },
    );
  const conflict = concurrencyConflict(sprint, p, tops, now, rules);
  if (conflict) {
    const h = tops.get(conflict.name)!;
    const again = mine ? `your lease on "${name}" ran out and ` : '';
    throw blocked(
      'E_CONCURRENCY',
      `phase "${name}" (${p.concurrency}) cannot run while "${conflict.name}" (${conflict.concurrency}) is running (${holderText(h)}): ${again}try again when it is done`,
      { conflict: conflict.name },
    );
  }
  if (mine) return { kind: 'renew', recheck: true };
  return top?.kind === 'claim' ? { kind: 'takeover', previous: top, recheck: true } : { kind: 'claim', recheck: true };
}

export interface PhaseHalt {
  phase: string;
  /** The rule that halted it, as the completion recorded it. */
  reason: string;
  /** When the halting artifact was completed, and by whom. */
  since: string;
  agent: string;
  host: string;
  artifact?: PhaseRecord['artifact'];
}

/**
 * The halt of the sprint, if any completed phase's artifact halted it and no human overrode it
 * (an override entry tops the done one); status, the ship gate and holding all read it here.
 */
export function haltOf(sprint: SprintFile, tops: Tops): PhaseHalt | undefined {
  for (const p of sprint.phases) {
    const t = tops.get(p.name);
    if (t?.kind === 'done' && t.halt)
      return { phase: p.name, reason: t.halt, since: t.at, agent: t.agent, host: t.host, artifact: t.artifact };
  }
  return undefined;
}

/**
 * Which of two claims made at the same moment on excluding phases keeps its
 * place: the one with the smaller record id. Every clone sees both records,
 * so every clone orders them the same way.
 */
export const precedes = (a: { id: string }, b: { id: string }) => a.id < b.id;
