/**
 * sync: fetch, import (the remote's earlier entries win), publish what is
 * still local only. Rollbacks are audited once, by the import that made them
 * (remote/import.ts), with their sprint; sync only reports them.
 */
import { invalid, unavailable } from '../core/errors.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import { headDivergedMessage, type RolledBack } from '../remote/import.js';
import { openContext, withRemote, type CommonOptions } from './context.js';

export interface SyncResult {
  remote: string;
  sprint_id?: string;
  /** Phases (and `head` for a sprint start) whose local entries are now on the remote. */
  published: string[];
  /** Your unpublished entries that lost to the remote's earlier ones and were rolled back. */
  rolled_back: RolledBack[];
  problems: string[];
  as_of?: string;
}

export async function sync(opts: CommonOptions = {}): Promise<SyncResult> {
  const local = openContext(opts);
  if (!local.store.readConfig().remote) throw invalid('E_NO_REMOTE', `no coordination remote configured: run 'git conductor init [--remote NAME]' first`);
  const ctx = await withRemote(local, { fetch: true });
  const link = ctx.remote!;
  const published: string[] = [];
  // A clone whose own sprint diverged from the remote's has nothing it may publish (see below).
  for (let round = 0; round < RETRY_BOUNDS.SYNC_ROUNDS && !link.headDiverged; round++) {
    let lost = link.publishHead() !== 'won';
    const id = ctx.store.activeSprintId();
    if (id) {
      const sprint = ctx.store.readSprint(id);
      for (const phase of [...link.unpublished]) {
        if (link.diverged.has(phase)) continue;
        if (link.publishPhase(sprint, phase) === 'won') published.push(phase);
        else lost = true;
      }
    }
    if (!lost) break;
    link.refresh();
  }
  const id = ctx.store.activeSprintId();
  const s = link.summary();
  if (s.head_diverged) throw unavailable('E_DIVERGED', headDivergedMessage(s.head_diverged.local, s.head_diverged.remote), { ...s.head_diverged });
  const result: SyncResult = { remote: s.name, sprint_id: id, published: [...new Set(published)], rolled_back: s.rolled_back, problems: s.problems, as_of: s.as_of };
  if (result.rolled_back.length) {
    const lines = result.rolled_back.map((r) => `${r.kind} of ${r.phase ?? 'the sprint'} by ${r.agent}@${r.host} (${r.at}) lost to ${r.winner ? `${r.winner.kind} by ${r.winner.agent}@${r.winner.host} since ${r.winner.at}` : 'the remote'}`);
    throw unavailable('E_SYNC_CONFLICT', `sync rolled back ${lines.length} unpublished change(s), the remote's earlier ones win: ${lines.join('; ')}`, { ...result });
  }
  return result;
}
