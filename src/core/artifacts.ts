/**
 * Artifact rules. Any phase's artifact must be a JSON object; the well-known
 * phases' artifacts must also fit their schema where they use a known field,
 * and some contents halt the sprint (see haltReason). Pure.
 */
import * as z from 'zod/mini';
import { invalid } from './errors.js';
import { check, lazy } from './schemas.js';

/** The largest artifact accepted, from a file, a commit or a teammate's ref: 4 MiB. */
export const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024;

const Finding = () => z.looseObject({
  severity: z.optional(z.enum(['info', 'low', 'medium', 'high', 'critical'])),
  blocking: z.optional(z.boolean()),
  fixed: z.optional(z.boolean()),
  title: z.optional(z.string()),
});
interface Budget {
  limit: number;
  used: number;
}

/** Fields every artifact may carry; a wrong type there is a wrong artifact. */
const Common = lazy(() => z.looseObject({
  budget: z.optional(z.looseObject({ limit: z.number().check(z.minimum(0)), used: z.number().check(z.minimum(0)) })),
  /** Consecutive failed attempts on the same problem (the circuit breaker). */
  consecutive_failures: z.optional(z.number().check(z.int(), z.minimum(0))),
  stuck_on: z.optional(z.string()),
}));

const PhaseSchemas: Record<string, () => z.ZodMiniType<Record<string, unknown>>> = {
  review: () => z.looseObject({ findings: z.optional(z.array(Finding())) }),
  security: () => z.looseObject({ findings: z.optional(z.array(Finding())), vulnerabilities: z.optional(z.array(Finding())) }),
  qa: () => z.looseObject({
    tests: z.optional(z.looseObject({ total: z.number().check(z.int(), z.minimum(0)), failed: z.number().check(z.int(), z.minimum(0)) })),
    wtf_threshold: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  }),
};

export const QA_FAILURE_THRESHOLD = 0.2;
export const CIRCUIT_BREAKER_FAILURES = 3;

export type ArtifactJson = Record<string, unknown>;

/** Throws E_BAD_ARTIFACT naming the field when the artifact breaks its phase's schema. */
export function validateArtifact(phase: string, source: string, value: unknown): ArtifactJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('E_BAD_ARTIFACT', `artifact ${source} must be a JSON object, like {"summary": "..."}`);
  }
  for (const schema of [Common, PhaseSchemas[phase]]) {
    if (!schema) continue;
    const r = check(schema, value);
    if (!r.ok) throw invalid('E_BAD_ARTIFACT', `artifact ${source} does not fit the ${phase} schema: ${r.problem}`);
  }
  return value as ArtifactJson;
}

type Findings = { severity?: string; blocking?: boolean; fixed?: boolean }[];
const list = (v: unknown) => (Array.isArray(v) ? (v as Findings) : []);

/** Why this completed artifact stops the sprint, or undefined. */
export function haltReason(phase: string, a: ArtifactJson): string | undefined {
  const budget = a.budget as Budget | undefined;
  if (budget && budget.used >= budget.limit) return `budget exhausted (${budget.used} of ${budget.limit} used)`;
  const fails = a.consecutive_failures as number | undefined;
  if (fails !== undefined && fails >= CIRCUIT_BREAKER_FAILURES) {
    // stuck_on is the artifact author's text: it ends up in state records and on terminals.
    const on = a.stuck_on ? String(a.stuck_on).slice(0, 200).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?') : '';
    return `circuit breaker: ${fails} consecutive failed attempts${on ? ` on ${on}` : ''}`;
  }
  if (phase === 'review') {
    const n = list(a.findings).filter((f) => f.blocking && !f.fixed).length;
    if (n) return `review has ${n} blocking finding(s) that need a human`;
  }
  if (phase === 'security') {
    const n = [...list(a.findings), ...list(a.vulnerabilities)].filter((f) => !f.fixed && (f.severity === 'critical' || f.severity === 'high')).length;
    if (n) return `security found ${n} critical or high finding(s)`;
  }
  if (phase === 'qa') {
    const t = a.tests as { total: number; failed: number } | undefined;
    const threshold = (a.wtf_threshold as number | undefined) ?? QA_FAILURE_THRESHOLD;
    if (t && t.total > 0 && t.failed / t.total > threshold) {
      return `qa failure rate ${Math.round((100 * t.failed) / t.total)}% is over the ${Math.round(threshold * 100)}% threshold`;
    }
  }
  return undefined;
}
