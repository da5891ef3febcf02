/**
 * When a completed artifact stops the sprint. The rules read the canonical
 * fields of an artifact that has already passed its phase's schema, so every
 * field they touch has the shape the contract promises. Pure.
 */
import { isFixedOrExplained, openCount, type FindingLike } from './counts.js';
import { openSecurityCounts, type SecurityArtifact } from './grade.js';

export const QA_FAILURE_THRESHOLD = 0.2;
export const CIRCUIT_BREAKER_FAILURES = 3;

/**
 * The phases whose artifact decides whether the sprint may ship: completing one without an artifact
 * would skip its halt rule, so it is refused (locally, on import and by the server hook).
 */
export const ARTIFACT_REQUIRED = ['review', 'qa', 'security'] as const;
export const needsArtifact = (phase: string) => (ARTIFACT_REQUIRED as readonly string[]).includes(phase);

export interface HaltParams {
  /** Over this share of failed tests, qa halts (project config `qa_failure_threshold`; default 0.2). */
  qaThreshold?: number;
}

/** Every rule that can halt a sprint, by the name records and results carry. */
export const HALT_RULES = [
  'review_blocking',
  'security_critical_high',
  'qa_failed',
  'qa_failure_rate',
  'budget',
  'circuit_breaker',
] as const;
export type HaltRule = (typeof HALT_RULES)[number];

export interface Halt {
  rule: HaltRule;
  reason: string;
}

type Json = Record<string, unknown>;
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const clean = (s: string) => s.slice(0, 200).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

export function judge(phase: string, a: Json, params: HaltParams = {}): Halt | undefined {
  const budget = a.budget as { limit: number; used: number } | undefined;
  if (budget && budget.used >= budget.limit) return { rule: 'budget', reason: `budget exhausted (${budget.used} of ${budget.limit} used)` };
  const fails = a.consecutive_failures as number | undefined;
  if (fails !== undefined && fails >= CIRCUIT_BREAKER_FAILURES) {
    // stuck_on is the artifact author's text: it ends up in state records and on terminals.
    const on = typeof a.stuck_on === 'string' && a.stuck_on ? ` on ${clean(a.stuck_on)}` : '';
    return { rule: 'circuit_breaker', reason: `circuit breaker: ${fails} consecutive failed attempts${on}` };
  }
  if (phase === 'review') {
    const n = openCount(a.findings as FindingLike[], (a.summary as { blocking: number }).blocking, 'blocking', isFixedOrExplained);
    if (n)
      return {
        rule: 'review_blocking',
        reason: `review has ${n} blocking finding(s) not fixed (fix them, or mark one "wontfix" with a reason)`,
      };
  }
  if (phase === 'security') {
    const c = openSecurityCounts(a as unknown as SecurityArtifact);
    if (c.critical + c.high)
      return { rule: 'security_critical_high', reason: `security found ${c.critical} critical and ${c.high} high finding(s) not fixed` };
  }
  if (phase === 'qa') {
    const s = a.summary as { status: string; tests_run: number; tests_failed: number };
    const threshold = params.qaThreshold ?? QA_FAILURE_THRESHOLD;
    if (s.tests_run > 0 && s.tests_failed / s.tests_run > threshold) {
      return {
        rule: 'qa_failure_rate',
        reason: `qa failure rate ${pct(s.tests_failed / s.tests_run)} (${s.tests_failed} of ${s.tests_run}) is over the ${pct(threshold)} threshold`,
      };
    }
    if (s.status === 'fail')
      return { rule: 'qa_failed', reason: `qa reported status "fail" (${s.tests_failed} of ${s.tests_run} tests failed)` };
  }
  return undefined;
}
