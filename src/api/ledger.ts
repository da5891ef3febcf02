/**
 * The sprint's ledger (core/ledger.ts): appending under the lock protocol
 * (store/seq-log.ts, one log per sprint) and, with a coordination remote,
 * publishing each entry by compare-and-swap on the sprint's ledger ref, with
 * the same round as a phase transition (remote/round.ts): a lost push
 * fetches, imports and applies the operation again on the winner's state,
 * so two clones adding at once both count, once each.
 */
import { invalid, isCode } from '../core/errors.js';
import {
  applyLedger,
  ledgerHalts,
  ledgerWarnings,
  MAX_LEDGER_ENTRIES,
  type LedgerHalt,
  type LedgerOp,
  type LedgerRules,
  type Warning,
} from '../core/ledger.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import type { LedgerRecord, LedgerState, SprintFile } from '../core/schemas.js';
import { creatorPayload } from '../store/creator.js';
import { randomHex } from '../store/fs-atomic.js';
import type { Entry, SeqLog } from '../store/seq-log.js';
import { activeSprintOrNone, ledgerRules, openContext, type CommonOptions, type Ctx } from './context.js';

/** Decides the operation to append on the ledger's current state (undefined: empty) at time `now`, or throws the refusal. */
export type DecideLedger = (state: LedgerState | undefined, now: number) => Omit<LedgerOp, 'agent' | 'host' | 'at'>;

/** The ledger's state now (undefined: nothing recorded yet). */
export const ledgerState = (ctx: Pick<Ctx, 'store'>, sprint: SprintFile): LedgerState | undefined =>
  ctx.store.ledgerLog(sprint.id).top()?.record.state;

/** Appends one operation, re-deciding on fresh state after every lost race, local or remote. */
export function appendLedger(ctx: Ctx, sprint: SprintFile, agent: string, decide: DecideLedger): Entry<LedgerRecord> {
  const round = ctx.remote?.ledgerRound(sprint);
  const log = ctx.store.ledgerLog(sprint.id);
  let entry: Entry<LedgerRecord> | undefined;
  for (;;) {
    try {
      round?.check();
      // Unlike a claim, an operation decided again is applied again: after a lost push, an entry of
      // ours that is still in the log (a racer of this clone built on it, so it could not be taken
      // back) is still our one entry, and only publishing it is left to do.
      if (!entry || !stillThere(log, entry.record)) entry = appendLocal(ctx, sprint, agent, decide);
    } catch (e) {
      const next = round ? round.refused(e) : { error: e };
      if (next === 'retry') continue;
      throw next.error;
    }
    if (!round || round.published(entry.record.id)) return entry;
  }
}

function appendLocal(ctx: Ctx, sprint: SprintFile, agent: string, decide: DecideLedger): Entry<LedgerRecord> {
  const offline = ctx.remote?.offline ? { offline: true as const } : {};
  const log = ctx.store.ledgerLog(sprint.id);
  for (let i = 1; ; i++) {
    const top = log.top();
    if ((top?.seq ?? 0) >= MAX_LEDGER_ENTRIES) {
      throw invalid(
        'E_BAD_AMOUNT',
        `the sprint's ledger is full (${MAX_LEDGER_ENTRIES} entries): record spending per step of work, not per call; a new sprint starts a new ledger`,
      );
    }
    const now = ctx.clock();
    const op: LedgerOp = { ...decide(top?.record.state, now), agent, host: ctx.host, at: new Date(now).toISOString() };
    const state = applyLedger(top?.record.state, op);
    try {
      // As for a phase's entry, the creator file tells an entry left by a killed process from one still being published.
      const entry = log.append(
        top?.seq ?? 0,
        { v: 1, id: randomHex(8), ...op, state, ...offline },
        ctx.remote ? creatorPayload(ctx.host) : {},
      );
      // As in transition.ts: with a remote, the entry we built on may have been moved aside and replaced.
      if (ctx.remote && top && !stillThere(log, top.record)) {
        log.retract(entry.seq, entry.record.id);
        continue;
      }
      return entry;
    } catch (e) {
      if (!isCode(e, 'E_LOST_RACE') || i > RETRY_BOUNDS.TRANSITION_TRIES) throw e;
    }
  }
}

function stillThere(log: SeqLog<LedgerRecord>, r: LedgerRecord): boolean {
  try {
    return log.read(r.seq).record.id === r.id;
  } catch {
    return false;
  }
}

/** What in the ledger halts the sprint now, each with when it began. */
export function ledgerHaltsSince(ctx: Pick<Ctx, 'store'>, sprint: SprintFile, rules: LedgerRules): (LedgerHalt & { since: string })[] {
  const log = ctx.store.ledgerLog(sprint.id);
  const top = log.top();
  if (!top) return [];
  return ledgerHalts(top.record.state, rules).map((h) => (h.gate === 'attempts' ? h : { ...h, since: budgetSince(log, top, rules) }));
}

/** When the budget halt began: the oldest entry of the run of entries, ending at the top, whose state is halted. */
function budgetSince(log: SeqLog<LedgerRecord>, top: Entry<LedgerRecord>, rules: LedgerRules): string {
  let since = top.record.at;
  // Bounded: a run longer than this is reported from its most recent part.
  for (let seq = top.seq - 1; seq >= 1 && seq > top.seq - 1000; seq--) {
    const r = log.read(seq).record;
    if (!ledgerHalts(r.state, rules).some((h) => h.gate === 'budget')) break;
    since = r.at;
  }
  return since;
}

/** The budget and attempts warnings of the active sprint; never fails (a warning is no reason to fail a command). */
export async function warnings(opts: CommonOptions = {}): Promise<Warning[]> {
  try {
    const ctx = openContext(opts);
    const sprint = activeSprintOrNone(ctx);
    const state = sprint && ledgerState(ctx, sprint);
    return state ? ledgerWarnings(state, ledgerRules(ctx)) : [];
  } catch {
    return [];
  }
}
