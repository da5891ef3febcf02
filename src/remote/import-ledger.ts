/**
 * Importing the sprint's ledger (core/ledger.ts) like a phase's log, with
 * one difference: an offline entry that lost its number is applied again,
 * not rolled back (see rebaseOffline).
 */
import { isCode, isRefusal } from '../core/errors.js';
import { applyLedger, checkBudgetOverride, emptyLedger, ledgerImportRefusal } from '../core/ledger.js';
import type { LedgerRecord, SprintFile } from '../core/schemas.js';
import { creatorGone } from '../store/creator.js';
import { randomHex } from '../store/fs-atomic.js';
import { entryDir } from '../store/layout.js';
import type { ImportReport } from './import.js';
import { follows } from './import-checks.js';
import { reconcile, type Reconciled } from './reconcile.js';
import type { Chain } from './tracking.js';
import type { ImportRules, LinkCtx, RemoteView } from './view.js';

/** Reports what a reconcile did (problems, rollbacks): import.ts's one home of that. */
export type NoteLedger = (r: Reconciled<LedgerRecord>, chain: Chain<LedgerRecord> | undefined) => void;

/** The sprint's ledger, like a phase: each imported entry's state must be what its operation makes of the one below. */
export function importLedger(
  ctx: LinkCtx,
  view: RemoteView,
  ownIds: ReadonlySet<string>,
  sprint: SprintFile,
  out: ImportReport,
  rules: ImportRules,
  note: NoteLedger,
): void {
  const chain = view.ledgerChain(sprint.id);
  out.ledgerUnpublished = false;
  out.ledgerDiverged = false;
  if (!chain && view.present.has(view.names.trackingRef({ kind: 'ledger', sprint: sprint.id }))) {
    out.ledgerDiverged = true; // the ref exists but is invalid: reported in problems
    return;
  }
  let r: Reconciled<LedgerRecord>;
  try {
    const log = ctx.store.ledgerLog(sprint.id);
    r = reconcile(log, chain?.entries ?? [], {
      ownIds,
      now: ctx.clock(),
      gone: (e) => creatorGone(entryDir(log.dir, e.seq), ctx.host),
      payload: (e) => {
        follows(chain, e, (prev, rec) => ledgerImportRefusal(prev, rec, rules.ledger, rules.noOverride));
        return undefined;
      },
    });
  } catch (e) {
    if (!isCode(e, 'E_CORRUPT_STATE')) throw e;
    out.ledgerDiverged = true;
    return;
  }
  const rebased = r.stuck ? [] : rebaseOffline(ctx, sprint, r.retracted, ownIds, rules);
  out.ledgerUnpublished = r.unpublished.length > 0 || rebased.length > 0;
  out.ledgerDiverged = r.stuck;
  note({ ...r, retracted: r.retracted.filter((x) => !rebased.includes(x)) }, chain);
}

/**
 * Spending and attempts recorded offline happened whatever the remote holds:
 * unlike a claim, an offline ledger entry that lost its number to the
 * remote's is applied again on top of it (a new entry, still offline, that
 * `sync` publishes) rather than rolled back. Only another process's: the
 * process that made an entry re-decides its own (api/ledger.ts). An override
 * that no longer applies is rolled back and reported.
 */
function rebaseOffline(
  ctx: LinkCtx,
  sprint: SprintFile,
  retracted: readonly LedgerRecord[],
  ownIds: ReadonlySet<string>,
  rules: ImportRules,
): LedgerRecord[] {
  const log = ctx.store.ledgerLog(sprint.id);
  const done: LedgerRecord[] = [];
  for (const r of [...retracted].reverse()) {
    if (!r.offline || ownIds.has(r.id)) continue;
    const { v: _v, seq: _s, id: _i, state: _st, offline: _o, ...op } = r;
    const top = log.top();
    try {
      if (op.kind === 'override') checkBudgetOverride(top?.record.state ?? emptyLedger(), rules.ledger, rules.noOverride);
      log.append(top?.seq ?? 0, { v: 1, id: randomHex(8), ...op, state: applyLedger(top?.record.state, op), offline: true });
    } catch (e) {
      // A racer appended meanwhile, or the operation no longer applies: reported as rolled back.
      if (isCode(e, 'E_LOST_RACE') || isRefusal(e) || isCode(e, 'E_BAD_AMOUNT')) continue;
      throw e;
    }
    done.push(r);
  }
  return done;
}
