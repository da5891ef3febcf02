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
 *   - anyone, once its creator is provably gone (it ran on this host and its
 *     pid is dead: store/creator.ts), e.g. killed in the middle of a push;
 *   - anyone, once it is older than STALE_UNPUBLISHED_MS: its creator has
 *     crashed or given up (publishing is bounded well below that).
 * Retraction goes top-down and stops at the first entry that may not be
 * retracted, so the log never gets a hole below a live entry; that phase then
 * stays diverged until the entry's owner resolves it.
 */
import { isCode } from '../core/errors.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import { child } from '../store/layout.js';
import { pad, readConsistently, type Entry, type SeqLog } from '../store/seq-log.js';
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
  /** Whether the creator of this local entry is provably gone. */
  gone?: (r: Rec) => boolean;
  /** Files to store with an imported entry (e.g. the artifact); throws to refuse the entry. */
  payload: (e: ChainEntry<R>) => Record<string, Uint8Array> | undefined;
  /**
   * Runs with the remote's newest entry before anything is retracted or
   * imported (e.g. to create the sprint it names); throws to change nothing,
   * so the local log never stops half-way at an entry that was not checked.
   */
  beforeTop?: (e: ChainEntry<R>) => void;
}

type Seqd = { record: { seq: number } };

/**
 * The seq just below a chain's first entry: 0 for a whole chain; more for the
 * head, which is read as a window of its newest entries (remote/tracking.ts).
 */
export const baseOf = (remote: readonly Seqd[]) => (remote.length ? remote[0]!.record.seq - 1 : 0);
/** The seq of a chain's newest entry (0: empty). */
export const chainTop = (remote: readonly Seqd[]) => baseOf(remote) + remote.length;
const entryAt = <E extends Seqd>(remote: readonly E[], seq: number): E | undefined =>
  seq > baseOf(remote) ? remote[seq - 1 - baseOf(remote)] : undefined;

function sameEntry<R extends Rec>(log: SeqLog<R>, seq: number, remote: ChainEntry<R>[]): boolean {
  try {
    return readCovered(log, seq, remote).record.id === entryAt(remote, seq)?.record.id;
  } catch (e) {
    if (isCode(e, 'E_ENTRY_GONE')) return false; // moved aside while we looked: the slow path reads again
    throw e;
  }
}

/** Who may retract an unpublished entry (see the header); `gone`: its creator provably no longer runs (store/creator.ts). */
export const mayRetract = (r: Rec, rules: { ownIds: ReadonlySet<string>; now: number; gone?: (r: Rec) => boolean }) =>
  rules.ownIds.has(r.id) || r.offline === true || rules.now - Date.parse(r.at) > STALE_UNPUBLISHED_MS || rules.gone?.(r) === true;

/**
 * The local log, read consistently (a racer may retract its own entry while
 * we look). A corrupt local entry the remote also has stands for the remote's
 * intact copy: it was published, so only our file of it is damaged, and the
 * log can still be reconciled and published past it. A corrupt entry the
 * remote lacks throws E_CORRUPT_STATE (its repair is `abort <phase> --force`).
 */
export function localEntries<R extends { seq: number; id: string }>(log: SeqLog<R>, remote: ChainEntry<R>[]): Entry<R>[] {
  return readConsistently(() => log.seqs().map((seq) => readCovered(log, seq, remote)));
}

function readCovered<R extends { seq: number; id: string }>(log: SeqLog<R>, seq: number, remote: ChainEntry<R>[]): Entry<R> {
  try {
    return log.read(seq);
  } catch (e) {
    const covering = entryAt(remote, seq);
    if (!isCode(e, 'E_CORRUPT_STATE') || !covering) throw e;
    return { seq, record: covering.record, dir: child(log.dir, pad(seq)) };
  }
}

export function reconcile<R extends Rec>(log: SeqLog<R>, remote: ChainEntry<R>[], rules: ReconcileRules<R>): Reconciled<R> {
  const out: Reconciled<R> = { unpublished: [], retracted: [], imported: [], stuck: false };
  // An import that loses its number is looked at again: the winner may be another importer of the same
  // entry (the next pass finds the log in line), or a racer of this clone that appended into the number
  // a retraction had just freed (the next pass sees that entry diverge, and says so).
  for (let pass = 1; pass <= RETRY_BOUNDS.RECONCILE_PASSES && reconcileOnce(log, remote, rules, out) === 'again'; pass++);
  return out;
}

function reconcileOnce<R extends Rec>(
  log: SeqLog<R>,
  remote: ChainEntry<R>[],
  rules: ReconcileRules<R>,
  out: Reconciled<R>,
): 'settled' | 'again' {
  out.unpublished = [];
  out.stuck = false;
  // Fast path: same newest entry at the same number.
  const top = log.topSeq();
  if (top === chainTop(remote) && (top === 0 || sameEntry(log, top, remote))) return 'settled';
  const entries = localEntries(log, remote);
  const seqs = entries.map((e) => e.seq);
  const local = new Map(entries.map((e) => [e.seq, e.record]));
  const common = sharedPrefix(entries, remote);
  const localSuffix = seqs.filter((s) => s > common).map((s) => local.get(s)!);
  const remoteSuffix = remote.filter((e) => e.record.seq > common);
  if (!remoteSuffix.length) {
    out.unpublished = localSuffix;
    return 'settled';
  }
  try {
    rules.beforeTop?.(remote[remote.length - 1]!);
  } catch (err) {
    out.problem = err instanceof Error ? err.message : String(err);
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
      const payload = rules.payload(e);
      const { seq: _seq, ...rest } = e.record;
      log.append(e.record.seq - 1, rest as Omit<R, 'seq'>, payload);
      out.imported.push(e.record);
    } catch (err) {
      if (isCode(err, 'E_LOST_RACE')) return 'again';
      out.problem = err instanceof Error ? err.message : String(err);
      return 'settled';
    }
  }
  return 'settled';
}

/**
 * The seq up to which the local log and the remote chain agree, matched by
 * record id: the one home of "where do the local log and the remote part".
 * Entries below the remote's window (a head read from its newest entries)
 * and below the local log's first entry (a trimmed log) cannot be compared:
 * chains only grow and the window is far deeper than any race, so they count
 * as shared. For whole chains and untrimmed logs this is the common prefix.
 */
export function sharedPrefix(
  local: readonly { seq: number; record: { id: string } }[],
  remote: readonly { record: { seq: number; id: string } }[],
): number {
  const base = baseOf(remote);
  const first = Math.max(base + 1, local[0]?.seq ?? 1);
  const bySeq = new Map(local.map((e) => [e.seq, e.record.id]));
  if (!local.length || local.at(-1)!.seq < first) return base;
  let common = first - 1;
  while (common < chainTop(remote) && bySeq.get(common + 1) === entryAt(remote, common + 1)!.record.id) common++;
  return common;
}
