/**
 * What this clone knows of the coordination remote: the validated chains of
 * the remote-tracking refs, and the local logs brought in line with them.
 *
 * importAll() reads the tracking refs (cached by tip, so refs that did not
 * move cost nothing), then reconciles the head log, the active sprint and its
 * phase logs: the remote's entries are imported, and local entries that lost
 * to them are moved aside (see reconcile.ts for who may move what).
 */
import { isConductorError } from '../core/errors.js';
import type { HeadRecord, PhaseRecord, SprintFile } from '../core/schemas.js';
import type { StateStore } from '../store/state-store.js';
import { importedArtifact } from './imported-artifact.js';
import { addCached, readCacheFile, saveCache } from './chain-cache.js';
import { reconcile, STALE_UNPUBLISHED_MS, type Reconciled } from './reconcile.js';
import type { RefKey, RefNames } from './ref-names.js';
import { chainKey, listTracking, readTracking, type Chain, type ChainCache, type ChainEntry, type Problem, type TrackingState } from './tracking.js';

/** Same cap as `complete --artifact`. */
export const ARTIFACT_CAP = 4 * 1024 * 1024;

export interface LinkCtx {
  cwd: string;
  repo: { commonDir: string; gitDir: string };
  store: StateStore;
  host: string;
  /** Epoch ms by which every network call must be over (see transport.ts). */
  deadline?: number;
}

export interface RolledBack {
  phase?: string;
  agent: string;
  host: string;
  at: string;
  kind: string;
  /** Who holds the phase on the remote now. */
  winner?: { agent: string; host: string; at: string; kind: string };
}

export class RemoteView {
  /** Record ids this process created: the entries it may retract when they lose. */
  readonly ownIds = new Set<string>();
  problems: Problem[] = [];
  rolledBack: RolledBack[] = [];
  /** Phases (of the active sprint) with local entries the remote does not have yet. */
  readonly unpublished = new Set<string>();
  /** Phases whose local log diverged from the remote and could not be settled yet. */
  readonly diverged = new Set<string>();
  /** Diverged phases whose local log has a corrupt entry the remote lacks: the error, with its repair. */
  readonly corrupt = new Map<string, Error>();
  /** Set when the local head has a start the remote lacks and the remote has another: this clone's sprint is not the team's. */
  headDiverged?: { local?: string; remote: string };
  tracking: TrackingState = { sprints: new Map(), phases: new Map(), problems: [] };
  /** Every tracking ref present, valid or not, with the commit it points at. */
  present = new Map<string, string>();
  private cache: ChainCache = new Map();
  private tips = new Set<string>();

  constructor(
    readonly ctx: LinkCtx,
    readonly names: RefNames,
  ) {}

  get cwd() {
    return this.ctx.cwd;
  }

  phaseChain(sprintId: string, phase: string): Chain<PhaseRecord> | undefined {
    return this.tracking.phases.get(chainKey(sprintId, phase));
  }

  /**
   * Brings the head log, the active sprint and its phase logs up to date with
   * the tracking refs. The head is read first: the sprints worth reading are
   * the one it names and the one active here, whatever other refs exist.
   */
  importAll(): void {
    const store = this.ctx.store;
    const { refs, problems } = listTracking(this.cwd, this.names, this.ctx.repo.commonDir);
    this.present = new Map(refs.map((r) => [r.ref, r.oid]));
    this.tips = new Set(refs.map((r) => r.oid));
    const cached = readCacheFile(store.layout.remoteCache);
    const cache: ChainCache = (this.cache = new Map());
    let validated = false;
    const read = (want: (k: RefKey) => boolean): TrackingState => {
      const listed = refs.filter((r) => want(r.key));
      addCached(cached, listed, cache);
      const known = cache.size;
      const state = readTracking(this.cwd, listed, () => true, ARTIFACT_CAP, cache);
      validated ||= cache.size > known;
      return state;
    };
    const head = read((k) => k.kind === 'head');
    const ids = new Set<string>();
    const local = store.activeSprintId();
    if (local) ids.add(local);
    const remoteTop = head.head?.entries.at(-1)?.record.sprint_id;
    if (remoteTop) ids.add(remoteTop);
    const rest = read((k) => k.kind !== 'head' && ids.has(k.sprint));
    this.tracking = { head: head.head, sprints: rest.sprints, phases: rest.phases, problems: [...head.problems, ...rest.problems] };
    // Before reconciling: reconciling adds the problems it meets.
    this.problems = [...problems, ...this.tracking.problems];
    this.reconcileHead();
    const active = store.activeSprintId();
    if (active && !ids.has(active)) {
      // The head stopped in the middle (a concurrent import): read the sprint it names now.
      const more = read((k) => k.kind !== 'head' && k.sprint === active);
      for (const [k, v] of more.sprints) this.tracking.sprints.set(k, v);
      for (const [k, v] of more.phases) this.tracking.phases.set(k, v);
      this.tracking.problems.push(...more.problems);
      this.problems.push(...more.problems);
    }
    if (validated) saveCache(store.layout.remoteCache, this.cache, this.tips);
    if (active) this.reconcilePhases(store.readSprint(active));
  }

  /**
   * Our own push moved the remote ref to `tip`. git itself moves the tracking
   * ref in the same push (the fetch refspec `init` configured maps it), so no
   * extra git call; if that refspec was removed, the next push fails its
   * lease, fetches, and heals the view.
   */
  pushed(key: RefKey, tip: string): void {
    this.present.set(this.names.trackingRef(key), tip);
  }

  /** Caches the chain our own push gave the remote, so the next command need not read it. */
  remember(oldTip: string | undefined, tip: string, entries: ChainEntry<unknown>[]): void {
    if (oldTip) this.tips.delete(oldTip);
    this.tips.add(tip);
    this.cache.set(tip, entries);
    saveCache(this.ctx.store.layout.remoteCache, this.cache, this.tips);
  }

  private rules<R extends { seq: number; id: string }>(payload: (e: ChainEntry<R>) => Record<string, Uint8Array> | undefined, beforeTop?: (e: ChainEntry<R>) => void) {
    return { ownIds: this.ownIds, now: Date.now(), payload, beforeTop };
  }

  private reconcileHead(): void {
    const store = this.ctx.store;
    const chain = this.tracking.head;
    if (!chain) return;
    const before = store.activeSprintId();
    const r = reconcile(store.headLog(), chain.entries, this.rules<HeadRecord>(() => undefined, (e) => this.ensureSprint(e.record.sprint_id)));
    this.note(r, undefined, chain as Chain<HeadRecord>);
    const after = store.activeSprintId();
    this.headDiverged = undefined;
    if (r.stuck) {
      const remote = chain.entries.at(-1)!.record.sprint_id;
      this.headDiverged = { local: after, remote };
      this.problems.push({ ref: chain.ref, problem: headDivergedMessage(after, remote) });
    }
    if (before && after !== before) {
      try {
        const s = store.readSprint(before);
        if (s.status === 'active') store.writeSprint({ ...s, status: 'archived', archived_at: new Date().toISOString() });
      } catch (e) {
        if (!isConductorError(e)) throw e;
      }
    }
  }

  /** A sprint named by the remote's head must exist locally before the head points at it. */
  private ensureSprint(id: string): void {
    const store = this.ctx.store;
    if (store.sprintIds().includes(id)) return;
    const sprint = this.tracking.sprints.get(id);
    if (!sprint) throw new Error(`the remote's head names sprint ${id}, but its sprint ref is missing or invalid`);
    try {
      store.createSprint({ ...sprint, status: 'active' });
    } catch (e) {
      if (!store.sprintIds().includes(id)) throw e; // created by a concurrent import: fine
    }
  }

  private reconcilePhases(sprint: SprintFile): void {
    const store = this.ctx.store;
    this.unpublished.clear();
    this.diverged.clear();
    this.corrupt.clear();
    let imported = false;
    for (const p of sprint.phases) {
      const key: RefKey = { kind: 'phase', sprint: sprint.id, phase: p.name };
      const chain = this.phaseChain(sprint.id, p.name);
      if (!chain && this.present.has(this.names.trackingRef(key))) {
        this.diverged.add(p.name); // the ref exists but is invalid: reported in problems
        continue;
      }
      let r: Reconciled<PhaseRecord>;
      try {
        r = reconcile(store.phaseLog(sprint.id, p.name), chain?.entries ?? [], this.rules<PhaseRecord>((e) => importedArtifact(this.cwd, e, ARTIFACT_CAP, p.name)));
      } catch (e) {
        // One damaged phase must not stop the others, nor its own repair (abort --force).
        if (!isConductorError(e) || e.code !== 'E_CORRUPT_STATE') throw e;
        this.diverged.add(p.name);
        this.corrupt.set(p.name, e);
        continue;
      }
      this.note(r, p.name, chain);
      imported ||= r.imported.length > 0;
    }
    if (!imported || sprint.status !== 'active') return;
    const tops = store.tops(sprint);
    if (sprint.phases.every((p) => tops.get(p.name)?.kind === 'done')) {
      store.writeSprint({ ...sprint, status: 'archived', archived_at: new Date().toISOString() });
    }
  }

  private note<R extends { agent: string; host: string; at: string; id: string }>(r: Reconciled<R>, phase: string | undefined, chain: Chain<R> | undefined): void {
    if (phase && r.unpublished.length) this.unpublished.add(phase);
    if (phase && r.stuck) this.diverged.add(phase);
    if (r.problem) this.problems.push({ ref: chain?.ref ?? '', problem: r.problem });
    const top = chain?.entries[chain.entries.length - 1]?.record as (R & { kind?: string }) | undefined;
    for (const x of r.retracted) {
      const rec = x as R & { kind?: string };
      if (this.ownIds.has(rec.id)) continue; // our own loss is reported by the command itself
      this.rolledBack.push({ phase, agent: rec.agent, host: rec.host, at: rec.at, kind: rec.kind ?? 'start', winner: top && { agent: top.agent, host: top.host, at: top.at, kind: top.kind ?? 'start' } });
      this.ctx.store.audit({ at: new Date().toISOString(), event: 'rollback', phase, agent: rec.agent, host: rec.host, detail: `unpublished ${rec.kind ?? 'start'} of ${rec.at} lost to ${top ? `${top.agent}@${top.host}` : 'the remote'}` });
    }
  }
}

/** What a clone whose own start lost to the remote's is told, with the two ways out. */
export const headDivergedMessage = (local: string | undefined, remote: string) =>
  `this clone's sprint ${local ?? '(unreadable)'} was started here and is not on the remote, whose sprint is ${remote}: its phases are not published. Run 'git conductor start' to replace the remote's sprint, or join ${remote} with 'git conductor sync' once that start is ${STALE_UNPUBLISHED_MS / 60000} minutes old (its entries are then set aside)`;

