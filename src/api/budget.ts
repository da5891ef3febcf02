/** budget set, budget add, budget status: the sprint's token (and USD) budget, in its ledger. */
import { validatePhaseName } from '../core/graph.js';
import { budgetRatio, ledgerHalts, ledgerWarnings, parseAmount, type Warning } from '../core/ledger.js';
import { findPhase } from '../core/phase-state.js';
import { invalid } from '../core/errors.js';
import type { LedgerRecord, LedgerState, SprintFile } from '../core/schemas.js';
import { activeSprint, agentOf, ledgerRules, openWithRemote, type CommonOptions, type Ctx } from './context.js';
import { appendLedger, ledgerHaltsSince, ledgerState } from './ledger.js';

export interface BudgetStatus {
  sprint_id: string;
  /** Unset until `budget set`. */
  limit?: { tokens: number; usd?: number };
  used: { tokens: number; usd: number };
  by_phase: Record<string, { tokens: number; usd: number }>;
  /** Fraction of the limit used (the larger of tokens and USD); null without a limit. */
  ratio: number | null;
  warn_at: number;
  halt_at: number;
  /** The budget halts the sprint now (claims are refused), since when. */
  halted?: { reason: string; since: string };
  /** A human let the sprint go on past its limit (until the next `budget set`). */
  override?: LedgerState['override'];
  warnings: Warning[];
}

export interface BudgetChange extends BudgetStatus {
  /** The ledger entry this command appended. */
  entry: { seq: number; kind: LedgerRecord['kind']; at: string; agent: string };
}

export interface BudgetSetOptions extends CommonOptions {
  tokens: number | string;
  usd?: number | string;
}

export interface BudgetAddOptions extends BudgetSetOptions {
  /** The phase the tokens were spent on. */
  phase?: string;
}

/** Sets (or raises, or lowers) the limit; a standing override ends, and the change is audited. */
export async function budgetSet(opts: BudgetSetOptions): Promise<BudgetChange> {
  const tokens = required(opts.tokens, 'budget set');
  const usd = parseAmount(opts.usd, '--usd');
  return change(
    opts,
    'budget set',
    () => ({ kind: 'limit', tokens, ...(usd === undefined ? {} : { usd }) }),
    (s) => `limit set to ${tokens} tokens${usd === undefined ? '' : ` and $${usd}`} (${s.used.tokens} used)`,
  );
}

/** Records tokens (and USD) spent, by phase when given. */
export async function budgetAdd(opts: BudgetAddOptions): Promise<BudgetChange> {
  const tokens = required(opts.tokens, 'budget add');
  const usd = parseAmount(opts.usd, '--usd');
  const phase = opts.phase === undefined ? undefined : validatePhaseName(opts.phase);
  return change(
    opts,
    'budget add',
    (sprint) => {
      if (phase) findPhase(sprint, phase);
      return { kind: 'spend', tokens, ...(usd === undefined ? {} : { usd }), ...(phase ? { phase } : {}) };
    },
    undefined,
  );
}

export async function budgetStatus(opts: CommonOptions = {}): Promise<BudgetStatus> {
  const ctx = await openWithRemote(opts, 'view');
  const sprint = activeSprint(ctx);
  return statusOf(ctx, sprint, ledgerState(ctx, sprint));
}

function required(v: number | string | undefined, verb: string): number {
  const n = parseAmount(v, '--tokens');
  if (n === undefined) throw invalid('E_BAD_AMOUNT', `${verb} needs --tokens N (a whole number of tokens)`);
  return n;
}

async function change(
  opts: CommonOptions,
  verb: string,
  op: (sprint: SprintFile) => { kind: 'limit' | 'spend'; tokens: number; usd?: number; phase?: string },
  auditText: ((s: LedgerState) => string) | undefined,
): Promise<BudgetChange> {
  const ctx = await openWithRemote(opts, 'view');
  const sprint = activeSprint(ctx);
  const agent = agentOf(ctx, opts.agent).id;
  const rules = ledgerRules(ctx);
  const before = ledgerState(ctx, sprint);
  const entry = appendLedger(ctx, sprint, agent, () => op(sprint));
  const state = entry.record.state;
  // Audited: every change of the limit, and the spending that crossed a threshold.
  const crossed = (s: LedgerState | undefined, at: number) => s !== undefined && (budgetRatio(s) ?? 0) >= at;
  const detail =
    auditText?.(state) ??
    (crossed(state, rules.halt_at) && !crossed(before, rules.halt_at)
      ? 'budget exhausted: the sprint is halted'
      : crossed(state, rules.warn_at) && !crossed(before, rules.warn_at)
        ? `budget past ${Math.round(rules.warn_at * 100)}%`
        : undefined);
  if (detail)
    ctx.store.audit({ at: entry.record.at, event: 'budget', sprint_id: sprint.id, agent, host: ctx.host, detail: `${verb}: ${detail}` });
  return { ...statusOf(ctx, sprint, state), entry: { seq: entry.seq, kind: entry.record.kind, at: entry.record.at, agent } };
}

function statusOf(ctx: Ctx, sprint: SprintFile, s: LedgerState | undefined): BudgetStatus {
  const rules = ledgerRules(ctx);
  const state = s ?? { used: { tokens: 0, usd: 0 }, by_phase: {}, failures: {} };
  const halt =
    s && ledgerHalts(s, rules).some((h) => h.gate === 'budget')
      ? ledgerHaltsSince(ctx, sprint, rules).find((h) => h.gate === 'budget')
      : undefined;
  return {
    sprint_id: sprint.id,
    ...(state.limit ? { limit: state.limit } : {}),
    used: state.used,
    by_phase: state.by_phase,
    ratio: budgetRatio(state) ?? null,
    warn_at: rules.warn_at,
    halt_at: rules.halt_at,
    ...(halt ? { halted: { reason: halt.reason, since: halt.since } } : {}),
    ...(state.override ? { override: state.override } : {}),
    warnings: ledgerWarnings(state, rules),
  };
}
