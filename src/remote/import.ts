/**
 * Importing the remote's entries into the local state: the one step that
 * writes local state from the remote. It reconciles the head log (creating
 * the sprints the remote's head names, archiving the one it replaces), then
 * the active sprint's phase logs (archiving the sprint when the import
 * finished it), and audits each rollback of someone else's losing entry
 * exactly once, with its sprint.
 *
 * It returns a fresh ImportReport and never touches the view: the view is
 * what the remote holds, the report is what that means for this clone.
 */
import { isCode } from '../core/errors.js';
import { allDone } from '../core/phase-state.js';
import type { HeadRecord, PhaseRecord, SprintFile } from '../core/schemas.js';
import { creatorGone } from '../store/creator.js';
import { entryDir } from '../store/layout.js';
import { importedArtifact } from './imported-artifact.js';
import { reconcile, STALE_UNPUBLISHED_MS, type Reconciled } from './reconcile.js';
import type { RefKey } from './ref-names.js';
import type { Chain, ChainEntry, Problem } from './tracking.js';
import { ARTIFACT_CAP, type LinkCtx, type RemoteView } from './view.js';

export interface RolledBack {
  phase?: string;
  agent: string;
  host: string;
  at: string;
  kind: string;
  /** Who holds the phase on the remote now. */
  winner?: { agent: string; host: string; at: string; kind: string };
}

export interface ImportReport {
  problems: Problem[];
  /** Other processes' unpublished entries that lost to the remote's and were moved aside, since this link was made. */
  rolledBack: RolledBack[];
  /** Phases (of the active sprint) with local entries the remote does not have yet. */
  unpublished: ReadonlySet<string>;
  /** Phases whose local log diverged from the remote and could not be settled yet. */
  diverged: ReadonlySet<string>;
  /** Diverged phases whose local log has a corrupt entry the remote lacks: the error, with its repair. */
  corrupt: ReadonlyMap<string, Error>;
  /** Set when the local head has a start the remote lacks and the remote has another: this clone's sprint is not the team's. */
  headDiverged?: { local?: string; remote: string };
}

export const emptyReport = (): ImportReport => ({
  problems: [],
  rolledBack: [],
  unpublished: new Set(),
  diverged: new Set(),
  corrupt: new Map(),
});

/**
 * Reads the tracking refs into `view` and brings the head log, the active
 * sprint and its phase logs up to date with them. `previous` carries what an
 * import cannot recompute when there is nothing to look at (no remote head,
 * no active sprint) and the rollbacks reported so far.
 */
export function importRemote(ctx: LinkCtx, view: RemoteView, ownIds: ReadonlySet<string>, previous: ImportReport): ImportReport {
  const store = ctx.store;
  view.load(store.activeSprintId());
  const out: ImportReport = { ...previous, problems: [...view.problems], rolledBack: [...previous.rolledBack] };
  importHead(ctx, view, ownIds, out);
  const active = store.activeSprintId();
  // The head stopped in the middle (a concurrent import): read the sprint it names now.
  if (active) out.problems.push(...view.readSprint(active));
  view.save();
  if (active) importPhases(ctx, view, ownIds, store.readSprint(active), out);
  return out;
}

function importHead(ctx: LinkCtx, view: RemoteView, ownIds: ReadonlySet<string>, out: ImportReport): void {
  const store = ctx.store;
  const chain = view.tracking.head;
  if (!chain) return;
  const before = store.activeSprintId();
  const r = reconcile(store.headLog(), chain.entries, {
    ownIds,
    now: ctx.clock(),
    gone: goneIn(store.headLog().dir, ctx.host),
    payload: () => undefined,
    beforeTop: (e: ChainEntry<HeadRecord>) => ensureSprint(ctx, view, e.record.sprint_id),
  });
  note(ctx, r, undefined, chain, ownIds, out);
  const after = store.activeSprintId();
  out.headDiverged = undefined;
  if (r.stuck) {
    const remote = chain.entries.at(-1)!.record.sprint_id;
    out.headDiverged = { local: after, remote };
    out.problems.push({ ref: chain.ref, problem: headDivergedMessage(after, remote) });
  }
  if (before && after !== before) store.archiveSprint(before, new Date(ctx.clock()).toISOString());
}

/** Whether the creator of a local entry of the log in `dir` is provably gone. */
const goneIn = (dir: string, host: string) => (r: { seq: number }) => creatorGone(entryDir(dir, r.seq), host);

/** A sprint named by the remote's head must exist locally before the head points at it. */
function ensureSprint(ctx: LinkCtx, view: RemoteView, id: string): void {
  const store = ctx.store;
  if (store.sprintIds().includes(id)) return;
  const sprint = view.tracking.sprints.get(id);
  if (!sprint) throw new Error(`the remote's head names sprint ${id}, but its sprint ref is missing or invalid`);
  try {
    store.createSprint({ ...sprint, status: 'active' });
  } catch (e) {
    if (!store.sprintIds().includes(id)) throw e; // created by a concurrent import: fine
  }
}

function importPhases(ctx: LinkCtx, view: RemoteView, ownIds: ReadonlySet<string>, sprint: SprintFile, out: ImportReport): void {
  const store = ctx.store;
  const unpublished = new Set<string>();
  const diverged = new Set<string>();
  const corrupt = new Map<string, Error>();
  out.unpublished = unpublished;
  out.diverged = diverged;
  out.corrupt = corrupt;
  let imported = false;
  for (const p of sprint.phases) {
    const key: RefKey = { kind: 'phase', sprint: sprint.id, phase: p.name };
    const chain = view.phaseChain(sprint.id, p.name);
    if (!chain && view.present.has(view.names.trackingRef(key))) {
      diverged.add(p.name); // the ref exists but is invalid: reported in problems
      continue;
    }
    let r: Reconciled<PhaseRecord>;
    try {
      const log = store.phaseLog(sprint.id, p.name);
      r = reconcile(log, chain?.entries ?? [], {
        ownIds,
        now: ctx.clock(),
        gone: goneIn(log.dir, ctx.host),
        payload: (e) => importedArtifact(ctx.cwd, e, ARTIFACT_CAP, p.name),
      });
    } catch (e) {
      // One damaged phase must not stop the others, nor its own repair (abort --force).
      if (!isCode(e, 'E_CORRUPT_STATE')) throw e;
      diverged.add(p.name);
      corrupt.set(p.name, e);
      continue;
    }
    if (r.unpublished.length) unpublished.add(p.name);
    if (r.stuck) diverged.add(p.name);
    note(ctx, r, p.name, chain, ownIds, out, sprint.id);
    imported ||= r.imported.length > 0;
  }
  if (imported && allDone(sprint, store.tops(sprint))) store.archiveSprint(sprint, new Date(ctx.clock()).toISOString());
}

type Rec = { agent: string; host: string; at: string; id: string; kind?: string; sprint_id?: string };

/**
 * Which retracted entries are reported as rolled back: every one but our own
 * (our own loss is reported by the command itself, as its error), each with
 * the remote's newest entry as the winner.
 */
export function rollbacksOf<R extends Rec>(
  retracted: readonly R[],
  ownIds: ReadonlySet<string>,
  phase: string | undefined,
  top: Rec | undefined,
): { record: R; rolledBack: RolledBack }[] {
  return retracted
    .filter((rec) => !ownIds.has(rec.id))
    .map((rec) => ({
      record: rec,
      rolledBack: {
        phase,
        agent: rec.agent,
        host: rec.host,
        at: rec.at,
        kind: rec.kind ?? 'start',
        winner: top && { agent: top.agent, host: top.host, at: top.at, kind: top.kind ?? 'start' },
      },
    }));
}

function note<R extends Rec>(
  ctx: LinkCtx,
  r: Reconciled<R>,
  phase: string | undefined,
  chain: Chain<R> | undefined,
  ownIds: ReadonlySet<string>,
  out: ImportReport,
  sprintId?: string,
): void {
  if (r.problem) out.problems.push({ ref: chain?.ref ?? '', problem: r.problem });
  const top = chain?.entries[chain.entries.length - 1]?.record;
  for (const { record, rolledBack: rb } of rollbacksOf(r.retracted, ownIds, phase, top)) {
    out.rolledBack.push(rb);
    // Audited here and only here. A phase entry belongs to the active sprint; a head entry names its own sprint.
    const sprint_id = sprintId ?? record.sprint_id;
    ctx.store.audit({
      at: new Date(ctx.clock()).toISOString(),
      event: 'rollback',
      sprint_id,
      phase,
      agent: rb.agent,
      host: rb.host,
      detail: `unpublished ${rb.kind} of ${rb.at} lost to ${top ? `${top.agent}@${top.host}` : 'the remote'}`,
    });
  }
}

/** What a clone whose own start lost to the remote's is told, with the two ways out. */
export const headDivergedMessage = (local: string | undefined, remote: string) =>
  `this clone's sprint ${local ?? '(unreadable)'} was started here and is not on the remote, whose sprint is ${remote}: its phases are not published. Run 'git conductor start' to replace the remote's sprint, or join ${remote} with 'git conductor sync' once that start is ${STALE_UNPUBLISHED_MS / 60000} minutes old (its entries are then set aside)`;
