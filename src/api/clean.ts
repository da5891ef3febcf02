/**
 * clean: delete archived sprints older than N days; trim the local head log
 * and rotate the audit log;
 * with `remote`, delete the coordination remote's refs of archived sprints
 * too (by compare-and-swap: api/retention.ts, remote/retention.ts).
 */
import { invalid, isConductorError } from '../core/errors.js';
import type { PruneResult } from '../remote/retention.js';
import { rotateAudit } from '../store/audit-log.js';
import { trimLog } from '../store/trim.js';
import { agentOf, iso, openContext, openWithRemote, type CommonOptions, type Ctx } from './context.js';
import { pruneRemoteRefs, retentionPolicy } from './retention.js';

const UNFINISHED_START_GRACE_MS = 10 * 60 * 1000;

export interface CleanOptions extends CommonOptions {
  days?: number;
  /** Also delete the coordination remote's refs of archived sprints: older than `days` when given, else by the project's retention. */
  remote?: boolean;
}

export interface CleanResult {
  removed: string[];
  kept: number;
  /** With `remote`: what was deleted on the remote. */
  remote?: PruneResult;
  /** Old entries of the local head log removed (the newest HEAD_LOG_KEEP stay). */
  head_entries_trimmed?: number;
  /** The audit log was over its size and rotated. */
  audit_rotated?: boolean;
}

export async function clean(opts: CleanOptions = {}): Promise<CleanResult> {
  const days = opts.days ?? 7;
  if (!Number.isFinite(days) || days < 0) throw invalid('E_BAD_DAYS', `invalid --days ${opts.days}: use a number of days, 0 or more`);
  if (opts.remote && opts.offline)
    throw invalid('E_USAGE', `clean --remote deletes refs on the coordination remote and cannot run --offline: drop one of them`);
  const ctx: Ctx = opts.remote ? await openWithRemote(opts, 'fetch') : openContext(opts);
  if (opts.remote && !ctx.remote)
    throw invalid('E_USAGE', `clean --remote: no coordination remote is configured here; run 'git conductor init' first`);
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
  const policy = opts.days !== undefined ? { keepDays: days } : retentionPolicy(ctx);
  const remote = opts.remote ? await pruneRemoteRefs(ctx, policy, Infinity) : undefined;
  const head_entries_trimmed = trimLog(ctx.store.headLog());
  const audit_rotated = rotateAudit({ live: ctx.store.layout.audit, rotated: ctx.store.layout.auditRotated });
  const remoteNote = remote
    ? `; deleted ${remote.deleted} remote ref(s) of ${remote.sprints.length} sprint(s)${remote.kept.length ? `, left ${remote.kept.length} that moved` : ''}`
    : '';
  ctx.store.audit({
    at: iso(ctx.now),
    event: 'clean',
    agent,
    host: ctx.host,
    detail: `removed ${removed.length} archived sprint(s) older than ${days} day(s)${remoteNote}`,
  });
  return {
    removed,
    kept,
    ...(head_entries_trimmed && { head_entries_trimmed }),
    ...(remote && { remote }),
    ...(audit_rotated && { audit_rotated }),
  };
}
