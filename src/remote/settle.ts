/**
 * Whether a refusal is the answer yet, on one clone: a phase whose top entry
 * is another live process's, not yet settled on the remote, may still change
 * hands, so its holder is not the answer until it settles. Pure: the link
 * passes in what it knows, and the refusals it builds from that.
 */
import { conductorError, isUnavailable, unavailable } from '../core/errors.js';
import { mayRetract } from './reconcile.js';
import type { RefNames } from './ref-names.js';
import type { Problem } from './tracking.js';

export interface SettleFacts {
  /** What the last import found wrong, by ref. */
  problems: readonly Problem[];
  /** Phases whose local log diverged from the remote's chain. */
  diverged: ReadonlySet<string>;
  /** The phase's local top entry (null: empty log). */
  top: { seq: number; record: { id: string; at: string; offline?: true } } | null;
  /** The remote's chain of the phase, oldest first. */
  remote: readonly { record: { id: string } }[];
  ownIds: ReadonlySet<string>;
  now: number;
  /** Whether the creator of the local top entry is provably gone (killed): then nothing is still settling. */
  gone?: (r: { seq: number }) => boolean;
}

/**
 * Is the phase still being settled by another live process of this clone?
 * Settled means the local log ends with the remote's newest entry. Anything
 * else on top is a racer's entry that is still being published or retracted:
 * one not on the remote yet, or one appended at the very number that a
 * retraction had just freed, before the remote's entry could be imported
 * there (same number as the remote's, different record). A phase whose ref is
 * bad never settles by waiting: it is reported instead.
 */
export function settlingElsewhere(phase: string, f: SettleFacts): boolean {
  if (f.problems.some((x) => x.ref.endsWith(`/phases/${phase}`))) return false;
  // An empty log: a loser's entry was just moved aside, and importing again settles it.
  if (!f.top) return f.diverged.has(phase) || f.remote.length > 0;
  if (f.top.seq === f.remote.length && f.remote[f.top.seq - 1]!.record.id === f.top.record.id) return false;
  return !mayRetract(f.top.record as { seq: number; id: string; at: string; offline?: true }, {
    ownIds: f.ownIds,
    now: f.now,
    gone: f.gone,
  });
}

/** The refusal for a phase that is diverged: its corrupt entry's repair, its bad ref's, or "being settled". */
export function divergedError(
  phase: string,
  names: RefNames,
  f: { corrupt: ReadonlyMap<string, Error>; problems: readonly Problem[] },
): unknown {
  const damaged = f.corrupt.get(phase);
  if (damaged) return damaged;
  const p = f.problems.find((x) => x.ref.endsWith(`/phases/${phase}`));
  if (p)
    return conductorError(
      'E_BAD_REMOTE_REF',
      `remote-tracking ref ${p.ref} ${p.problem}: ask whoever wrote it, or delete it on the remote with 'git push ${names.remote} --delete ${names.namespace}${p.ref.slice(names.trackingPrefix.length - 1)}'`,
      { ref: p.ref },
    );
  return unavailable(
    'E_DIVERGED',
    `phase "${phase}" has a local entry that is not on the remote and is being settled by another process; try again in a moment, or run 'git conductor sync'`,
  );
}

/** A refusal after a lost push: the race was lost on the remote, and the refusal says to whom. */
export function lostError(phase: string, names: RefNames, e: unknown): unknown {
  if (!isUnavailable(e)) return e;
  return conductorError('E_LOST_RACE', `lost the race for "${phase}" on remote ${names.remote}: ${e.message}`, {
    ...e.data,
    phase,
    remote: names.remote,
  });
}
