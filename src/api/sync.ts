/**
 * sync: fetch, import (the remote's earlier entries win), publish what is
 * still local only. Rollbacks are audited once, by the import that made them
 * (remote/import.ts), with their sprint; sync only reports them.
 *
 * An unpublished claim is published only where a claim would be granted
 * against the remote's state now (core/hold.ts's mayHold: its class, its
 * dependencies, halts), and re-checked against the remote once published,
 * exactly as an online claim is (api/claim.ts's postCheck); otherwise it is
 * rolled back. sync exits non-zero when it leaves anything unpublished or
 * diverged.
 */
import { invalid, isCode, unavailable } from '../core/errors.js';
import { holdsLive, mayHold } from '../core/hold.js';
import { findPhase } from '../core/phase-state.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { headDivergedMessage, type RolledBack } from '../remote/import.js';
import { postCheck } from './claim.js';
import { iso, openContext, rulesOf, withRemote, type CommonOptions, type Ctx } from './context.js';
import { appendPhase, holderOf } from './transition.js';

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
  if (!local.store.readConfig().remote)
    throw invalid('E_NO_REMOTE', `no coordination remote configured: run 'git conductor init [--remote NAME]' first`);
  const ctx = await withRemote(local, { fetch: true });
  const link = ctx.remote!;
  const published: string[] = [];
  // A clone whose own sprint diverged from the remote's has nothing it may publish (see below).
  const refused: RolledBack[] = [];
  const rules = rulesOf(ctx);
  for (let round = 0; round < RETRY_BOUNDS.SYNC_ROUNDS && !link.headDiverged; round++) {
    const headBefore = link.view.tracking.head?.tip;
    let lost = link.publishHead() !== 'won';
    if (link.view.tracking.head?.tip !== headBefore) published.push('head');
    const id = ctx.store.activeSprintId();
    if (id) {
      const sprint = ctx.store.readSprint(id);
      for (const phase of [...link.unpublished]) {
        if (link.diverged.has(phase)) continue;
        const claim = unpublishedClaim(ctx, sprint, phase);
        const refusal = claim && refuseClaim(ctx, sprint, phase, claim, rules);
        if (refusal) {
          // Rolled back before anything reaches the remote: the claim and its rollback go up in one push.
          appendPhase(ctx, sprint, phase, (_t, now) => ({
            record: { kind: 'release', reason: 'rollback', agent: claim.agent, host: ctx.host, at: iso(now), previous: holderOf(claim) },
          }));
          refused.push({ phase, agent: claim.agent, host: claim.host, at: claim.at, kind: 'claim', winner: refusal });
          published.push(phase);
          continue;
        }
        if (link.publishPhase(sprint, phase) !== 'won') {
          lost = true;
          continue;
        }
        published.push(phase);
        if (!claim) continue;
        try {
          postCheck(ctx, sprint, phase, claim, rules);
        } catch (e) {
          if (!isCode(e, 'E_CONCURRENCY')) throw e;
          const rival = String(e.data.conflict);
          const h = ctx.store.tops(sprint, [findPhase(sprint, rival)]).get(rival);
          refused.push({
            phase,
            agent: claim.agent,
            host: claim.host,
            at: claim.at,
            kind: 'claim',
            winner: h ? { ...holderOf(h), kind: `claim of ${rival}` } : undefined,
          });
        }
      }
    }
    if (!lost) break;
    link.refresh();
  }
  const id = ctx.store.activeSprintId();
  const s = link.summary();
  if (s.head_diverged)
    throw unavailable('E_DIVERGED', headDivergedMessage(s.head_diverged.local, s.head_diverged.remote), { ...s.head_diverged });
  const result: SyncResult = {
    remote: s.name,
    sprint_id: id,
    published: [...new Set(published)],
    rolled_back: s.rolled_back,
    problems: s.problems,
    as_of: s.as_of,
  };
  const rolledBack = [...result.rolled_back, ...refused];
  if (rolledBack.length) {
    const lines = rolledBack.map(
      (r) =>
        `${r.kind} of ${r.phase ?? 'the sprint'} by ${r.agent}@${r.host} (${r.at}) lost to ${r.winner ? (r.winner.agent ? `${r.winner.kind} by ${r.winner.agent}@${r.winner.host} since ${r.winner.at}` : r.winner.kind) : 'the remote'}`,
    );
    throw unavailable(
      'E_SYNC_CONFLICT',
      `sync rolled back ${lines.length} unpublished change(s), the remote's earlier ones win: ${lines.join('; ')}`,
      { ...result, rolled_back: rolledBack },
    );
  }
  // Something left behind is not "synced": say what, and exit 3.
  // A diverged phase with nothing of ours on it (a teammate's bad ref) is reported in `problems`, not "left".
  const ours = (p: string) => !!id && ctx.store.phaseLog(id, p).topSeq() > 0;
  const left = [...new Set([...s.unpublished, ...s.diverged.filter(ours)])];
  if (left.length) {
    throw unavailable(
      'E_DIVERGED',
      `sync left ${left.join(', ')} not on remote ${s.name} (${s.diverged.length ? `diverged: ${s.diverged.join(', ')}; ` : ''}${s.problems.join('; ') || 'another process of this clone is still publishing'}): run 'git conductor sync' again in a moment; a phase whose local entry is damaged is repaired with 'git conductor abort <phase> --force'`,
      { ...result, unpublished: s.unpublished, diverged: s.diverged },
    );
  }
  return result;
}

/** The phase's local top when it is a live claim the remote does not have yet. */
function unpublishedClaim(ctx: Ctx, sprint: SprintFile, phase: string): PhaseRecord | undefined {
  const top = ctx.store.phaseLog(sprint.id, phase).top()?.record;
  const remote = ctx.remote!.view.phaseChain(sprint.id, phase)?.entries ?? [];
  if (top?.kind !== 'claim' || remote.some((e) => e.record.id === top.id) || !holdsLive(top, ctx.clock())) return undefined;
  return top;
}

/** Would this claim be granted against the remote's state now? The refusal's holder when not. */
function refuseClaim(
  ctx: Ctx,
  sprint: SprintFile,
  phase: string,
  claim: PhaseRecord,
  rules: ReturnType<typeof rulesOf>,
): RolledBack['winner'] | undefined {
  const tops = ctx.store.tops(sprint);
  // Judged as the remote sees this phase: without our unpublished entries on it.
  tops.set(phase, ctx.remote!.view.phaseChain(sprint.id, phase)?.entries.at(-1)?.record);
  try {
    mayHold(sprint, findPhase(sprint, phase), claim.agent, tops, ctx.clock(), 'claim', rules);
    return undefined;
  } catch (e) {
    if (!isCode(e, 'E_CONCURRENCY', 'E_DEPENDENCY', 'E_HALTED', 'E_HELD', 'E_ALREADY_DONE')) throw e;
    const conflict = typeof e.data.conflict === 'string' ? tops.get(e.data.conflict) : undefined;
    return conflict
      ? { ...holderOf(conflict), kind: `claim of ${e.data.conflict as string}` }
      : { agent: '', host: '', at: '', kind: e.message };
  }
}
