/** schema: the JSON Schema (draft 2020-12) of a phase's artifact, generated from its zod contract. */
import { validatePhaseName } from '../core/graph.js';

/** One phase's schema; without a phase, every phase of the default graph in one document. */
export async function artifactSchema(opts: { phase?: string } = {}): Promise<Record<string, unknown>> {
  const phase = opts.phase === undefined ? undefined : validatePhaseName(opts.phase);
  // The generator and its copy of the contract live in their own bundle: no other command loads them.
  const tools = await import('./schema-tools.js');
  return phase ? tools.jsonSchemaOf(phase) : tools.jsonSchemaOfAll();
}
