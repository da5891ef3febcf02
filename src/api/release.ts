/** abort and unstuck: giving phases back. */
import { existsSync } from 'node:fs';
import { corrupt, isCode, unavailable } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { blocksOthers, isDone } from '../core/hold.js';
import { findPhase, requireHolder, type Tops } from '../core/phase-state.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { creatorPayload } from '../store/creator.js';
import { randomHex } from '../store/fs-atomic.js';
import { ARTIFACT_FILE, child, entryDir, RECORD_FILE } from '../store/layout.js';
import { activeSprint, agentOf, iso, openWithRemote, rulesOf, type CommonOptions, type Ctx } from './context.js';
import { withDisplacement } from './displaced.js';
import { proofOf } from './identity.js';
import { appendPhase, holderOf } from './transition.js';
import { withWarnings, type Warned } from './warnings.js';

export interface ReleaseOptions extends CommonOptions {
  phase: string;
  /** abort: release another agent's claim. unstuck: release a live lease. */
  force?: boolean;
  /** Release only a claim held by this agent (what the caller saw in status). */
  holder?: string;
}

export interface ReleaseResult extends Warned {
  sprint_id: string;
  phase: string;
  released: { agent: string; host: string; at: string };
  by: string;
  forced: boolean;
}

/** Releases a claim. Only the holder, unless `force`. */
export async function abort(opts: ReleaseOptions): Promise<ReleaseResult> {
  return release(opts, 'abort', (top, agent, tops, sprintPhase) => {
    if (!opts.force) requireHolder(sprintPhase.sprint, sprintPhase.phase, agent, tops, 'abort', proofOf(sprintPhase.ctx.identity));
    else if (top?.kind !== 'claim') throw notClaimed(sprintPhase.phase, top);
    return opts.force && top?.agent !== agent ? 'force' : 'abort';
  });
}

/** Releases a claim whose lease has expired; a live one only with `force`. */
export async function unstuck(opts: ReleaseOptions): Promise<ReleaseResult> {
  return release(opts, 'unstuck', (top, _agent, _tops, { phase, ctx, now }) => {
    if (top?.kind !== 'claim') throw notClaimed(phase, top);
    // Held as everyone else sees it: until the lease's end plus its grace (core/hold.ts).
    const live = blocksOthers(top, now, rulesOf(ctx));
    if (live && !opts.force) {
      throw unavailable(
        'E_LEASE_LIVE',
        `phase "${phase}" is held by ${top.agent}@${top.host} with a live lease until ${top.expires_at}: ask them to abort, wait, or pass --force`,
        { holder: holderOf(top) },
      );
    }
    return live ? 'force' : 'unstuck';
  });
}

const notClaimed = (phase: string, top: PhaseRecord | undefined) =>
  isDone(top)
    ? unavailable(
        'E_ALREADY_DONE',
        `phase "${phase}" is already done: nothing to release; to redo it, use 'git conductor reopen ${phase} --reason "..."'`,
      )
    : unavailable('E_NOT_CLAIMED', `phase "${phase}" is not claimed by anyone: nothing to release`);

type Check = (
  top: PhaseRecord | undefined,
  agent: string,
  tops: Tops,
  where: { sprint: ReturnType<typeof activeSprint>; phase: string; ctx: Ctx; now: number },
) => 'abort' | 'unstuck' | 'force';

async function release(opts: ReleaseOptions, event: 'abort' | 'unstuck', allow: Check): Promise<ReleaseResult> {
  const ctx = await openWithRemote(opts, 'view');
  const phase = validatePhaseName(opts.phase);
  const agent = agentOf(ctx, opts.agent).id;
  const sprint = activeSprint(ctx);
  findPhase(sprint, phase);
  if (opts.force) {
    const repaired = releaseCorrupt(ctx, sprint, phase, agent);
    if (repaired) return repaired;
  }
  // The claim this release is about: the one read first. A forced release
  // never releases a claim made while it ran (a takeover, a new claim after
  // a release), however many times the append below decides again.
  const expected = ctx.store.tops(sprint, [{ name: phase }]).get(phase);
  if (opts.holder !== undefined && expected?.kind === 'claim' && expected.agent !== opts.holder) {
    throw unavailable(
      'E_NOT_HOLDER',
      `phase "${phase}" is held by ${expected.agent}@${expected.host}, not ${opts.holder}: nothing released; look again with 'git conductor status'`,
      { holder: holderOf(expected) },
    );
  }
  let released!: PhaseRecord;
  let reason!: 'abort' | 'unstuck' | 'force';
  let appended;
  try {
    appended = appendPhase(ctx, sprint, phase, (tops, now) => {
      const top = tops.get(phase);
      if ((opts.force || opts.holder !== undefined) && top?.id !== expected?.id) {
        const who = top ? `${top.agent}@${top.host} (${top.kind})` : 'nobody';
        throw unavailable(
          'E_LOST_RACE',
          `phase "${phase}" changed while it was being released: it is now ${who}, not the claim read first; nothing released. Look again with 'git conductor status' and run the command again if that one should go too`,
          { holder: top && holderOf(top) },
        );
      }
      reason = allow(top, agent, tops, { sprint, phase, ctx, now });
      released = top!;
      return { record: { kind: 'release', reason, agent, host: ctx.host, at: iso(now), previous: holderOf(top!) } };
    });
  } catch (e) {
    throw withDisplacement(ctx, sprint, phase, agent, e);
  }
  const { entry } = appended;
  ctx.store.audit({
    at: entry.record.at,
    event,
    sprint_id: sprint.id,
    phase,
    agent,
    host: ctx.host,
    detail: `released ${released.agent}@${released.host}${reason === 'force' ? ' (forced)' : ''}`,
  });
  return withWarnings(ctx, { sprint_id: sprint.id, phase, released: holderOf(released), by: agent, forced: reason === 'force' });
}

/**
 * The repair path named in corrupt-state errors: a forced release appends a
 * fresh entry over an unreadable newest entry (the bad file stays, for the record),
 * and publishes it with a coordination remote.
 */
function releaseCorrupt(ctx: Ctx, sprint: SprintFile, phase: string, agent: string): ReleaseResult | undefined {
  const sprintId = sprint.id;
  const log = ctx.store.phaseLog(sprintId, phase);
  try {
    log.top();
    return undefined;
  } catch (e) {
    if (!isCode(e, 'E_CORRUPT_STATE')) throw e;
  }
  // A release over a completion would undo finished work. A stored artifact, or a
  // dependant phase that has started, says the bad entry was a completion.
  const bad = entryDir(log.dir, log.topSeq());
  const dependants = sprint.phases.filter((p) => p.depends_on.includes(phase) && ctx.store.phaseLog(sprintId, p.name).topSeq() > 0);
  if (existsSync(child(bad, ARTIFACT_FILE)) || dependants.length) {
    throw corrupt(
      child(bad, RECORD_FILE),
      'it was a completion (its artifact is stored beside it, or later phases have started), so a release would undo finished work',
      "restore the file by hand, e.g. from a teammate's copy or the remote's ref",
    );
  }
  const at = iso(ctx.now);
  const id = randomHex(8);
  log.append(
    log.topSeq(),
    { v: 1, id, kind: 'release', reason: 'force', agent, host: ctx.host, at, ...(ctx.remote?.offline ? { offline: true as const } : {}) },
    ctx.remote ? creatorPayload(ctx.host) : undefined,
  );
  ctx.remote?.publishRepair(sprint, phase, id);
  ctx.store.audit({ at, event: 'abort', sprint_id: sprintId, phase, agent, host: ctx.host, detail: 'released over a corrupt entry' });
  return withWarnings(ctx, { sprint_id: sprintId, phase, released: { agent: 'unknown', host: 'unknown', at }, by: agent, forced: true });
}
