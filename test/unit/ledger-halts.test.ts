/** The ledger's arithmetic, thresholds and import check (core/ledger.ts), and the reopen/override decisions (core/halts.ts). Pure. */
import { describe, expect, it } from 'vitest';
import { decideOverride, importRefusal, overriddenHalts, reopenPlan } from '../../src/core/halts.js';
import {
  applyLedger,
  budgetRatio,
  DEFAULT_LEDGER_RULES,
  ledgerHalts,
  ledgerImportRefusal,
  ledgerWarnings,
  MAX_FAILING_KEYS,
  type LedgerOp,
} from '../../src/core/ledger.js';
import type { LedgerRecord, LedgerState } from '../../src/core/schemas.js';
import { claimRec, done, doneRec, iso, NOW, sprintOf, tops } from './fixtures.js';

const actor = { agent: 'h', host: 'box', at: iso(NOW) };
const op = (o: Partial<LedgerOp> & { kind: LedgerOp['kind'] }): LedgerOp => ({ ...actor, ...o });
const fold = (...ops: LedgerOp[]) => ops.reduce<LedgerState | undefined>((s, o) => applyLedger(s, o), undefined)!;
const rules = DEFAULT_LEDGER_RULES;

describe('ledger', () => {
  it('adds spending in tokens and micro-dollars, by phase; a limit ends an override', () => {
    const s = fold(
      op({ kind: 'limit', tokens: 100, usd: 1 }),
      op({ kind: 'spend', tokens: 30, usd: 0.1, phase: 'qa' }),
      op({ kind: 'spend', tokens: 50, usd: 0.2 }),
    );
    expect(s).toEqual({
      limit: { tokens: 100, usd: 1 },
      used: { tokens: 80, usd: 0.3 },
      by_phase: { qa: { tokens: 30, usd: 0.1 } },
      failures: {},
    });
    expect(budgetRatio(s)).toBe(0.8);
    expect(ledgerWarnings(s, rules)).toEqual([
      { code: 'W_BUDGET', message: 'budget 80% used (80 of 100 tokens, $0.3 of $1); halts at 100%' },
    ]);
    expect(ledgerHalts(s, rules)).toEqual([]);
    const over = applyLedger(s, op({ kind: 'spend', tokens: 0, usd: 0.8 }));
    expect(ledgerHalts(over, rules)).toMatchObject([{ gate: 'budget', ratio: 1.1 }]);
    const overridden = applyLedger(over, op({ kind: 'override', why: 'go' }));
    expect(ledgerHalts(overridden, rules)).toEqual([]);
    expect(ledgerHalts(applyLedger(overridden, op({ kind: 'limit', tokens: 80 })), rules)).toMatchObject([{ gate: 'budget' }]);
    expect(budgetRatio(fold(op({ kind: 'spend', tokens: 5 })))).toBeUndefined();
  });

  it('counts consecutive failures per key; ok resets that key only; the threshold halts', () => {
    const fail = (key: string, at = NOW) => op({ kind: 'fail', key, at: iso(at) });
    const s = fold(fail('a', NOW), fail('b'), fail('a', NOW + 1), op({ kind: 'ok', key: 'b' }), fail('a', NOW + 2));
    expect(s.failures).toEqual({ a: { count: 3, since: iso(NOW) } });
    expect(ledgerHalts(s, rules)).toEqual([
      { gate: 'attempts', key: 'a', reason: 'circuit breaker: 3 consecutive failed attempts on "a"', count: 3, since: iso(NOW) },
    ]);
    expect(ledgerHalts(s, { ...rules, failures: 4 })).toEqual([]);
    expect(ledgerWarnings(s, { ...rules, failures: 4 })).toMatchObject([{ code: 'W_ATTEMPTS' }]);
    let many: LedgerState | undefined;
    for (let i = 0; i < MAX_FAILING_KEYS; i++) many = applyLedger(many, fail(`k${i}`));
    expect(() => applyLedger(many, fail('one-more'))).toThrow(/keys are failing already/);
  });

  it('an imported entry must carry exactly the state its operation makes of the one below', () => {
    const rec = (seq: number, o: LedgerOp, prev?: LedgerRecord): LedgerRecord => ({
      v: 1,
      seq,
      id: `${seq}`.padStart(16, '0'),
      ...o,
      state: applyLedger(prev?.state, o),
    });
    const r1 = rec(1, op({ kind: 'limit', tokens: 10 }));
    const r2 = rec(2, op({ kind: 'spend', tokens: 10 }), r1);
    expect(ledgerImportRefusal(r1, r2, rules, [])).toBeUndefined();
    expect(ledgerImportRefusal(r1, { ...r2, state: { ...r2.state, used: { tokens: 0, usd: 0 } } }, rules, [])).toMatch(
      /not what its spend makes/,
    );
    const o3 = rec(3, op({ kind: 'override', why: 'x' }), r2);
    expect(ledgerImportRefusal(r2, o3, rules, [])).toBeUndefined();
    expect(ledgerImportRefusal(r2, o3, rules, ['budget'])).toMatch(/forbids overriding the budget/);
    expect(ledgerImportRefusal(r1, rec(2, op({ kind: 'override', why: 'x' }), r1), rules, [])).toMatch(/not exhausted/);
  });
});

describe('reopen and override decisions', () => {
  const sprint = sprintOf();
  const halted = doneRec('finder', {
    halt: 'security found 1 critical or high finding(s)',
    artifact: { sha256: 'a'.repeat(64), bytes: 2, source: 's.json' },
  });

  it('reopen plans dependants first, refuses done dependants without cascade, held ones always', () => {
    const t = tops({ ...done('think', 'plan', 'build', 'review', 'security') });
    expect(reopenPlan(sprint, 'security', t, NOW, false)).toEqual(['security']);
    expect(() => reopenPlan(sprint, 'build', t, NOW, false)).toThrow(/review, security depend on it/);
    expect(reopenPlan(sprint, 'plan', t, NOW, true)).toEqual(['security', 'review', 'build', 'plan']);
    expect(() => reopenPlan(sprint, 'build', tops({ ...done('think', 'plan', 'build'), qa: claimRec('q') }), NOW, true)).toThrow(
      /"qa" \(held by q@box\)/,
    );
    expect(() => reopenPlan(sprint, 'qa', t, NOW, false)).toThrow(/not done/);
    expect(() => reopenPlan(sprintOf(undefined, 'archived'), 'think', t, NOW, false)).toThrow(/archived/);
  });

  it('override needs a standing halt and an allowed gate, and carries the artifact on', () => {
    const t = tops({ ...done('think', 'plan', 'build'), security: halted });
    const rec = decideOverride(sprint, 'security', t, actor, 'accepted', []);
    expect(rec).toMatchObject({
      kind: 'override',
      why: 'accepted',
      overridden: halted.halt,
      artifact: halted.artifact,
      previous: { agent: 'finder' },
    });
    expect(() => decideOverride(sprint, 'security', t, actor, 'x', ['security'])).toThrow(/forbids overriding "security"/);
    expect(() => decideOverride(sprint, 'build', t, actor, 'x', [])).toThrow(/not halted/);
    const o = { ...rec, v: 1 as const, seq: 3, id: 'ffffffffffffffff' };
    expect(overriddenHalts(sprint, tops({ security: o }))).toEqual([{ phase: 'security', halt: halted.halt, ...actor, why: 'accepted' }]);
    expect(importRefusal('security', halted, o, [])).toBeUndefined();
    expect(importRefusal('security', halted, o, ['security'])).toMatch(/forbids/);
    expect(importRefusal('security', doneRec(), o, [])).toMatch(/not halted/);
    expect(importRefusal('security', halted, { ...o, overridden: 'something else' }, [])).toMatch(/not the one below/);
    expect(importRefusal('security', claimRec('x'), { ...o, kind: 'reopen' }, [])).toMatch(/was not done/);
  });
});
