/**
 * The team's history: this clone's audit log merged with the entries of the
 * phase and head refs fetched from the coordination remote. Pure.
 *
 * A change made here is in both (its audit line and its published entry), so
 * entries are matched on what they are (the same group of event, sprint,
 * phase, agent and time) and kept once. Ref entries carry the record's own
 * time and host, so a teammate's claim shows with their machine.
 */
import { overrideDetail, reopenDetail } from './halts.js';
import type { AuditEntry, HeadRecord, PhaseRecord } from './schemas.js';

export interface HistoryEntry {
  at: string;
  event: string;
  sprint_id?: string;
  phase?: string;
  agent?: string;
  host?: string;
  detail?: string;
  /** here: only in this clone's audit log; remote: only in the fetched refs; both: in each. */
  origin: 'here' | 'remote' | 'both';
}

const RELEASE_EVENT: Record<string, string> = { abort: 'abort', unstuck: 'unstuck', force: 'abort', rollback: 'rollback' };

/** The audit event a phase log entry stands for. Kinds this version does not know keep their own name. */
export function recordEvent(sprintId: string, phase: string, r: PhaseRecord): HistoryEntry {
  const base = { at: r.at, sprint_id: sprintId, phase, agent: r.agent, host: r.host, origin: 'remote' as const };
  const from = r.previous ? `${r.previous.agent}@${r.previous.host}` : undefined;
  if (r.kind === 'claim') {
    const event = r.reason === 'renew' ? 'renew' : r.reason === 'takeover' ? 'takeover' : 'claim';
    return { ...base, event, detail: event === 'takeover' && from ? `from ${from}` : undefined };
  }
  if (r.kind === 'release') {
    const event = RELEASE_EVENT[r.reason ?? ''] ?? 'abort';
    return { ...base, event, detail: from ? `released ${from}${r.reason === 'force' ? ' (forced)' : ''}` : undefined };
  }
  if (r.kind === 'done') {
    return {
      ...base,
      event: 'complete',
      detail: r.artifact ? `artifact ${r.artifact.source} sha256:${r.artifact.sha256.slice(0, 12)}` : undefined,
    };
  }
  if (r.kind === 'reopen') return { ...base, event: 'reopen', detail: reopenDetail(r) };
  if (r.kind === 'override') return { ...base, event: 'override', detail: overrideDetail(r) };
  return { ...base, event: String(r.kind) };
}

export const headEvent = (r: HeadRecord): HistoryEntry => ({
  at: r.at,
  event: 'start',
  sprint_id: r.sprint_id,
  agent: r.agent,
  host: r.host,
  origin: 'remote',
});

const GROUP: Record<string, string> = {
  claim: 'claim',
  renew: 'claim',
  takeover: 'claim',
  abort: 'release',
  unstuck: 'release',
  rollback: 'release',
  complete: 'done',
};
const keyOf = (e: { event: string; sprint_id?: string; phase?: string; agent?: string; at: string }) =>
  [GROUP[e.event] ?? e.event, e.sprint_id ?? '', e.phase ?? '', e.agent ?? '', e.at].join('|');

/** Local and remote entries, each once, oldest first (ties: local order, then remote order). */
export function mergeHistory(local: readonly AuditEntry[], remote: readonly HistoryEntry[]): HistoryEntry[] {
  const out: HistoryEntry[] = local.map((e) => ({ ...e, origin: 'here' as const }));
  const byKey = new Map<string, HistoryEntry>();
  for (const e of out) if (!byKey.has(keyOf(e))) byKey.set(keyOf(e), e);
  for (const r of remote) {
    const k = keyOf(r);
    const mine = byKey.get(k);
    if (mine) {
      if (mine.origin === 'here') mine.origin = 'both';
      continue;
    }
    byKey.set(k, r);
    out.push(r);
  }
  // A stable sort keeps the order of equal times; ISO times of one format sort as strings.
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i))
    .map((x) => x.e);
}
