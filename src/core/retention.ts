/**
 * Which sprints a retention policy keeps: pure, over sprint ids alone, so the
 * remote (ref names) and the local state (directory names) decide alike and
 * nothing has to be read to decide.
 *
 * A sprint id begins with its start time (YYYYMMDD-HHMMSS, UTC), so ids sort
 * by start, and a sprint was archived when the next one started: its age is
 * the time since its successor's start (ids that tie within a second sort
 * at random: then its own start stands in). The active sprint, and any sprint
 * named in `protect`, is always kept, so a policy can never delete the
 * sprint a team is working in, whatever the clocks say.
 */
import { SPRINT_ID_RE } from './schemas.js';

/** Documented defaults (README, Retention). */
export const DEFAULT_KEEP_SPRINTS = 20;
export const DEFAULT_KEEP_DAYS = 30;

export interface RetentionPolicy {
  /** The newest N sprints are kept (the active one counts); undefined: no count limit. */
  keepSprints?: number;
  /** Sprints archived more than N days ago are not kept; undefined: no age limit. */
  keepDays?: number;
}

/** The start time of a sprint id, epoch ms (NaN for a malformed id). */
export function startedAt(id: string): number {
  if (!SPRINT_ID_RE.test(id)) return Number.NaN;
  return Date.UTC(+id.slice(0, 4), +id.slice(4, 6) - 1, +id.slice(6, 8), +id.slice(9, 11), +id.slice(11, 13), +id.slice(13, 15));
}

/** The ids the policy lets go, oldest first; never one of `protect`. */
export function expired(ids: Iterable<string>, protect: ReadonlySet<string | undefined>, policy: RetentionPolicy, now: number): string[] {
  // The protected (active) sprints are the newest by definition, even when a start in the same second sorts after them.
  const valid = [...new Set(ids)].filter((id) => SPRINT_ID_RE.test(id)).sort();
  const sorted = [...valid.filter((id) => !protect.has(id)), ...valid.filter((id) => protect.has(id))];
  const out: string[] = [];
  sorted.forEach((id, i) => {
    if (protect.has(id)) return;
    const newer = sorted.length - 1 - i;
    const next = sorted[i + 1];
    // Not active, yet newest (or tied with its successor within one second):
    // it was archived no earlier than its own start.
    const archivedAt = Math.max(startedAt(id), next === undefined ? 0 : startedAt(next));
    const tooMany = policy.keepSprints !== undefined && newer >= policy.keepSprints;
    const tooOld = policy.keepDays !== undefined && archivedAt <= now - policy.keepDays * 86_400_000;
    if (tooMany || tooOld) out.push(id);
  });
  return out;
}
