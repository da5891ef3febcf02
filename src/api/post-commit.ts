/**
 * The post-commit hook as a library call: each `Conductor-Phase: <phase>`
 * trailer of the new commit completes that phase when the committing agent
 * holds it. When the commit adds or changes `.conductor/<phase>.json`, those
 * committed bytes are the artifact, checked exactly as `complete --artifact`
 * checks a file. The commit id goes into the done record. Anything else
 * changes nothing.
 *
 * One context serves every trailer: the remote is attached once (its last
 * fetched view), the sprint read once, and each phase completed with
 * complete's own code (completeIn) and holder rule (core checkHolder). With
 * a coordination remote that cannot be reached (or not before
 * `opts.deadline`: a hook must not hold up the commit), the phase is
 * completed offline, as `complete --offline` does: same commit id, same
 * artifact bytes, marked unpublished until `sync`.
 */
import { MAX_ARTIFACT_BYTES } from '../core/artifacts.js';
import { invalid, isCode, isConductorError, isUnreachable } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { checkHolder } from '../core/phase-state.js';
import { artifactPath, committedArtifacts, headCommit } from '../hooks/commit-facts.js';
import { artifactCheck, completed, completeIn, type CompleteResult } from './complete.js';
import { activeSprintOrNone, agentOf, openContext, withRemote, type CommonOptions, type Ctx } from './context.js';
import { proofOf } from './identity.js';
import { renewAfterCommit, type CommitRenewal } from './keep-leases.js';
import { offline } from './remote-attach.js';

export interface PhaseOutcome {
  phase: string;
  /** completed: done now; skipped: not yours to complete (or nothing to do); rejected: yours, but completing failed. */
  result: 'completed' | 'skipped' | 'rejected';
  reason?: string;
  complete?: CompleteResult;
  /** Completed locally only, because the coordination remote could not be reached in time (why); `sync` publishes it. */
  offline?: string;
}

export interface PostCommitResult extends Partial<CommitRenewal> {
  commit: string;
  outcomes: PhaseOutcome[];
}

export type PostCommitOptions = CommonOptions;

const skip = (phase: string, reason: string): PhaseOutcome => ({ phase, result: 'skipped', reason });

export async function postCommit(opts: PostCommitOptions = {}): Promise<PostCommitResult> {
  const done = await completeTrailers(opts);
  // Then the committer's other held phases are renewed when due (api/keep-leases.ts).
  return { ...done, ...(await renewAfterCommit(opts)) };
}

async function completeTrailers(opts: PostCommitOptions): Promise<PostCommitResult> {
  const local = openContext(opts);
  const top = local.repo.top;
  if (!top) throw invalid('E_NO_WORK_TREE', 'post-commit needs a work tree');
  const head = headCommit(top);
  if (!head.phases.length) return { commit: head.commit, outcomes: [] };
  const noSprint = () => ({ commit: head.commit, outcomes: head.phases.map((p) => skip(p, 'no active sprint')) });
  // Without a sprint here there is nothing to complete: no remote is looked at, so such a commit never waits.
  if (!local.store.activeSprintId()) return noSprint();
  const ctx = await withRemote(local, { offline: opts.offline });
  const sprint = activeSprintOrNone(ctx);
  if (!sprint) return noSprint();
  const agent = agentOf(ctx, opts.agent).id;
  const tops = ctx.store.tops(sprint);
  const outcomes: PhaseOutcome[] = [];
  const mine: string[] = [];
  for (const raw of [...new Set(head.phases)]) {
    let phase: string;
    try {
      phase = validatePhaseName(raw, `${raw} in the Conductor-Phase trailer`);
    } catch {
      outcomes.push(skip(raw.slice(0, 64), 'not a phase name'));
      continue;
    }
    if (!sprint.phases.some((p) => p.name === phase)) {
      outcomes.push(skip(phase, `no such phase in sprint ${sprint.id}`));
      continue;
    }
    const c = checkHolder(sprint, phase, agent, tops, proofOf(ctx.identity));
    if (c.ok) mine.push(phase);
    else if (c.refusal === 'done') outcomes.push(skip(phase, `already done by ${c.top.agent}@${c.top.host}`));
    else if (c.refusal === 'unclaimed') outcomes.push(skip(phase, `nobody holds it (claim it first: git conductor claim ${phase})`));
    else if (c.refusal === 'other-session')
      outcomes.push(skip(phase, `held by ${c.top.agent}@${c.top.host} from another agent session using the same id`));
    else outcomes.push(skip(phase, `held by ${c.top.agent}@${c.top.host}, not by ${agent}`));
  }
  const artifacts = committedArtifacts(top, head, mine.map(artifactPath), MAX_ARTIFACT_BYTES);
  for (const phase of mine) {
    const art = artifacts.get(artifactPath(phase));
    try {
      if (art && 'problem' in art) throw invalid('E_BAD_ARTIFACT', `artifact ${art.path} ${art.problem}`);
      const artifactBytes = art ? { bytes: art.bytes, source: art.path } : undefined;
      const check = await artifactCheck(ctx, { phase, artifactBytes });
      outcomes.push(completeOrKeep(ctx, sprint, { agent, phase, commit: head.commit, artifactBytes, check }));
    } catch (e) {
      if (!isConductorError(e)) throw e;
      outcomes.push({ phase, result: 'rejected', reason: e.message });
    }
  }
  return { commit: head.commit, outcomes };
}

function completeOrKeep(
  ctx: Ctx,
  sprint: NonNullable<ReturnType<typeof activeSprintOrNone>>,
  o: Parameters<typeof completeIn>[2],
): PhaseOutcome {
  try {
    return { phase: o.phase, result: 'completed', complete: completeIn(ctx, sprint, o) };
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    const why = e.message;
    // The push may have landed: the completion is kept as it is (not done again), and `sync` settles it.
    if (isCode(e, 'E_OUTCOME_UNKNOWN')) {
      const kept = ctx.store.phaseLog(sprint.id, o.phase).top();
      if (kept?.record.kind === 'done' && kept.record.commit === o.commit)
        return { phase: o.phase, result: 'completed', complete: completed(ctx, sprint, o.phase, kept), offline: why };
      return { phase: o.phase, result: 'rejected', reason: why };
    }
    // completeIn left nothing half-done; the offline entry is published by the next `sync`.
    return { phase: o.phase, result: 'completed', complete: completeIn(offline(ctx), sprint, o), offline: why };
  }
}
