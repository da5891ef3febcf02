/** Read-only views: status, batch, whoami (log: history.ts). */
import { overriddenHalts, type OverriddenHalt } from '../core/halts.js';
import { budgetRatio, ledgerWarnings, type Warning } from '../core/ledger.js';
import { concurrencyConflict, findPhase, viewAll, type PhaseView } from '../core/phase-state.js';
import { batches, type Batch } from '../core/schedule.js';
import type { Ctx } from './context.js';
import { activeSprint, agentOf, ledgerRules, openContext, openWithRemote, rulesOf, type CommonOptions } from './context.js';
import { sprintHalts, type HaltInfo } from './halts.js';
import { ledgerState } from './ledger.js';

export interface StatusResult {
  sprint_id: string;
  status: 'active' | 'archived';
  started_at: string;
  started_by: string;
  /** The first of `halts` (phase, when a phase's artifact halted the sprint). */
  halted?: { gate: HaltInfo['gate']; phase?: string; key?: string; reason: string; since: string };
  /** Every halt standing: which gate and rule, since when, whose artifact, and the commands that clear it. */
  halts: HaltInfo[];
  /** Halts a human overrode: who, when, why. */
  overridden: OverriddenHalt[];
  /** The ledger: budget used against its limit, and keys with consecutive failures. */
  budget?: { limit?: { tokens: number; usd?: number }; used: { tokens: number; usd: number }; ratio: number | null; overridden?: boolean };
  attempts: { key: string; count: number; since: string }[];
  /** The budget past its warning threshold, a key one failure from the breaker. */
  warnings: Warning[];
  /** In topological-declaration order. */
  phases: Record<string, PhaseView & { lease_left_s?: number; unpublished?: boolean; excluded_by?: string }>;
  /** With a coordination remote: which, how fresh the view is, what is not published yet. */
  remote?: RemoteSummary;
}

export type RemoteSummary = ReturnType<NonNullable<Ctx['remote']>['summary']>;

export interface StatusOptions extends CommonOptions {
  /** Fetch the coordination remote first. */
  fetch?: boolean;
}

export async function status(opts: StatusOptions = {}): Promise<StatusResult> {
  const ctx = await openWithRemote(opts, opts.fetch ? 'fetch' : 'view');
  const sprint = activeSprint(ctx);
  const tops = ctx.store.tops(sprint);
  const phases: StatusResult['phases'] = {};
  // The project's lease rules (grace, lease_ttl_max), as claims judge leases: a lease shown live is one a claim would respect.
  for (const v of viewAll(sprint, tops, ctx.now, rulesOf(ctx))) {
    phases[v.name] =
      v.expires_at && v.state === 'running' ? { ...v, lease_left_s: Math.round((Date.parse(v.expires_at) - ctx.now) / 1000) } : v;
    // Ready by its dependencies, yet refused now: a running phase's class excludes it.
    const excluder = v.state === 'ready' ? concurrencyConflict(sprint, findPhase(sprint, v.name), tops, ctx.now) : undefined;
    if (excluder) phases[v.name]!.excluded_by = excluder.name;
    if (ctx.remote?.unpublished.has(v.name)) phases[v.name]!.unpublished = true;
  }
  const rules = ledgerRules(ctx);
  const halts = sprintHalts(ctx, sprint, tops, rules);
  const h = halts[0];
  const halted = h && {
    gate: h.gate,
    ...(h.phase ? { phase: h.phase } : {}),
    ...(h.key ? { key: h.key } : {}),
    reason: h.rule,
    since: h.since,
  };
  const ledger = ledgerState(ctx, sprint);
  const budget =
    ledger && (ledger.limit || ledger.used.tokens || ledger.used.usd)
      ? {
          ...(ledger.limit ? { limit: ledger.limit } : {}),
          used: ledger.used,
          ratio: budgetRatio(ledger) ?? null,
          ...(ledger.override ? { overridden: true } : {}),
        }
      : undefined;
  const attempts = Object.entries(ledger?.failures ?? {}).map(([key, f]) => ({ key, count: f.count, since: f.since }));
  return {
    sprint_id: sprint.id,
    status: sprint.status,
    started_at: sprint.started_at,
    started_by: sprint.started_by,
    halted,
    halts,
    overridden: overriddenHalts(sprint, tops),
    budget,
    attempts,
    warnings: ledger ? ledgerWarnings(ledger, rules) : [],
    phases,
    remote: ctx.remote?.summary(),
  };
}

export async function batch(opts: CommonOptions = {}): Promise<{ sprint_id: string; batches: Batch[] }> {
  const ctx = await openWithRemote(opts, 'view');
  const sprint = activeSprint(ctx);
  return { sprint_id: sprint.id, batches: batches(sprint.phases) };
}

export async function whoami(
  opts: CommonOptions = {},
): Promise<{ agent: string; source: string; host: string; stable: boolean; bind?: string }> {
  const ctx = openContext(opts);
  const a = agentOf(ctx, opts.agent);
  return { agent: a.id, source: a.source, host: ctx.host, stable: a.stable, ...(a.bind ? { bind: a.bind } : {}) };
}
