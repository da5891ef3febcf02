/** Human renderings of the artifact contract: validate, show, and the lines complete adds. */
import type { ArtifactRef } from '../core/schemas.js';
import type { ArtifactShowResult, ValidateResult } from '../api/index.js';
import { paint, stderr, stdout } from './output.js';

const c = paint(1);

/** "redacted 2 secret(s) before storing: aws-access-key-id at summary.notes, ..." — kinds and paths only. */
export function redactedLine(r: ArtifactRef['redacted'], verb = 'redacted'): string | undefined {
  if (!r?.length) return undefined;
  return `${verb} ${r.length} secret(s): ${r.map((x) => `${x.kind} at ${x.path}`).join(', ')}`;
}

export function renderValidate(r: ValidateResult): void {
  stdout(`${c('green', '✓')} ${r.file} fits the ${c('bold', r.phase)} contract (schema_version ${r.schema_version})`);
  if (r.grade) stdout(`  security grade: ${r.grade}`);
  if (r.halt) stdout(`${c('red', '■ completing with it would halt the sprint:')} ${r.halt}`);
  const red = redactedLine(r.redacted, 'complete will redact');
  if (red) stdout(c('yellow', `  ${red}`));
}

/** The problems of an invalid artifact, one a line, before the error line. */
export function renderProblems(problems: { message: string }[]): void {
  for (const p of problems) stderr(`  ${p.message}`);
}

export function renderShow(r: ArtifactShowResult): void {
  stdout(JSON.stringify(r.content, null, 2));
}
