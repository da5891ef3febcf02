/** schema: the JSON Schema (draft 2020-12) of a phase's artifact, generated from its zod contract. */
import { hasOwnContract } from '../core/contract/index.js';
import { validatePhaseName } from '../core/graph.js';
import { projectSchema, repoContextOrNone } from './artifact-contract.js';

/**
 * One phase's schema; without a phase, every phase of the default graph in
 * one document. A custom phase the project config gives a JSON Schema file
 * gets that file, as it is.
 */
export async function artifactSchema(opts: { cwd?: string; phase?: string } = {}): Promise<Record<string, unknown>> {
  const phase = opts.phase === undefined ? undefined : validatePhaseName(opts.phase);
  if (phase && !hasOwnContract(phase)) {
    const ctx = repoContextOrNone(opts.cwd ?? process.cwd());
    const own = ctx && projectSchema(ctx, phase);
    if (own) return own.schema as Record<string, unknown>;
  }
  // The generator and its copy of the contract live in their own bundle: no other command loads them.
  const tools = await import('./schema-tools.js');
  return phase ? tools.jsonSchemaOf(phase) : tools.jsonSchemaOfAll();
}
