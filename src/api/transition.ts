/**
 * Appending to a phase's log: decide on fresh state, append, retry when
 * another agent got there first; with a coordination remote, publish the
 * entry and decide again when another machine won.
 *
 * This module drives the whole loop. The remote's part is a TransitionRound
 * (remote/round.ts) that answers narrow questions (refused here: decide
 * again or report? published: won, or decide again?) and never calls back.
 * The decision itself is the caller's closure, run on each attempt's tops
 * and time.
 */
import { isCode } from '../core/errors.js';
import type { Tops } from '../core/phase-state.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { creatorPayload } from '../store/creator.js';
import { randomHex } from '../store/fs-atomic.js';
import type { Entry, SeqLog } from '../store/seq-log.js';
import type { Ctx } from './context.js';

export type NewRecord = Omit<PhaseRecord, 'seq' | 'v' | 'id'>;
export interface Decision {
  record: NewRecord;
  payload?: Record<string, Uint8Array>;
}
/** Decides the entry to append on these tops at time `now` (epoch ms), or throws the refusal. */
export type Decide = (tops: Tops, now: number) => Decision;

/**
 * Re-reads, re-decides and appends until the append lands (and, with a
 * remote, is published) or `decide` refuses. A lost race is not final by
 * itself: after it, the state has changed, and the next decision says what
 * that change means for us (held, done, or free again).
 */
export function appendPhase(ctx: Ctx, sprint: SprintFile, phase: string, decide: Decide): { entry: Entry<PhaseRecord>; tops: Tops } {
  const round = ctx.remote?.round(sprint, phase);
  for (;;) {
    let res: { entry: Entry<PhaseRecord>; tops: Tops };
    try {
      round?.check();
      res = appendLocal(ctx, sprint, phase, decide);
    } catch (e) {
      const next = round ? round.refused(e) : { error: e };
      if (next === 'retry') continue;
      throw next.error;
    }
    if (!round || round.published(res.entry.record.id)) return res;
  }
}

function appendLocal(ctx: Ctx, sprint: SprintFile, phase: string, decide: Decide): { entry: Entry<PhaseRecord>; tops: Tops } {
  const offline = ctx.remote?.offline ? { offline: true as const } : {};
  const log = ctx.store.phaseLog(sprint.id, phase);
  for (let i = 1; ; i++) {
    // Decisions and records use the time of this attempt, not of the command's start (fetches and retries take time).
    const tops = ctx.store.tops(sprint);
    const { record, payload } = decide(tops, ctx.clock());
    const base = tops.get(phase);
    try {
      // The creator file lets this clone tell an entry left by a killed process from one still being published.
      const entry = log.append(
        base?.seq ?? 0,
        { v: 1, id: randomHex(8), ...record, ...offline },
        ctx.remote ? { ...payload, ...creatorPayload(ctx.host) } : payload,
      );
      // With a remote, a losing unpublished entry can be moved aside and its number
      // reused by an imported one: if the entry we decided on is gone, ours stands
      // on the wrong state. Take it back and decide again.
      if (ctx.remote && base && !stillThere(log, base)) {
        log.retract(entry.seq, entry.record.id);
        continue;
      }
      return { entry, tops };
    } catch (e) {
      if (!isCode(e, 'E_LOST_RACE') || i > RETRY_BOUNDS.TRANSITION_TRIES) throw e;
    }
  }
}

function stillThere(log: SeqLog<PhaseRecord>, r: PhaseRecord): boolean {
  try {
    return log.read(r.seq).record.id === r.id;
  } catch {
    return false;
  }
}

export const holderOf = (r: PhaseRecord) => ({ agent: r.agent, host: r.host, at: r.at });

/** Waits `ms` without giving the event loop back (the commands are synchronous by design). */
export function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
