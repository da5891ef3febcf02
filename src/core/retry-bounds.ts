/**
 * Every retry bound of the tool, in one table, with why each exists. They
 * nest: a transition (TRANSITION_TRIES local appends) runs inside one
 * publish round of the link (PUBLISH_LOSSES lost pushes, SETTLE_MS of
 * waiting for a same-clone racer), each round reconciles (RECONCILE_PASSES)
 * and reads logs (ENTRY_GONE_TRIES). Every bound is finite, so every command
 * ends; each is far above what a real race needs, so none is ever the answer
 * to an honest race, only to a pathological one.
 */
export const RETRY_BOUNDS = {
  /**
   * Local appends of one transition (api/transition.ts). Each loss means
   * another process of this clone appended first; the next decision on the
   * fresh state usually refuses. 50 racers on one phase at once is far past
   * any real team, and the bound keeps a livelock finite.
   */
  TRANSITION_TRIES: 50,
  /**
   * Lost compare-and-swap pushes of one transition (remote/link.ts): after
   * each, fetch, reconcile and decide again, with growing jitter. Then
   * E_REMOTE_BUSY: a remote that keeps moving is better reported than chased.
   */
  PUBLISH_LOSSES: 6,
  /**
   * How long a refusal waits for a same-machine racer's unpublished entry to
   * win or lose on the remote (remote/link.ts): one push and one fetch, which
   * take seconds on a slow link or a loaded machine. Past it, E_DIVERGED.
   */
  SETTLE_MS: 10_000,
  /**
   * Publish rounds of `sync` (api/sync.ts): a round loses only when a teammate
   * pushed meanwhile; each round fetches first, so four rounds in a row are
   * four teammates' pushes during one sync.
   */
  SYNC_ROUNDS: 4,
  /**
   * Passes of reconciling one log (remote/reconcile.ts): an import that loses
   * its number is looked at again, either to find the log in line (another
   * importer won) or to see a same-clone racer's entry diverge and say so.
   */
  RECONCILE_PASSES: 3,
  /**
   * Re-reads of a log listing whose entry was moved aside between listing and
   * reading (store/seq-log.ts): a retraction is one rename, so a second read
   * normally succeeds; ten covers a burst of retractions.
   */
  ENTRY_GONE_TRIES: 10,
  /**
   * Fetches retried after git lost a lock on our own tracking refs to a
   * concurrent fetch of this clone (remote/transport.ts): not a network
   * failure, and gone as soon as the other fetch ends.
   */
  FETCH_LOCK_TRIES: 5,
  /**
   * How long a claim whose concurrency class met other claims made at the
   * same moment waits for those that must give way to it (the later record
   * ids: core/hold.ts's precedes) to roll back (api/claim.ts), re-reading
   * them every 30-100 ms. Past it the claim gives way itself: waiting longer
   * could only keep it, never make it safer. A rival's check takes one push
   * and one ls-remote, so 5 s is far above an honest race.
   */
  CLASS_SETTLE_MS: 5_000,
  /**
   * Asking the remote again (ls-remote) what it holds after a push whose
   * connection died (remote/transport.ts), 200 ms apart: the push may have been
   * applied, so the answer decides between won, lost and "unknown, retry".
   */
  OUTCOME_TRIES: 3,
} as const;
