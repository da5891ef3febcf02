/** clean: delete archived sprints older than N days. */
import { invalid, isConductorError } from '../core/errors.js';
import { agentOf, iso, openContext, type CommonOptions } from './context.js';

const UNFINISHED_START_GRACE_MS = 10 * 60 * 1000;

export interface CleanOptions extends CommonOptions {
  days?: number;
}

export async function clean(opts: CleanOptions = {}): Promise<{ removed: string[]; kept: number }> {
  const days = opts.days ?? 7;
  if (!Number.isFinite(days) || days < 0) throw invalid('E_BAD_DAYS', `invalid --days ${opts.days}: use a number of days, 0 or more`);
  const ctx = openContext(opts);
  const agent = agentOf(ctx, opts.agent).id;
  const active = ctx.store.activeSprintId();
  const cutoff = ctx.now - days * 86_400_000;
  const removed: string[] = [];
  let kept = 0;
  for (const id of ctx.store.sprintIds()) {
    if (id === active) {
      kept++;
      continue;
    }
    let when: number;
    try {
      // Only the head's sprint is active. One still marked active here was left
      // by a start that crashed before archiving it, or is being started right
      // now (created, head not yet moved): a start takes milliseconds, so only
      // leftovers older than that grace are ever removed.
      const s = ctx.store.readSprint(id);
      when = s.status === 'archived' ? Date.parse(s.archived_at ?? s.started_at) : Date.parse(s.started_at) + UNFINISHED_START_GRACE_MS;
    } catch (e) {
      if (!isConductorError(e)) throw e;
      when = 0; // unreadable and not active: nothing to keep it for
    }
    if (when <= cutoff) {
      ctx.store.removeSprint(id);
      removed.push(id);
    } else kept++;
  }
  ctx.store.audit({ at: iso(ctx.now), event: 'clean', agent, host: ctx.host, detail: `removed ${removed.length} archived sprint(s) older than ${days} day(s)` });
  return { removed, kept };
}
