/**
 * The parts every phase's artifact contract shares: the header (`phase`,
 * `schema_version`, `mode`), the `context_checkpoint`, conflicts, and the
 * budget / circuit-breaker fields. Objects are loose on purpose: agents add
 * fields of their own, and an unknown field never makes an artifact wrong;
 * a known field of the wrong shape always does.
 *
 * Everything here is a builder, called only when some phase's schema is
 * built: start-up pays nothing for a contract it does not read.
 */
import * as z from 'zod/mini';

/** The contract version this build writes and reads. */
export const SCHEMA_VERSION = '1';

/** Non-empty text. */
export const text = () => z.string().check(z.minLength(1));
export const count = () => z.number().check(z.int(), z.minimum(0));
export const texts = () => z.array(z.string());
/** A line number, where a finding has one. */
export const line = () => z.optional(z.nullable(z.number().check(z.int(), z.minimum(0))));

/** What lets the next phase restart without the conversation. */
export const ContextCheckpoint = () =>
  z.looseObject({
    summary: text(),
    key_files: texts(),
    decisions_made: texts(),
    open_questions: texts(),
  });

const Conflict = () =>
  z.looseObject({
    finding_id: z.optional(z.union([z.string(), z.number()])),
    conflicts_with: z.optional(z.union([z.string(), z.number()])),
    tension: z.optional(z.enum(['complementary', 'tradeoff', 'scope', 'temporal'])),
    resolution: z.optional(z.string()),
    precedence: z.optional(z.string()),
  });

/** Fields any artifact may carry; a wrong type there is a wrong artifact. */
export const optionalCommon = () => ({
  schema_version: z.optional(z.literal(SCHEMA_VERSION)),
  mode: z.optional(z.enum(['quick', 'standard', 'thorough'])),
  conflicts: z.optional(z.array(Conflict())),
  budget: z.optional(z.looseObject({ limit: z.number().check(z.minimum(0)), used: z.number().check(z.minimum(0)) })),
  /** Consecutive failed attempts on the same problem (the circuit breaker). */
  consecutive_failures: z.optional(count()),
  stuck_on: z.optional(z.string()),
});

/** The header of an artifact of the default graph: its phase, its summary and a checkpoint. */
export const header = (phase: string) => ({
  phase: z.literal(phase),
  ...optionalCommon(),
  context_checkpoint: ContextCheckpoint(),
});

/** A summary whose shape the contract leaves open: non-empty text, or an object. */
export const openSummary = () => z.union([text(), z.looseObject({})]);

/**
 * How a finding says it is dealt with: `status` (fixed | wontfix with a
 * `reason` | open), or `fixed: true`, the older spelling of `status: fixed`.
 */
export const resolution = () => ({
  status: z.optional(z.enum(['open', 'fixed', 'wontfix'])),
  reason: z.optional(z.string()),
  fixed: z.optional(z.boolean()),
});
