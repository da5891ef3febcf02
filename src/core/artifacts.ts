/**
 * Artifact rules: an artifact is a JSON object that fits its phase's contract
 * (src/core/contract/), and some contents halt the sprint (contract/halts.ts).
 * Pure.
 */
import { schemaFor, SCHEMA_VERSION } from './contract/index.js';
import { judge, type HaltParams } from './contract/halts.js';
import { securityGrade, type Grade, type SecurityArtifact } from './contract/grade.js';
import { problemOf, type IssueLike, type Problem } from './contract/problems.js';
import { invalid } from './errors.js';

export { CIRCUIT_BREAKER_FAILURES, QA_FAILURE_THRESHOLD, type HaltParams } from './contract/halts.js';
export type { Problem } from './contract/problems.js';
export type { Grade } from './contract/grade.js';

/** The largest artifact accepted, from a file, a commit or a teammate's ref: 4 MiB. */
export const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024;

export type ArtifactJson = Record<string, unknown>;

const MAX_SHOWN = 20;
const MAX_LISTED = 200;

/** Every problem of `value` as `phase`'s artifact; empty when it fits. */
export function artifactProblems(phase: string, value: unknown): Problem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      {
        path: '(root)',
        allowed: 'an object',
        found: Array.isArray(value) ? 'an array' : JSON.stringify(value),
        message: '(root): must be a JSON object, like {"phase": "...", "summary": ...}',
      },
    ];
  }
  const r = schemaFor(phase, value).safeParse(value, { reportInput: true });
  return r.success ? [] : (r.error.issues as unknown as IssueLike[]).map((i) => problemOf(i, value));
}

/** The one-line refusal for `problems`, naming every one. */
export function contractError(phase: string, source: string, all: Problem[]) {
  // A crafted artifact can have a problem per array element: the line and the data stay bounded.
  const problems = all.slice(0, MAX_LISTED);
  const more = all.length > MAX_SHOWN ? `; and ${all.length - MAX_SHOWN} more` : '';
  const list =
    problems
      .slice(0, MAX_SHOWN)
      .map((p) => p.message)
      .join('; ') + more;
  return invalid(
    'E_BAD_ARTIFACT',
    `artifact ${source} does not fit the ${phase} contract (schema_version ${SCHEMA_VERSION}): ${list} (see 'git conductor schema ${phase}')`,
    {
      path: source,
      problems,
      ...(all.length > MAX_LISTED ? { problems_total: all.length } : {}),
    },
  );
}

/**
 * Throws E_BAD_ARTIFACT listing every problem when the artifact breaks its
 * phase's contract. `check`, when given, judges instead of the built-in rule
 * (a project's JSON Schema for a custom phase).
 */
export function validateArtifact(phase: string, source: string, value: unknown, check?: (v: unknown) => Problem[]): ArtifactJson {
  const problems =
    check && typeof value === 'object' && value !== null && !Array.isArray(value) ? check(value) : artifactProblems(phase, value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('E_BAD_ARTIFACT', `artifact ${source} must be a JSON object, like {"phase": "${phase}", "summary": ...}`, {
      path: source,
      problems,
    });
  }
  if (problems.length) throw contractError(phase, source, problems);
  return value as ArtifactJson;
}

/** Which rule stops the sprint for this completed (valid) artifact, and why; undefined when none does. */
export const haltOfArtifact = (phase: string, a: ArtifactJson, params: HaltParams = {}) => judge(phase, a, params);

/** Why this completed (valid) artifact stops the sprint, or undefined. */
export const haltReason = (phase: string, a: ArtifactJson, params: HaltParams = {}): string | undefined => judge(phase, a, params)?.reason;

/** The security grade of a (valid) security artifact; undefined for other phases. */
export const gradeFor = (phase: string, a: ArtifactJson): Grade | undefined =>
  phase === 'security' ? securityGrade(a as unknown as SecurityArtifact) : undefined;
