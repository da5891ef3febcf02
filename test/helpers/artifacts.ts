/** Valid artifacts for tests: the examples in templates/artifacts/, with fields changed on purpose. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_GRAPH = ['think', 'plan', 'build', 'review', 'qa', 'security', 'ship'];

export const templatePath = (phase: string) => fileURLToPath(new URL(`../../templates/artifacts/${phase}.json`, import.meta.url));

type Json = Record<string, unknown>;

/**
 * A valid artifact of `phase` (a custom phase gets `phase` and `summary`).
 * `patch` replaces top-level fields; a `summary` object in it is merged into
 * the example's summary.
 */
export function artifact(phase: string, patch: Json = {}): Json {
  const base: Json = DEFAULT_GRAPH.includes(phase)
    ? JSON.parse(readFileSync(templatePath(phase), 'utf8'))
    : { phase, summary: `${phase} done` };
  const out: Json = { ...base, ...patch };
  if (isObject(patch.summary) && isObject(base.summary)) out.summary = { ...base.summary, ...patch.summary };
  return out;
}

/** The same, as the text of a file. */
export const artifactText = (phase: string, patch: Json = {}) => JSON.stringify(artifact(phase, patch));

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Writes `phase`'s valid example artifact into the work tree `dir` and returns its path there, for `complete --artifact`. */
export function exampleFile(dir: string, phase: string, patch: Json = {}): string {
  const name = `${phase}.example.json`;
  writeFileSync(join(dir, name), artifactText(phase, patch));
  return name;
}
