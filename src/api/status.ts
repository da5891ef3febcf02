/** Read-only views: status, batch, whoami (log: history.ts). */
import { concurrencyConflict, findPhase, haltOf, viewAll, type PhaseView } from '../core/phase-state.js';
import { batches, type Batch } from '../core/schedule.js';
import type { Ctx } from './context.js';
import { activeSprint, agentOf, openContext, openWithRemote, type CommonOptions } from './context.js';

export interface StatusResult {
  sprint_id: string;
  status: 'active' | 'archived';
  started_at: string;
  started_by: string;
  halted?: { phase: string; reason: string };
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
  for (const v of viewAll(sprint, tops, ctx.now)) {
    phases[v.name] =
      v.expires_at && v.state === 'running' ? { ...v, lease_left_s: Math.round((Date.parse(v.expires_at) - ctx.now) / 1000) } : v;
    // Ready by its dependencies, yet refused now: a running phase's class excludes it.
    const excluder = v.state === 'ready' ? concurrencyConflict(sprint, findPhase(sprint, v.name), tops, ctx.now) : undefined;
    if (excluder) phases[v.name]!.excluded_by = excluder.name;
    if (ctx.remote?.unpublished.has(v.name)) phases[v.name]!.unpublished = true;
  }
  return {
    sprint_id: sprint.id,
    status: sprint.status,
    started_at: sprint.started_at,
    started_by: sprint.started_by,
    halted: haltOf(sprint, tops),
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
