/**
 * Trimming the local head log to its newest entries. Only the newest entry
 * says which sprint is active, and reconciling with the remote compares only
 * the entries both sides still have (remote/reconcile.ts), so older entries
 * are history nobody reads. Entries are removed oldest first, each renamed
 * aside before it is deleted, so the log stays contiguous from its new first
 * entry at every moment and a concurrent reader at worst re-reads its listing
 * (E_ENTRY_GONE, retried by readConsistently). The newest `keep` entries,
 * which include any not yet published, are never touched.
 */
import { renameSync, rmSync } from 'node:fs';
import { randomHex } from './fs-atomic.js';
import { child, entryDir, pad } from './layout.js';
import type { SeqLog } from './seq-log.js';

/** Entries the local head log keeps: more than the remote head's window (64). */
export const HEAD_LOG_KEEP = 100;

/** Removes all but the newest `keep` entries of `log`; returns how many went. */
export function trimLog(log: SeqLog<{ seq: number }>, keep = HEAD_LOG_KEEP, max = Infinity): number {
  const seqs = log.seqs();
  const doomed = seqs.slice(0, Math.max(0, seqs.length - keep)).slice(0, max);
  let n = 0;
  for (const seq of doomed) {
    const aside = child(log.dir, `.trimmed-${pad(seq)}-${randomHex(3)}`);
    try {
      renameSync(entryDir(log.dir, seq), aside);
    } catch {
      continue; // gone already: a concurrent trim
    }
    rmSync(aside, { recursive: true, force: true });
    n++;
  }
  return n;
}
