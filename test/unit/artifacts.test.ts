import { describe, expect, it } from 'vitest';
import { CIRCUIT_BREAKER_FAILURES, haltReason, QA_FAILURE_THRESHOLD, validateArtifact } from '../../src/core/artifacts.js';
import { ConductorError } from '../../src/core/errors.js';

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

describe('artifact schema', () => {
  it.each([[[]], ['text'], [3], [null], [true]])('refuses a non-object artifact %j', (v) => {
    expect(badArtifact('think', v)).toContain('artifact a.json must be a JSON object');
  });

  it('accepts any object for phases without a schema, and extra fields everywhere', () => {
    expect(validateArtifact('custom', 'a.json', { anything: [1, 2] })).toEqual({ anything: [1, 2] });
    const review = { summary: 'ok', findings: [{ severity: 'low', extra: 1 }] };
    expect(validateArtifact('review', 'a.json', review)).toEqual(review);
  });

  it('names the wrong field of a known phase', () => {
    expect(badArtifact('review', { findings: 'none' })).toContain('does not fit the review schema: findings');
    expect(badArtifact('review', { findings: [{ severity: 'urgent' }] })).toContain('findings.0.severity');
    expect(badArtifact('review', { findings: [{ blocking: 'yes' }] })).toContain('findings.0.blocking');
    expect(badArtifact('security', { vulnerabilities: [{ severity: 'HIGH' }] })).toContain('vulnerabilities.0.severity');
    expect(badArtifact('qa', { tests: { total: 10 } })).toContain('tests.failed');
    expect(badArtifact('qa', { tests: { total: 10, failed: -1 } })).toContain('tests.failed');
    expect(badArtifact('qa', { tests: { total: 10, failed: 1 }, wtf_threshold: 2 })).toContain('wtf_threshold');
  });

  it('checks the common fields on every phase', () => {
    expect(badArtifact('build', { budget: { limit: 'lots', used: 1 } })).toContain('budget.limit');
    expect(badArtifact('build', { budget: { limit: 10 } })).toContain('budget.used');
    expect(badArtifact('plan', { consecutive_failures: 1.5 })).toContain('consecutive_failures');
    expect(badArtifact('plan', { consecutive_failures: -1 })).toContain('consecutive_failures');
  });
});

describe('halt rules', () => {
  it('does not halt a clean artifact', () => {
    expect(haltReason('review', { findings: [{ severity: 'high', blocking: false }] })).toBeUndefined();
    expect(haltReason('security', { findings: [{ severity: 'medium' }] })).toBeUndefined();
    expect(haltReason('qa', { tests: { total: 10, failed: 2 } })).toBeUndefined();
    expect(haltReason('build', {})).toBeUndefined();
  });

  it('halts on an unfixed blocking review finding', () => {
    expect(haltReason('review', { findings: [{ blocking: true }, { blocking: true, fixed: true }, {}] })).toBe('review has 1 blocking finding(s) that need a human');
    expect(haltReason('review', { findings: [{ blocking: true, fixed: true }] })).toBeUndefined();
  });

  it('halts on an unfixed critical or high security finding, in findings or vulnerabilities', () => {
    expect(haltReason('security', { findings: [{ severity: 'critical' }] })).toBe('security found 1 critical or high finding(s)');
    expect(haltReason('security', { vulnerabilities: [{ severity: 'high' }, { severity: 'high' }] })).toBe('security found 2 critical or high finding(s)');
    expect(haltReason('security', { vulnerabilities: [{ severity: 'high', fixed: true }] })).toBeUndefined();
  });

  it('only judges severities in the security phase', () => {
    expect(haltReason('review', { findings: [{ severity: 'critical' }] })).toBeUndefined();
  });

  it('halts when the QA failure rate is over 20%, not at it', () => {
    expect(QA_FAILURE_THRESHOLD).toBe(0.2);
    expect(haltReason('qa', { tests: { total: 10, failed: 2 } })).toBeUndefined();
    expect(haltReason('qa', { tests: { total: 10, failed: 3 } })).toBe('qa failure rate 30% is over the 20% threshold');
    expect(haltReason('qa', { tests: { total: 0, failed: 0 } })).toBeUndefined();
  });

  it('uses a custom QA threshold', () => {
    expect(haltReason('qa', { tests: { total: 100, failed: 6 }, wtf_threshold: 0.05 })).toBe('qa failure rate 6% is over the 5% threshold');
    expect(haltReason('qa', { tests: { total: 100, failed: 30 }, wtf_threshold: 0.5 })).toBeUndefined();
  });

  it('halts any phase whose budget is exhausted', () => {
    expect(haltReason('build', { budget: { limit: 100, used: 100 } })).toBe('budget exhausted (100 of 100 used)');
    expect(haltReason('think', { budget: { limit: 100, used: 99 } })).toBeUndefined();
  });

  it('halts any phase after three consecutive failures, naming the stuck point', () => {
    expect(CIRCUIT_BREAKER_FAILURES).toBe(3);
    expect(haltReason('build', { consecutive_failures: 2 })).toBeUndefined();
    expect(haltReason('build', { consecutive_failures: 3, stuck_on: 'flaky login test' })).toBe('circuit breaker: 3 consecutive failed attempts on flaky login test');
    expect(haltReason('qa', { consecutive_failures: 4 })).toBe('circuit breaker: 4 consecutive failed attempts');
    expect(haltReason('build', { consecutive_failures: 3, stuck_on: 'a\u001b[31mred\nline' })).toBe('circuit breaker: 3 consecutive failed attempts on a?[31mred?line');
    expect(haltReason('build', { consecutive_failures: 3, stuck_on: 'x'.repeat(1000) })!.length).toBeLessThanOrEqual(500);
  });
});
