/** Appending to a phase's log: decide on fresh state, append, retry when another agent got there first. */
import { isConductorError } from '../core/errors.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { randomHex } from '../store/fs-atomic.js';
import type { Entry, SeqLog } from '../store/seq-log.js';
import type { Tops } from '../store/state-store.js';
import type { Ctx } from './context.js';

export type NewRecord = Omit<PhaseRecord, 'seq' | 'v' | 'id'>;
export interface Decision {
  record: NewRecord;
  payload?: Record<string, Uint8Array>;
}

const MAX_TRIES = 50;

/**
 * Re-reads, re-decides and appends until the append lands or `decide` refuses.
 * A lost race is not final by itself: after it, the state has changed, and the
 * next decision says what that change means for us (held, done, or free again).
 */
export function appendPhase(ctx: Ctx, sprint: SprintFile, phase: string, decide: (tops: Tops) => Decision): { entry: Entry<PhaseRecord>; tops: Tops } {
  const local = () => appendLocal(ctx, sprint, phase, decide);
  // With a coordination remote, the local append is followed by a compare-and-swap push (remote/link.ts).
  return ctx.remote ? ctx.remote.transition(sprint, phase, local) : local();
}

function appendLocal(ctx: Ctx, sprint: SprintFile, phase: string, decide: (tops: Tops) => Decision): { entry: Entry<PhaseRecord>; tops: Tops } {
  const offline = ctx.remote?.offline ? { offline: true as const } : {};
  const log = ctx.store.phaseLog(sprint.id, phase);
  for (let i = 0; ; i++) {
    // Decisions and records use the time of this attempt, not of the command's start (fetches and retries take time).
    ctx.now = Date.now();
    const tops = ctx.store.tops(sprint);
    const { record, payload } = decide(tops);
    const base = tops.get(phase);
    try {
      const entry = log.append(base?.seq ?? 0, { v: 1, id: randomHex(8), ...record, ...offline }, payload);
      // With a remote, a losing unpublished entry can be moved aside and its number
      // reused by an imported one: if the entry we decided on is gone, ours stands
      // on the wrong state. Take it back and decide again.
      if (ctx.remote && base && !stillThere(log, base)) {
        log.retract(entry.seq, entry.record.id);
        continue;
      }
      return { entry, tops };
    } catch (e) {
      if (!(isConductorError(e) && e.code === 'E_LOST_RACE') || i >= MAX_TRIES) throw e;
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
