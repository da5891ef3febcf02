/**
 * artifact validate: judges a file as `complete` would (redaction, the
 * phase's contract or the project's JSON Schema, halt and grade) and stores
 * nothing. Works outside a repository too, with the default settings.
 */
import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { BoundedReadError, readBoundedText } from '../store/bounded-read.js';
import { artifactProblems, contractError, MAX_ARTIFACT_BYTES, QA_FAILURE_THRESHOLD, type Problem } from '../core/artifacts.js';
import { SCHEMA_VERSION } from '../core/contract/index.js';
import { validatePhaseName } from '../core/graph.js';
import { invalid } from '../core/errors.js';
import { redactArtifact, type Redaction } from '../core/redact.js';
import type { PhaseRecord } from '../core/schemas.js';
import { contractSettings, judged, projectSchemaCheck, repoContextOrNone, type ContractSettings } from './artifact-contract.js';

export interface ValidateOptions {
  cwd?: string;
  phase: string;
  file: string;
}

export interface ValidateResult {
  phase: string;
  file: string;
  schema_version: string;
  valid: true;
  /** What `complete` would redact before storing: kind and JSON path. */
  redacted: Redaction[];
  /** Why completing with it would halt the sprint. */
  halt?: string;
  grade?: PhaseRecord['grade'];
}

const bad = (file: string, problem: string) => invalid('E_BAD_ARTIFACT', `artifact ${file} ${problem}`, { path: file });

/** Resolves to the verdict when the artifact fits; throws E_BAD_ARTIFACT listing every problem (data.problems) when not. */
export async function validateArtifactFile(opts: ValidateOptions): Promise<ValidateResult> {
  const phase = validatePhaseName(opts.phase);
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, opts.file);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    throw bad(opts.file, 'does not exist: write the JSON file first, then pass its path');
  }
  if (!st.isFile()) throw bad(opts.file, 'is not a regular file');
  if (st.size > MAX_ARTIFACT_BYTES) throw bad(opts.file, `is ${st.size} bytes, more than the ${MAX_ARTIFACT_BYTES}-byte limit`);
  let text: string | undefined;
  try {
    text = readBoundedText(abs, MAX_ARTIFACT_BYTES, { noFollow: true });
  } catch (e) {
    if (e instanceof BoundedReadError) throw bad(opts.file, e.problem);
    throw e;
  }
  if (text === undefined) throw bad(opts.file, 'does not exist: write the JSON file first, then pass its path');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw bad(opts.file, `is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const ctx = repoContextOrNone(cwd);
  const settings: ContractSettings = ctx ? contractSettings(ctx) : { qaThreshold: QA_FAILURE_THRESHOLD, schemas: {} };
  const check = ctx ? await projectSchemaCheck(ctx, phase, settings) : undefined;
  const red = redactArtifact(text, value);
  const isObject = typeof red.value === 'object' && red.value !== null && !Array.isArray(red.value);
  const problems: Problem[] = check && isObject ? check(red.value) : artifactProblems(phase, red.value);
  if (problems.length) throw contractError(phase, opts.file, problems);
  const verdict = judged(phase, red.value as Record<string, unknown>, settings);
  return {
    phase,
    file: opts.file,
    schema_version: SCHEMA_VERSION,
    valid: true,
    redacted: red.redactions,
    ...(verdict.halt ? { halt: verdict.halt } : {}),
    ...(verdict.grade ? { grade: verdict.grade } : {}),
  };
}
