/**
 * Taking back this process's own unpublished entries after its publish lost
 * or failed, so nothing half-done stays. Top-down, and only entries above the
 * published ones that this process created: it stops at the first entry that
 * is not its own (a racer's, which that racer settles), so the log never gets
 * a hole below a live entry.
 */

/** What retraction needs of a log (store/seq-log.ts's SeqLog, or an in-memory one in tests). */
export interface RetractableLog {
  seqs(): number[];
  read(seq: number): { record: { id: string } };
  retract(seq: number, id: string): boolean;
}

/** Moves aside, top-down, the entries above `published` whose ids are in `ownIds`; returns their seqs. */
export function retractOwnUnpublished(log: RetractableLog, published: number, ownIds: ReadonlySet<string>): number[] {
  const done: number[] = [];
  for (const seq of log.seqs().reverse()) {
    if (seq <= published) break;
    const r = log.read(seq).record;
    if (!ownIds.has(r.id) || !log.retract(seq, r.id)) break;
    done.push(seq);
  }
  return done;
}
