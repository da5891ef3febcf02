import { describe, expect, it } from 'vitest';
import { CIRCUIT_BREAKER_FAILURES, haltReason, QA_FAILURE_THRESHOLD, validateArtifact } from '../../src/core/artifacts.js';
import { ConductorError } from '../../src/core/errors.js';
import { artifact } from '../helpers/artifacts.js';

function badArtifact(phase: string, value: unknown): string {
  try {
    validateArtifact(phase, 'a.json', value);
  } catch (e) {
    expect(e).toBeInstanceOf(ConductorError);
    expect((e as ConductorError).code).toBe('E_BAD_ARTIFACT');
    expect((e as ConductorError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('expected the artifact to be refused');
}

const finding = (severity: string, extra: Record<string, unknown> = {}) => ({ severity, description: `a ${severity} finding`, ...extra });
const review = (findings: unknown[], blocking = 0) => artifact('review', { summary: { blocking }, findings });
const security = (findings: unknown[], counts: Record<string, number> = {}) =>
  artifact('security', { summary: { critical: 0, high: 0, medium: 0, low: 0, ...counts }, findings });
const qa = (tests_run: number, tests_failed: number, status = 'partial') =>
  artifact('qa', { summary: { tests_run, tests_failed, tests_passed: Math.max(0, tests_run - tests_failed), status } });

describe('artifact schema', () => {
  it.each([[[]], ['text'], [3], [null], [true]])('refuses a non-object artifact %j', (v) => {
    expect(badArtifact('think', v)).toContain('artifact a.json must be a JSON object');
  });

  it('accepts extra fields everywhere, and any summary for phases without a contract of their own', () => {
    expect(validateArtifact('custom', 'a.json', { phase: 'custom', summary: { anything: [1, 2] } })).toEqual({
      phase: 'custom',
      summary: { anything: [1, 2] },
    });
    const r = review([finding('nitpick', { extra: 1 })]);
    expect(validateArtifact('review', 'a.json', { ...r, extra: true })).toEqual({ ...r, extra: true });
  });

  it('names the wrong field of a known phase', () => {
    expect(badArtifact('review', { ...review([]), findings: 'none' })).toContain(
      'does not fit the review contract (schema_version 1): findings: expected an array, found "none"',
    );
    expect(badArtifact('review', review([finding('urgent')]))).toContain(
      'findings[0].severity: "urgent" is not allowed; allowed: blocking, should_fix, nitpick, positive',
    );
    expect(badArtifact('review', review([finding('blocking', { status: 'yes' })]))).toContain(
      'findings[0].status: "yes" is not allowed; allowed: open, fixed, wontfix',
    );
    expect(badArtifact('security', security([finding('HIGH')]))).toContain(
      'findings[0].severity: "HIGH" is not allowed; allowed: critical, high, medium, low',
    );
    expect(badArtifact('qa', artifact('qa', { summary: { tests_failed: undefined } }))).toContain(
      'summary.tests_failed: missing; expected a number',
    );
    expect(badArtifact('qa', artifact('qa', { summary: { tests_failed: -1 } }))).toContain(
      'summary.tests_failed: expected a number ≥ 0, found -1',
    );
    expect(badArtifact('qa', qa(10, 11))).toContain('summary.tests_failed: 11 is more than summary.tests_run');
  });

  it('checks the common fields on every phase', () => {
    expect(badArtifact('build', artifact('build', { budget: { limit: 'lots', used: 1 } }))).toContain(
      'budget.limit: expected a number, found "lots"',
    );
    expect(badArtifact('build', artifact('build', { budget: { limit: 10 } }))).toContain('budget.used: missing');
    expect(badArtifact('plan', artifact('plan', { consecutive_failures: 1.5 }))).toContain(
      'consecutive_failures: expected a whole number, found 1.5',
    );
    expect(badArtifact('plan', artifact('plan', { consecutive_failures: -1 }))).toContain('consecutive_failures');
  });
});

describe('halt rules', () => {
  it('does not halt a clean artifact', () => {
    expect(haltReason('review', review([finding('should_fix')]))).toBeUndefined();
    expect(haltReason('security', security([finding('medium')], { medium: 1 }))).toBeUndefined();
    expect(haltReason('qa', qa(10, 2))).toBeUndefined();
    expect(haltReason('build', artifact('build'))).toBeUndefined();
  });

  it('halts on an unfixed blocking review finding', () => {
    const reason = 'review has 1 blocking finding(s) not fixed (fix them, or mark one "wontfix" with a reason)';
    expect(haltReason('review', review([finding('blocking'), finding('blocking', { status: 'fixed' }), finding('nitpick')], 2))).toBe(
      reason,
    );
    expect(haltReason('review', review([finding('blocking', { status: 'fixed' })], 1))).toBeUndefined();
    expect(
      haltReason('review', review([finding('blocking', { status: 'wontfix', reason: 'the old API must keep working' })], 1)),
    ).toBeUndefined();
    expect(haltReason('review', review([finding('blocking', { status: 'wontfix' })], 1))).toBe(reason);
    // A count with no finding to show it dealt with stays open.
    expect(haltReason('review', review([], 1))).toBe(reason);
  });

  it('halts on an unfixed critical or high security finding, in findings or in the counts', () => {
    expect(haltReason('security', security([finding('critical')], { critical: 1 }))).toBe(
      'security found 1 critical and 0 high finding(s) not fixed',
    );
    expect(haltReason('security', security([finding('high'), finding('high')]))).toBe(
      'security found 0 critical and 2 high finding(s) not fixed',
    );
    expect(haltReason('security', security([], { high: 1 }))).toBe('security found 0 critical and 1 high finding(s) not fixed');
    expect(haltReason('security', security([finding('high', { status: 'fixed' })], { high: 1 }))).toBeUndefined();
    expect(haltReason('security', security([finding('high', { fixed: true })], { high: 1 }))).toBeUndefined();
    // Security accepts no "wontfix": a critical or high finding needs a fix or a human's override.
    expect(haltReason('security', security([finding('high', { status: 'wontfix', reason: 'later' })], { high: 1 }))).toContain('1 high');
  });

  it('only judges severities in the security phase', () => {
    expect(haltReason('qa', artifact('qa', { findings: [finding('critical')] }))).toBeUndefined();
  });

  it('halts when the QA failure rate is over 20%, not at it, or when qa says it failed', () => {
    expect(QA_FAILURE_THRESHOLD).toBe(0.2);
    expect(haltReason('qa', qa(10, 2))).toBeUndefined();
    expect(haltReason('qa', qa(10, 3))).toBe('qa failure rate 30% (3 of 10) is over the 20% threshold');
    expect(haltReason('qa', qa(0, 0))).toBeUndefined();
    expect(haltReason('qa', qa(10, 1, 'fail'))).toBe('qa reported status "fail" (1 of 10 tests failed)');
  });

  it('uses the configured QA threshold, never one the artifact names', () => {
    expect(haltReason('qa', qa(100, 6), { qaThreshold: 0.05 })).toBe('qa failure rate 6% (6 of 100) is over the 5% threshold');
    expect(haltReason('qa', qa(100, 30), { qaThreshold: 0.5 })).toBeUndefined();
    expect(haltReason('qa', { ...qa(100, 30), wtf_threshold: 0.5 })).toContain('over the 20% threshold');
  });

  it('halts any phase whose budget is exhausted', () => {
    expect(haltReason('build', artifact('build', { budget: { limit: 100, used: 100 } }))).toBe('budget exhausted (100 of 100 used)');
    expect(haltReason('think', artifact('think', { budget: { limit: 100, used: 99 } }))).toBeUndefined();
  });

  it('halts any phase after three consecutive failures, naming the stuck point', () => {
    expect(CIRCUIT_BREAKER_FAILURES).toBe(3);
    const build = (extra: Record<string, unknown>) => artifact('build', extra);
    expect(haltReason('build', build({ consecutive_failures: 2 }))).toBeUndefined();
    expect(haltReason('build', build({ consecutive_failures: 3, stuck_on: 'flaky login test' }))).toBe(
      'circuit breaker: 3 consecutive failed attempts on flaky login test',
    );
    expect(haltReason('qa', artifact('qa', { consecutive_failures: 4 }))).toBe('circuit breaker: 4 consecutive failed attempts');
    expect(haltReason('build', build({ consecutive_failures: 3, stuck_on: 'a\u001b[31mred\nline' }))).toBe(
      'circuit breaker: 3 consecutive failed attempts on a?[31mred?line',
    );
    expect(haltReason('build', build({ consecutive_failures: 3, stuck_on: 'x'.repeat(1000) }))!.length).toBeLessThanOrEqual(500);
  });
});
