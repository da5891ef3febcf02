/**
 * One transition's dealings with the coordination remote, as decisions the
 * api's loop asks for (api/transition.ts drives the loop; nothing here calls
 * back into the api):
 *
 *   check()        before each decision: a phase known to be diverged is refused
 *   refused(e)     after a refusal: decide again (the view was refreshed, or a
 *                  same-clone racer may still settle), or the error to report
 *   published(id)  after our local append: the remote has it, or we lost the
 *                  push and decide again on the refreshed view; on giving up or
 *                  failing, our unpublished entries are retracted first
 *
 * The bounds (RETRY_BOUNDS.PUBLISH_LOSSES, SETTLE_MS) keep every round
 * finite. The operations it needs are narrow (RoundOps) and its clock is
 * passed in, so the decisions are unit-tested against an in-memory remote.
 */
import { isBlocked, isCode, isUnavailable, unavailable } from '../core/errors.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';

/** What a round needs from the link. */
export interface RoundOps {
  /** Whether this command has fetched already (a refusal on an unfetched view is re-decided once on a fresh one). */
  readonly fetched: boolean;
  /** Fetch and import. */
  refresh(): void;
  /** Import from the tracking refs again (no network). */
  importAll(): void;
  isDiverged(phase: string): boolean;
  divergedError(phase: string): unknown;
  /** Is another live process of this clone still publishing or retracting its entry on this phase? */
  settlingElsewhere(phase: string): boolean;
  /**
   * Publishes the phase with our entry `id` (the link's one publish-or-retract
   * path): true when the remote has it; on a lost push, `lost()` decides (false:
   * decide again); anything thrown first retracts our unpublished entries.
   */
  publishOrRetract(phase: string, id: string, lost: () => false): boolean;
  /** The refusal after a lost push, naming the remote. */
  lostError(phase: string, e: unknown): unknown;
}

export interface Clock {
  now(): number;
  sleep(ms: number): void;
  random(): number;
}

export const realClock = (sleep: (ms: number) => void): Clock => ({ now: Date.now, sleep, random: Math.random });

/** Refusals that a fresh view of the remote might change. A done phase stays done. */
export const mayBeStale = (e: unknown) =>
  isBlocked(e) || (isUnavailable(e) && !isCode(e, 'E_ALREADY_DONE', 'E_SPRINT_ARCHIVED', 'E_LEASE_LIVE'));

export class TransitionRound {
  private lost = false;
  private losses = 0;
  private readonly settleBy: number;

  constructor(
    private readonly ops: RoundOps,
    private readonly phase: string,
    private readonly clock: Clock,
  ) {
    this.settleBy = clock.now() + RETRY_BOUNDS.SETTLE_MS;
  }

  check(): void {
    if (this.ops.isDiverged(this.phase)) throw this.ops.divergedError(this.phase);
  }

  refused(e: unknown): 'retry' | { error: unknown } {
    const { ops, phase } = this;
    if (!ops.fetched && mayBeStale(e)) {
      ops.refresh();
      return 'retry';
    }
    // Refused because of another local process's entry that is still on its
    // way to the remote: it may yet lose, so its holder is not the answer.
    // Its push (or its retraction after a fetch) moves the tracking refs, so
    // re-reading them locally is enough. A refusal for divergence is retried
    // too: the log may have settled between the import that saw it diverge
    // and now, and then only a fresh decision is the answer.
    if (isCode(e, 'E_DIVERGED') || ops.settlingElsewhere(phase)) {
      // Still unsettled after the wait: say so rather than name a holder that may never hold it.
      if (this.clock.now() >= this.settleBy) e = ops.divergedError(phase);
      else {
        this.clock.sleep(20 + this.clock.random() * 30);
        ops.importAll();
        return 'retry';
      }
    }
    return { error: this.lost ? ops.lostError(phase, e) : e };
  }

  published(id: string): boolean {
    const { ops, phase } = this;
    return ops.publishOrRetract(phase, id, () => {
      this.lost = true;
      if (++this.losses >= RETRY_BOUNDS.PUBLISH_LOSSES) {
        throw unavailable(
          'E_REMOTE_BUSY',
          `gave up on phase "${phase}" after ${RETRY_BOUNDS.PUBLISH_LOSSES} attempts: the remote keeps changing; try again`,
        );
      }
      this.clock.sleep(10 + this.clock.random() * 40 * this.losses);
      ops.refresh();
      return false;
    });
  }
}
