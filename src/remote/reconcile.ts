/**
 * Bringing one local log in line with its tracking chain. Both are sequences
 * of records numbered 1, 2, 3...; entries match when their record ids match.
 *
 *   common prefix, then nothing on either side   -> in sync
 *   local has more                               -> unpublished (publish it)
 *   remote has more                              -> import the remote's entries
 *   both have more (diverged)                    -> the remote wins: retract the
 *                                                   local entries, then import
 *
 * The retraction rule. Local entries are append-only for local racers; an
 * entry that diverges from the remote was never published (remote chains only
 * grow, so a published entry can never diverge). It may be retracted by:
 *   - the process that created it (it knows its record ids), when it lost;
 *   - anyone, if it was taken with --offline (that is `sync`'s promise);
 *   - anyone, once it is older than STALE_UNPUBLISHED_MS: its creator has
 *     crashed or given up (publishing is bounded well below that).
 * Retraction goes top-down and stops at the first entry that may not be
 * retracted, so the log never gets a hole below a live entry; that phase then
 * stays diverged until the entry's owner resolves it.
 */
import { isConductorError } from '../core/errors.js';
import type { SeqLog } from '../store/seq-log.js';
import type { ChainEntry } from './tracking.js';

export const STALE_UNPUBLISHED_MS = 2 * 60 * 1000;

interface Rec {
  seq: number;
  id: string;
  at: string;
  offline?: true;
}

export interface Reconciled<R> {
  /** Local entries the remote does not have yet. */
  unpublished: R[];
  retracted: R[];
  imported: R[];
  /** Diverged, and an entry in the way may not be retracted by us. */
  stuck: boolean;
  /** Set when an entry could not be imported (crafted or inconsistent remote data). */
  problem?: string;
}

export interface ReconcileRules<R> {
  ownIds: ReadonlySet<string>;
  now: number;
  /** Files to store with an imported entry (e.g. the artifact); throws to refuse the entry. */
  payload: (e: ChainEntry<R>) => Record<string, Uint8Array> | undefined;
  /** Runs before the import of the remote's newest entry (e.g. to create the sprint it names). */
  beforeTop?: (e: ChainEntry<R>) => void;
}

export const mayRetract = (r: Rec, rules: { ownIds: ReadonlySet<string>; now: number }) =>
  rules.ownIds.has(r.id) || r.offline === true || rules.now - Date.parse(r.at) > STALE_UNPUBLISHED_MS;

export function reconcile<R extends Rec>(log: SeqLog<R>, remote: ChainEntry<R>[], rules: ReconcileRules<R>): Reconciled<R> {
  const out: Reconciled<R> = { unpublished: [], retracted: [], imported: [], stuck: false };
  // An import that loses its number is looked at again: the winner may be another importer of the same
  // entry (the next pass finds the log in line), or a racer of this clone that appended into the number
  // a retraction had just freed (the next pass sees that entry diverge, and says so).
  for (let pass = 1; pass <= MAX_PASSES && reconcileOnce(log, remote, rules, out) === 'again'; pass++);
  return out;
}

const MAX_PASSES = 3;

function reconcileOnce<R extends Rec>(log: SeqLog<R>, remote: ChainEntry<R>[], rules: ReconcileRules<R>, out: Reconciled<R>): 'settled' | 'again' {
  out.unpublished = [];
  out.stuck = false;
  // Fast path: same newest entry at the same number.
  const newest = log.top();
  const top = newest?.seq ?? 0;
  if (top === remote.length && (!newest || newest.record.id === remote[top - 1]!.record.id)) return 'settled';
  // One consistent read: a racer may retract its own entry while we look.
  const entries = log.all();
  const seqs = entries.map((e) => e.seq);
  const local = new Map(entries.map((e) => [e.seq, e.record]));
  let common = 0;
  while (common < remote.length && local.get(common + 1)?.id === remote[common]!.record.id) common++;
  const localSuffix = seqs.filter((s) => s > common).map((s) => local.get(s)!);
  const remoteSuffix = remote.slice(common);
  if (!remoteSuffix.length) {
    out.unpublished = localSuffix;
    return 'settled';
  }
  for (const r of [...localSuffix].reverse()) {
    if (!mayRetract(r, rules)) {
      out.stuck = true;
      out.unpublished = localSuffix.filter((x) => !out.retracted.includes(x));
      return 'settled';
    }
    if (log.retract(r.seq, r.id)) out.retracted.push(r);
  }
  for (const e of remoteSuffix) {
    try {
      if (e === remote[remote.length - 1]) rules.beforeTop?.(e);
      const payload = rules.payload(e);
      const { seq: _seq, ...rest } = e.record;
      log.append(e.record.seq - 1, rest as Omit<R, 'seq'>, payload);
      out.imported.push(e.record);
    } catch (err) {
      if (isConductorError(err) && err.code === 'E_LOST_RACE') return 'again';
      out.problem = err instanceof Error ? err.message : String(err);
      return 'settled';
    }
  }
  return 'settled';
}
