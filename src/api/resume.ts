/** resume: the one thing this agent should do next (see core/next-action.ts for the decision). */
import { nextAction, type NextAction } from '../core/next-action.js';
import { sprintHalts } from './halts.js';
import { activeSprint, agentOf, openContext, rulesOf, withRemote, type CommonOptions } from './context.js';

export interface ResumeOptions extends CommonOptions {
  /** With a coordination remote: fetch it first. */
  fetch?: boolean;
}

export type ResumeResult = NextAction & {
  sprint_id: string;
  agent: string;
  /** With a coordination remote: the time of the view the decision was made on. */
  as_of?: string;
};

export async function resume(opts: ResumeOptions = {}): Promise<ResumeResult> {
  const ctx = await withRemote(openContext(opts), opts);
  const agent = agentOf(ctx, opts.agent).id;
  const sprint = activeSprint(ctx);
  const tops = ctx.store.tops(sprint);
  // Every gate's halt (the budget and the circuit breaker too): a claim would be refused by any of them.
  const action = nextAction(sprint, tops, agent, Date.now(), rulesOf(ctx), sprintHalts(ctx, sprint, tops));
  return { ...action, sprint_id: sprint.id, agent, as_of: ctx.remote?.asOf() };
}
