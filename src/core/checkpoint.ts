/**
 * The `context_checkpoint` of an artifact, read defensively: artifacts come
 * from agents and teammates, may predate any schema, and may carry text meant
 * to fool a terminal or a Markdown reader. Whatever the artifact holds, the
 * result is plain one-line strings of bounded length; a missing or malformed
 * checkpoint is simply absent. Pure.
 */
import * as z from 'zod/mini';
import { lazy } from './schemas.js';

export interface Checkpoint {
  /** The checkpoint's summary, else the artifact's own `summary` when that is text. */
  summary?: string;
  key_files: string[];
  decisions: string[];
  open_questions: string[];
  /** Whether the artifact had a readable `context_checkpoint` object. */
  present: boolean;
}

const MAX_TEXT = 600;
const MAX_ITEMS = 20;

// Loose on purpose: a field of the wrong type is dropped, not fatal (see list()).
const Shape = lazy(() =>
  z.looseObject({
    summary: z.optional(z.unknown()),
    key_files: z.optional(z.unknown()),
    decisions_made: z.optional(z.unknown()),
    open_questions: z.optional(z.unknown()),
  }),
);

/** C0/C1 controls and bidirectional overrides become spaces; runs of space collapse; long text is cut. */
export function plainText(s: string, max = MAX_TEXT): string {
  const flat = s
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && plainText(v) ? plainText(v) : undefined);
const list = (v: unknown): string[] =>
  Array.isArray(v)
    ? v
        .slice(0, MAX_ITEMS)
        .map(text)
        .filter((s): s is string => !!s)
    : [];

export function checkpointOf(artifact: Record<string, unknown> | undefined): Checkpoint {
  const raw = artifact?.context_checkpoint;
  const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? Shape().safeParse(raw) : undefined;
  const cp = r?.success ? r.data : undefined;
  return {
    summary: text(cp?.summary) ?? text(artifact?.summary),
    key_files: list(cp?.key_files),
    decisions: list(cp?.decisions_made),
    open_questions: list(cp?.open_questions),
    present: !!cp,
  };
}
