/** The sprint a command acts on: the one the head log names. */
import { unavailable } from '../core/errors.js';
import type { SprintFile } from '../core/schemas.js';
import type { Ctx } from './context.js';

export function activeSprint(ctx: Pick<Ctx, 'store'>): SprintFile {
  const id = ctx.store.activeSprintId();
  if (!id) throw unavailable('E_NO_SPRINT', `no sprint in this repository yet: start one with 'git conductor start'`);
  return ctx.store.readSprint(id);
}

/** The active sprint if there is one and it is still running (the hooks act only then). */
export function activeSprintOrNone(ctx: Pick<Ctx, 'store'>): SprintFile | undefined {
  const id = ctx.store.activeSprintId();
  const sprint = id ? ctx.store.readSprint(id) : undefined;
  return sprint?.status === 'active' ? sprint : undefined;
}

export const iso = (ms: number) => new Date(ms).toISOString();
