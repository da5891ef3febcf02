/** resume: the one thing this agent should do next (see core/next-action.ts for the decision). */
import { nextAction, type NextAction } from '../core/next-action.js';
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
  const action = nextAction(sprint, ctx.store.tops(sprint), agent, Date.now(), rulesOf(ctx));
  return { ...action, sprint_id: sprint.id, agent, as_of: ctx.remote?.asOf() };
}
