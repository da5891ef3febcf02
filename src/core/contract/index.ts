/**
 * The artifact contract: which schema judges which phase's artifact. A
 * phase's schema is built the first time that phase's artifact is read and
 * kept; no other phase's schema is ever built in that process.
 */
import type * as z from 'zod/mini';
import { build, custom } from './generic.js';
import { plan } from './plan.js';
import { qa } from './qa.js';
import { review } from './review.js';
import { security } from './security.js';
import { isReportOnly, shipRelease, shipReport } from './ship.js';
import { think } from './think.js';

export { SCHEMA_VERSION } from './common.js';

type Schema = z.ZodMiniType<Record<string, unknown>>;
type Builder = () => Schema;

/** The phases of the default graph, each with a contract of its own. */
export const CONTRACT_PHASES = ['think', 'plan', 'build', 'review', 'qa', 'security', 'ship'] as const;

const builders: Record<string, Builder> = {
  think,
  plan,
  build,
  review,
  qa,
  security,
  'ship:release': shipRelease,
  'ship:report': shipReport,
};
const built = new Map<string, Schema>();

function schema(key: string, make: Builder): Schema {
  let s = built.get(key);
  if (!s) built.set(key, (s = make()));
  return s;
}

export const hasOwnContract = (phase: string) => (CONTRACT_PHASES as readonly string[]).includes(phase);

/** The schema that judges `value` as `phase`'s artifact (ship: the form the artifact claims). */
export function schemaFor(phase: string, value: unknown): Schema {
  if (phase === 'ship') return isReportOnly(value) ? schema('ship:report', shipReport) : schema('ship:release', shipRelease);
  const make = builders[phase];
  return make ? schema(phase, make) : schema(`custom:${phase}`, () => custom(phase));
}

/** Every form of `phase`'s artifact, for describing the contract (JSON Schema): ship has two. */
export function formsOf(phase: string): Schema[] {
  if (phase === 'ship') return [schema('ship:release', shipRelease), schema('ship:report', shipReport)];
  return [schemaFor(phase, undefined)];
}

/** Which schemas this process has built so far (a test checks that reading one phase builds only that one). */
export const builtSchemas = (): string[] => [...built.keys()];
