/**
 * The contract tools that cost start-up time, bundled on their own
 * (dist/schema-tools.cjs, see scripts/build.mjs) and loaded only by what
 * needs them: the JSON Schema of a phase's contract, generated from its zod
 * source (`git conductor schema`), and the project's own JSON Schemas for
 * custom phases, compiled by ajv. No other command ever loads this file.
 */
import * as z from 'zod/mini';
import { CONTRACT_PHASES, formsOf, SCHEMA_VERSION } from '../core/contract/index.js';
import { jsonPath, shown, type Problem } from '../core/contract/problems.js';
import { invalid } from '../core/errors.js';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
type Json = Record<string, unknown>;

function bare(phase: string): Json {
  const forms = formsOf(phase).map((s) => {
    const { $schema: _, ...rest } = z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
    return rest;
  });
  return forms.length === 1 ? forms[0]! : { anyOf: forms };
}

/** One phase's artifact contract as a JSON Schema document (draft 2020-12). */
export function jsonSchemaOf(phase: string): Json {
  return { $schema: DRAFT, title: `git-conductor ${phase} artifact (schema_version ${SCHEMA_VERSION})`, ...bare(phase) };
}

/** Every phase of the default graph: one definition each, and an artifact is any one of them. */
export function jsonSchemaOfAll(): Json {
  const defs = Object.fromEntries(CONTRACT_PHASES.map((p) => [p, bare(p)]));
  return {
    $schema: DRAFT,
    title: `git-conductor artifacts (schema_version ${SCHEMA_VERSION})`,
    $defs: defs,
    anyOf: CONTRACT_PHASES.map((p) => ({ $ref: `#/$defs/${p}` })),
  };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/**
 * Compiles a project's JSON Schema for a custom phase into a check that lists
 * every problem as the built-in contract does. ajv loads here, on first use:
 * importing the library never loads it.
 */
export async function compileProjectSchema(schema: unknown, file: string): Promise<(value: unknown) => Problem[]> {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  let validate;
  try {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    validate = ajv.compile(schema as Json);
  } catch (e) {
    throw invalid('E_BAD_CONFIG', `${file} is not a usable JSON Schema (draft 2020-12): ${(e as Error).message.split('\n')[0]}`);
  }
  return (value) => {
    if (validate(value)) return [];
    return ((validate.errors ?? []) as AjvError[]).map((e) => problemOf(e, value));
  };
}

function problemOf(e: AjvError, root: unknown): Problem {
  const keys = e.instancePath
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let v: unknown = root;
  const path: PropertyKey[] = [];
  for (const k of keys) {
    const i = Array.isArray(v) && /^\d+$/.test(k) ? Number(k) : k;
    path.push(i);
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[i] : undefined;
  }
  if (e.keyword === 'required') {
    const p = jsonPath([...path, String(e.params.missingProperty)]);
    return { path: p, allowed: 'a value', found: 'nothing', message: `${p}: missing; required by the project's schema` };
  }
  const where = jsonPath(path);
  const found = shown(v);
  const allowed =
    e.keyword === 'enum'
      ? (e.params.allowedValues as unknown[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')
      : e.keyword === 'const'
        ? JSON.stringify(e.params.allowedValue)
        : e.keyword === 'type'
          ? String(e.params.type)
          : (e.message ?? e.keyword);
  const what =
    e.keyword === 'enum' || e.keyword === 'const'
      ? `${found} is not allowed; allowed: ${allowed}`
      : e.keyword === 'type'
        ? `expected ${allowed}, found ${found}`
        : `${allowed}, found ${found}`;
  return { path: where, allowed, found, message: `${where}: ${what}`.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?') };
}
