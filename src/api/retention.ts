/**
 * The project's retention policy (`keep_sprints`, `keep_days` in
 * `.git-conductor.json`, with documented defaults) and applying it: the
 * remote refs of sprints it lets go (remote/retention.ts, by compare-and-swap
 * deletes), and their local state. `start` applies it after archiving a
 * sprint, bounded per run, so the remote's ref count stays near
 * (phases + 2) × keep_sprints however long the team works, at the price of
 * one extra push only on a start that has something to delete.
 */
import { DEFAULT_KEEP_DAYS, DEFAULT_KEEP_SPRINTS, expired, type RetentionPolicy } from '../core/retention.js';
import { isConductorError } from '../core/errors.js';
import type { PruneResult } from '../remote/retention.js';
import { trimLog } from '../store/trim.js';
import { projectConfig, type Ctx } from './context.js';

/** Refs one opportunistic run may delete: a start stays one push plus at most this. */
export const OPPORTUNISTIC_MAX_REFS = 200;

export function retentionPolicy(ctx: Pick<Ctx, 'repo'>): Required<RetentionPolicy> {
  const p = projectConfig(ctx);
  return { keepSprints: p?.keep_sprints ?? DEFAULT_KEEP_SPRINTS, keepDays: p?.keep_days ?? DEFAULT_KEEP_DAYS };
}

/**
 * Removes the local state of sprints the policy lets go (never the active one); returns their ids. Only a sprint
 * its own file says is archived goes: ids tie within a second, so a sprint a concurrent `start` has just created
 * (and the head may name a moment later) can rank among the oldest, and only its status tells it apart.
 */
export function pruneLocal(ctx: Ctx, policy: RetentionPolicy, max = Infinity): string[] {
  const active = ctx.store.activeSprintId();
  const archived = (id: string) => {
    try {
      return ctx.store.readSprint(id).status === 'archived';
    } catch {
      return false; // being written, or unreadable: not ours to judge here
    }
  };
  const gone = expired(ctx.store.sprintIds(), new Set([active]), policy, ctx.now)
    .filter(archived)
    .slice(0, max);
  for (const id of gone) {
    try {
      ctx.store.removeSprint(id);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // removed by a concurrent clean
    }
  }
  return gone;
}

/** Deletes the remote refs of sprints the policy lets go, from the view the context fetched. */
export async function pruneRemoteRefs(ctx: Ctx, policy: RetentionPolicy, maxRefs: number): Promise<PruneResult | undefined> {
  const remote = ctx.remote;
  if (!remote || remote.offline) return undefined;
  const { pruneRemote } = await import('../remote/retention.js');
  return pruneRemote(remote.view, policy, { now: ctx.now, localActive: ctx.store.activeSprintId(), maxRefs });
}

/** After a start: the policy, applied cheaply; a failure here never fails the start (the next one retries). */
export async function retainAfterStart(ctx: Ctx): Promise<{ local: string[]; remote?: PruneResult }> {
  const policy = retentionPolicy(ctx);
  const local = pruneLocal(ctx, policy, 20);
  trimLog(ctx.store.headLog(), undefined, 20);
  try {
    return { local, remote: await pruneRemoteRefs(ctx, policy, OPPORTUNISTIC_MAX_REFS) };
  } catch (e) {
    if (isConductorError(e)) return { local };
    throw e;
  }
}
