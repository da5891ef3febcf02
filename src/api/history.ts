/**
 * log: the team's history. This clone's audit log merged with the entries of
 * every fetched phase and head ref (anyone's claims, renewals, takeovers,
 * completions, releases, on any machine), each once, oldest first; `local`
 * keeps the audit log alone, as it was before coordination remotes.
 */
import { invalid } from '../core/errors.js';
import { headEvent, mergeHistory, recordEvent, type HistoryEntry } from '../core/history.js';
import type { AuditEntry } from '../core/schemas.js';
import { readAuditTail } from '../store/audit-log.js';
import { openContext, withRemote, type CommonOptions } from './context.js';
import { checkSprintId } from './sprint-read.js';

export interface LogOptions extends CommonOptions {
  /** Only this sprint's events; default: all. */
  sprint?: string;
  /** Only this clone's audit log, without the fetched refs. */
  local?: boolean;
  /** With a coordination remote: fetch it first. */
  fetch?: boolean;
  /** The newest N events (0: all); default DEFAULT_LOG_LIMIT. */
  limit?: number;
}

/** A screenful. */
export const DEFAULT_LOG_LIMIT = 50;

export interface LogResult {
  entries: (AuditEntry | HistoryEntry)[];
  skipped_invalid_lines: number;
  /** Older events exist that the limit left out. */
  more: boolean;
  /** With a coordination remote (and not `local`): the time of the view read, and refs that could not be read. */
  as_of?: string;
  problems?: string[];
}

export async function log(opts: LogOptions = {}): Promise<LogResult> {
  const sprint = opts.sprint === undefined ? undefined : checkSprintId(opts.sprint);
  const limit = opts.limit ?? DEFAULT_LOG_LIMIT;
  if (!Number.isInteger(limit) || limit < 0)
    throw invalid('E_USAGE', `invalid --limit ${opts.limit}: use a whole number of events, or 0 for all`);
  const ctx = opts.local ? openContext(opts) : await withRemote(openContext(opts), opts);
  // Read from the end, stopping at the limit; a sprint filter skips other lines unparsed (store/audit-log.ts).
  const { layout } = ctx.store;
  const tail = readAuditTail({ live: layout.audit, rotated: layout.auditRotated }, { limit, sprint });
  const mine = tail.entries;
  const bad = tail.bad;
  const newest = <T>(xs: T[]) => (limit && xs.length > limit ? xs.slice(-limit) : xs);
  if (opts.local || !ctx.remote) {
    if (sprint && !mine.length) unknownSprint(sprint, ctx.store.sprintIds(), mine);
    return { entries: mine, skipped_invalid_lines: bad, more: tail.more };
  }
  const { fetchedChains } = await import('../remote/fetched-chains.js');
  const chains = fetchedChains(ctx, ctx.remote.names, (k) => k.kind === 'head' || !sprint || k.sprint === sprint);
  const remote: HistoryEntry[] = (chains.head?.entries ?? [])
    .map((e) => headEvent(e.record))
    .filter((e) => !sprint || e.sprint_id === sprint);
  for (const [sprintId, phases] of chains.phases) {
    for (const [phase, chain] of phases) for (const e of chain.entries) remote.push(recordEvent(sprintId, phase, e.record));
  }
  if (sprint && !mine.length && !remote.length && !chains.phases.has(sprint)) unknownSprint(sprint, ctx.store.sprintIds(), mine);
  // The newest `limit` of the merge are among the newest `limit` of each side.
  const merged = mergeHistory(mine, remote);
  return {
    entries: newest(merged),
    skipped_invalid_lines: bad,
    more: tail.more || merged.length > newest(merged).length,
    as_of: ctx.remote.asOf(),
    problems: chains.problems.map((p) => `${p.ref} ${p.problem}`),
  };
}

/** A sprint removed by `clean` keeps its audit entries: unknown means neither a sprint directory, an entry nor a fetched ref names it. */
function unknownSprint(sprint: string, ids: string[], entries: AuditEntry[]): void {
  if (ids.includes(sprint)) return;
  const known = [...new Set([...ids, ...entries.map((e) => e.sprint_id).filter((s): s is string => !!s)])].sort().slice(-5);
  throw invalid(
    'E_UNKNOWN_SPRINT',
    `unknown sprint ${JSON.stringify(sprint.slice(0, 100))}: ${known.length ? `the latest are ${known.join(', ')}` : 'this repository has none yet'} (all events: 'git conductor log')`,
    { sprint },
  );
}
