/**
 * What halts the sprint, wherever the halt comes from (a phase's artifact,
 * the budget, the circuit breaker), in one shape for status, claims and
 * agents: which gate, which rule, since when, whose artifact, and the
 * commands that clear it.
 */
import { blocked } from '../core/errors.js';
import { BUDGET_GATE, type LedgerRules } from '../core/ledger.js';
import { haltOf, type Tops } from '../core/phase-state.js';
import type { SprintFile } from '../core/schemas.js';
import type { Ctx } from './context.js';
import { ledgerRules, noOverride } from './context.js';
import { ledgerHaltsSince } from './ledger.js';

export interface HaltInfo {
  /** phase: a completed artifact's rule; budget: the ledger's limit; attempts: the circuit breaker. */
  gate: 'phase' | 'budget' | 'attempts';
  phase?: string;
  /** attempts: the key that failed too often in a row. */
  key?: string;
  /** The rule that halted it, in words. */
  rule: string;
  since: string;
  /** phase: who completed the halting artifact, and the artifact. */
  agent?: string;
  host?: string;
  artifact?: { source: string; sha256: string };
  /** False when the project config forbids overriding this gate (no_override). */
  overridable: boolean;
  /** Commands that clear it, best first. */
  clear: string[];
}

/** The commands that clear a phase's halt, best first: never an override the project forbids. */
export const phaseHaltClear = (phase: string, overridable: boolean): string[] => [
  `git conductor reopen ${phase} --reason "..." (then claim, fix and complete it with a clean artifact)`,
  ...(overridable ? [`git conductor override ${phase} --reason "..."`] : []),
];

/** Every halt standing now: the first phase halt (claims stop at it), then the ledger's. */
export function sprintHalts(ctx: Ctx, sprint: SprintFile, tops: Tops, rules: LedgerRules = ledgerRules(ctx)): HaltInfo[] {
  const forbidden = noOverride(ctx);
  const out: HaltInfo[] = [];
  const h = haltOf(sprint, tops);
  if (h) {
    const overridable = !forbidden.includes(h.phase);
    out.push({
      gate: 'phase',
      phase: h.phase,
      rule: h.reason,
      since: h.since,
      agent: h.agent,
      host: h.host,
      ...(h.artifact ? { artifact: { source: h.artifact.source, sha256: h.artifact.sha256 } } : {}),
      overridable,
      clear: phaseHaltClear(h.phase, overridable),
    });
  }
  for (const l of ledgerHaltsSince(ctx, sprint, rules)) {
    if (l.gate === 'budget') {
      const overridable = !forbidden.includes(BUDGET_GATE);
      out.push({
        gate: 'budget',
        rule: l.reason,
        since: l.since,
        overridable,
        clear: [
          'git conductor budget set --tokens N (a higher limit)',
          ...(overridable ? [`git conductor override ${BUDGET_GATE} --reason "..."`] : []),
        ],
      });
    } else {
      out.push({
        gate: 'attempts',
        key: l.key,
        rule: l.reason,
        since: l.since,
        overridable: false,
        clear: [`git conductor attempt ok --key ${l.key} (once it passes)`],
      });
    }
  }
  return out;
}

/** Claims are refused while the ledger halts the sprint: E_HALTED naming the budget or the key. */
export function refuseLedgerHalt(ctx: Ctx, sprint: SprintFile, rules: LedgerRules): void {
  const l = ledgerHaltsSince(ctx, sprint, rules)[0];
  if (!l) return;
  const overridable = !noOverride(ctx).includes(BUDGET_GATE);
  const how =
    l.gate === 'budget'
      ? `raise the limit with 'git conductor budget set --tokens N'${overridable ? ` or 'git conductor override ${BUDGET_GATE} --reason "..."'` : ' (the project forbids overriding the budget)'}`
      : `record a passing attempt with 'git conductor attempt ok --key ${l.key}'`;
  throw blocked(
    'E_HALTED',
    `sprint ${sprint.id} is halted by the ${l.gate === 'budget' ? 'budget' : `circuit breaker on "${l.key}"`}: ${l.reason}; ${how}`,
    { halt: { gate: l.gate, ...(l.gate === 'attempts' ? { key: l.key } : {}), reason: l.reason, since: l.since } },
  );
}
