/**
 * reopen: a done phase becomes ready again, by one appended entry per phase
 * (nothing is deleted: the done entry and its artifact stay below it).
 *
 * With --cascade, the done phases depending on it are reopened first, leaves
 * first, each by its own transition (one log each: there is no transaction
 * across logs). Every state in between is one where no done phase depends on
 * a phase that is not, so a command cut short leaves a consistent sprint, and
 * running it again finishes the job (phases already reopened are skipped).
 */
import { isConductorError, isRefusal } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { decideReopen, reopenDetail, reopenPlan, validateReason } from '../core/halts.js';
import { isDone } from '../core/phase-state.js';
import type { SprintFile } from '../core/schemas.js';
import { ConductorError } from '../core/errors.js';
import { activeSprint, agentOf, iso, openWithRemote, type CommonOptions, type Ctx } from './context.js';
import { appendPhase } from './transition.js';

export interface ReopenOptions extends CommonOptions {
  phase: string;
  /** Why, in one line: recorded with your name in the phase's log and the audit log. */
  reason: string;
  /** Also reopen the done phases that depend on it. */
  cascade?: boolean;
}

export interface Reopened {
  phase: string;
  seq: number;
  at: string;
  /** Who had completed it, and when. */
  previous?: { agent: string; host: string; at: string };
  cascade_from?: string;
}

export interface ReopenResult {
  sprint_id: string;
  phase: string;
  reason: string;
  by: string;
  /** Every phase reopened, in the order it was (dependants first). */
  reopened: Reopened[];
}

/** A cascade member someone else reopened meanwhile: nothing to do for it. */
class AlreadyOpen extends Error {}

export async function reopen(opts: ReopenOptions): Promise<ReopenResult> {
  const ctx = await openWithRemote(opts, 'view');
  const phase = validatePhaseName(opts.phase);
  const why = validateReason(opts.reason, 'reopen');
  const agent = agentOf(ctx, opts.agent).id;
  const sprint = activeSprint(ctx);
  const plan = planOnFreshView(ctx, sprint, phase, !!opts.cascade);
  const reopened: Reopened[] = [];
  for (const p of plan) {
    try {
      const { entry } = appendPhase(ctx, sprint, p, (tops, now) => {
        if (p !== phase && !isDone(tops.get(p))) throw new AlreadyOpen();
        return { record: decideReopen(sprint, p, phase, tops, now, { agent, host: ctx.host, at: iso(now) }, why) };
      });
      const r = entry.record;
      reopened.push({ phase: p, seq: r.seq, at: r.at, previous: r.previous, ...(r.cascade_from ? { cascade_from: r.cascade_from } : {}) });
      ctx.store.audit({
        at: r.at,
        event: 'reopen',
        sprint_id: sprint.id,
        phase: p,
        agent,
        host: ctx.host,
        detail: reopenDetail(r),
      });
    } catch (e) {
      if (e instanceof AlreadyOpen) continue;
      if (!reopened.length || !isConductorError(e)) throw e;
      throw new ConductorError(
        e.code,
        e.exitCode,
        `reopened ${reopened.map((x) => x.phase).join(', ')}, then stopped at "${p}": ${e.message}; run the same reopen again to finish`,
        { ...e.data, reopened },
      );
    }
  }
  return { sprint_id: sprint.id, phase, reason: why, by: agent, reopened };
}

/** The plan, on a fresh view of the remote when the local one refuses (a teammate's completion may not be fetched yet). */
function planOnFreshView(ctx: Ctx, sprint: SprintFile, phase: string, cascade: boolean): string[] {
  try {
    return reopenPlan(sprint, phase, ctx.store.tops(sprint), ctx.clock(), cascade);
  } catch (e) {
    if (!ctx.remote || ctx.remote.offline || ctx.remote.fetched || !isRefusal(e)) throw e;
    ctx.remote.refresh();
    return reopenPlan(sprint, phase, ctx.store.tops(sprint), ctx.clock(), cascade);
  }
}
