/**
 * The project's side of the artifact contract (`.git-conductor.json`): the qa
 * failure threshold, and JSON Schema files for custom phases. And what a
 * completion records about its artifact: the halt it implies, the grade, the
 * contract it was judged by.
 */
import { realpathSync } from 'node:fs';
import { BoundedReadError, READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import { isAbsolute, join, normalize, sep } from 'node:path';
import * as z from 'zod/mini';
import { gradeFor, haltOfArtifact, QA_FAILURE_THRESHOLD, type ArtifactJson } from '../core/artifacts.js';
import { hasOwnContract, SCHEMA_VERSION } from '../core/contract/index.js';
import type { Problem } from '../core/contract/problems.js';
import { invalid, isConductorError } from '../core/errors.js';
import type { Redaction } from '../core/redact.js';
import { check, lazy, PHASE_NAME_RE, type PhaseRecord } from '../core/schemas.js';
import { openContext, PROJECT_CONFIG, projectConfig, type Ctx } from './context.js';

const ContractConfig = lazy(() =>
  z.looseObject({
    qa_failure_threshold: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
    artifact_schemas: z.optional(z.record(z.string().check(z.regex(PHASE_NAME_RE)), z.string().check(z.minLength(1), z.maxLength(1000)))),
  }),
);

export interface ContractSettings {
  qaThreshold: number;
  /** Custom phase -> JSON Schema file, relative to the top of the work tree. */
  schemas: Record<string, string>;
}

export function contractSettings(ctx: Ctx): ContractSettings {
  const r = check(ContractConfig, projectConfig(ctx) ?? {});
  if (!r.ok)
    throw invalid(
      'E_BAD_CONFIG',
      `${PROJECT_CONFIG}: ${r.problem} (qa_failure_threshold is a share from 0 to 1, like 0.2; artifact_schemas maps a custom phase to a JSON Schema file)`,
    );
  const schemas = r.value.artifact_schemas ?? {};
  for (const phase of Object.keys(schemas)) {
    if (hasOwnContract(phase))
      throw invalid(
        'E_BAD_CONFIG',
        `${PROJECT_CONFIG}: artifact_schemas names "${phase}", which has a contract of its own; name only custom phases there`,
      );
  }
  return { qaThreshold: r.value.qa_failure_threshold ?? QA_FAILURE_THRESHOLD, schemas };
}

export type ArtifactCheck = (value: unknown) => Problem[];

/** The project's JSON Schema for custom phase `phase`, when the config names one: the file's path and its parsed content. */
export function projectSchema(ctx: Ctx, phase: string, settings = contractSettings(ctx)): { file: string; schema: unknown } | undefined {
  const rel = settings.schemas[phase];
  if (!rel) return undefined;
  const top = ctx.repo.top;
  const file = normalize(rel);
  if (!top || isAbsolute(file) || file === '..' || file.startsWith(`..${sep}`)) {
    throw invalid(
      'E_BAD_CONFIG',
      `${PROJECT_CONFIG}: artifact_schemas.${phase} must be a path inside the work tree, like "schemas/${phase}.json"`,
    );
  }
  try {
    // A symbolic link on the way must not lead out of the work tree either.
    const real = realpathSync(join(top, file));
    const root = realpathSync(top);
    if (!real.startsWith(root + sep))
      throw invalid(
        'E_BAD_CONFIG',
        `${PROJECT_CONFIG}: artifact_schemas.${phase} (${rel}) leads outside the work tree: keep the schema file inside it`,
      );
    const text = readBoundedText(real, READ_CAPS.projectConfig);
    if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return { file: rel, schema: JSON.parse(text) };
  } catch (e) {
    if (isConductorError(e)) throw e;
    if (e instanceof BoundedReadError)
      throw invalid('E_BAD_CONFIG', `${PROJECT_CONFIG}: artifact_schemas.${phase} names ${rel}, which ${e.problem}`);
    throw invalid(
      'E_BAD_CONFIG',
      `${PROJECT_CONFIG}: artifact_schemas.${phase} names ${rel}, which ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not valid JSON'}`,
    );
  }
}

/** The project's JSON Schema check for `phase`, when the config names one; it replaces the built-in `phase` + `summary` rule. */
export async function projectSchemaCheck(ctx: Ctx, phase: string, settings = contractSettings(ctx)): Promise<ArtifactCheck | undefined> {
  const found = projectSchema(ctx, phase, settings);
  if (!found) return undefined;
  const { compileProjectSchema } = await import('./schema-tools.js');
  return compileProjectSchema(found.schema, found.file);
}

/** What the done record says about its artifact. */
export function judged(
  phase: string,
  json: ArtifactJson,
  settings: ContractSettings,
): Pick<PhaseRecord, 'halt' | 'halt_rule' | 'grade' | 'contract'> {
  const contract =
    phase === 'qa' ? { schema_version: SCHEMA_VERSION, qa_threshold: settings.qaThreshold } : { schema_version: SCHEMA_VERSION };
  const halt = haltOfArtifact(phase, json, { qaThreshold: settings.qaThreshold });
  const grade = gradeFor(phase, json);
  return { ...(halt ? { halt: halt.reason, halt_rule: halt.rule } : {}), ...(grade ? { grade } : {}), contract } as Pick<
    PhaseRecord,
    'halt' | 'halt_rule' | 'grade' | 'contract'
  >;
}

/** The audit log's words for redactions: kinds and paths, never the secret. */
export const redactionDetail = (r: readonly Redaction[]) =>
  r.length
    ? `; redacted ${r.length} secret(s): ${r
        .slice(0, 20)
        .map((x) => `${x.kind} at ${x.path}`)
        .join(', ')}${r.length > 20 ? ', ...' : ''}`
    : '';

/** The repository around `cwd`, or undefined outside one: validating and printing schemas work anywhere. */
export function repoContextOrNone(cwd: string): Ctx | undefined {
  try {
    return openContext({ cwd });
  } catch (e) {
    if (isConductorError(e) && e.code === 'E_NOT_A_REPO') return undefined;
    throw e;
  }
}
