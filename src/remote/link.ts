/**
 * The link between the local state and the coordination remote.
 *
 * Every mutating command does the local append first (cheap local
 * arbitration, exactly as without a remote), then publishes the phase's new
 * entries as commits on the phase's ref by compare-and-swap. Winning the push
 * is winning the claim. On a rejection we fetch, let reconcile() retract our
 * losing entry and import the winner's, and decide again (bounded, with
 * jitter): the new decision is then usually a refusal that names the winner.
 * Before any decision the local logs are brought up to date with the tracking
 * refs, so a phase completed on another machine is done here too.
 */
import { existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ConductorError, ExitCode, isConductorError, unavailable } from '../core/errors.js';
import type { HeadRecord, LocalConfig, PhaseRecord, SprintFile } from '../core/schemas.js';
import { pad, type Entry } from '../store/seq-log.js';
import type { StateStore } from '../store/state-store.js';
import { objectBytes, writeCommit } from './objects.js';
import { mayRetract, reconcile, type Reconciled } from './reconcile.js';
import { DEFAULT_NAMESPACE, RefNames, type RefKey } from './ref-names.js';
import { chainKey, listTracking, readTracking, type Chain, type ChainCache, type ChainEntry, type Problem, type TrackingState } from './tracking.js';
import { loadCache, saveCache } from './chain-cache.js';
import { fetchNamespace, pushCas, sleep, type Lease } from './transport.js';

/** Same cap as `complete --artifact`. */
const ARTIFACT_CAP = 4 * 1024 * 1024;
const MAX_ATTEMPTS = 6;
/** How long a refusal waits for a same-machine racer's unpublished entry to win or lose on the remote. */
const SETTLE_MS = 5000;

export interface LinkCtx {
  cwd: string;
  repo: { commonDir: string; gitDir: string };
  store: StateStore;
  host: string;
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

type Outcome = 'won' | 'lost';

export class RemoteLink {
  readonly names: RefNames;
  /** Record ids this process created: the entries it may retract when they lose. */
  readonly ownIds = new Set<string>();
  fetched = false;
  problems: Problem[] = [];
  rolledBack: RolledBack[] = [];
  /** Phases (of the active sprint) with local entries the remote does not have yet. */
  unpublished = new Set<string>();
  /** Phases whose local log diverged from the remote and could not be settled yet. */
  diverged = new Set<string>();
  private tracking: TrackingState = { sprints: new Map(), phases: new Map(), problems: [] };
  private present = new Set<string>();
  private cache: ChainCache = new Map();
  private tips = new Set<string>();

  constructor(
    private readonly ctx: LinkCtx,
    config: LocalConfig,
    readonly offline: boolean,
  ) {
    this.names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, config.remote!);
  }

  get cwd() {
    return this.ctx.cwd;
  }

  /** Fetch, then import. Throws exit 5 when the remote cannot be reached. */
  refresh(): void {
    fetchNamespace(this.cwd, this.names);
    this.fetched = true;
    const stamp = this.ctx.store.layout.fetchStamp;
    try {
      const now = new Date();
      if (existsSync(stamp)) utimesSync(stamp, now, now);
      else writeFileSync(stamp, '');
    } catch {
      // The stamp only feeds "as of"; never fail a command for it.
    }
    this.importAll();
  }

  /** When the view of the remote was last refreshed: our fetch, or a plain `git fetch` / `git pull`. */
  asOf(): string | undefined {
    const times = [this.ctx.store.layout.fetchStamp, join(this.ctx.repo.gitDir, 'FETCH_HEAD'), join(this.ctx.repo.commonDir, 'FETCH_HEAD')].map((f) => {
      try {
        return statSync(f).mtimeMs;
      } catch {
        return 0;
      }
    });
    const t = Math.max(...times);
    return t ? new Date(t).toISOString() : undefined;
  }

  /** Brings the head log, the active sprint and its phase logs up to date with the tracking refs. */
  importAll(): void {
    const store = this.ctx.store;
    const { refs, problems } = listTracking(this.cwd, this.names);
    this.present = new Set(refs.map((r) => r.ref));
    const cache = (this.cache = this.loadCache(refs));
    this.tips = new Set(refs.map((r) => r.oid));
    const cachedTips = new Set(cache.keys());
    const ids = new Set<string>();
    const local = store.activeSprintId();
    if (local) ids.add(local);
    const newest = refs.map((r) => (r.key.kind === 'head' ? '' : r.key.sprint)).sort().pop();
    if (newest) ids.add(newest);
    const read = () => readTracking(this.cwd, refs, (k) => k.kind === 'head' || ids.has(k.sprint), ARTIFACT_CAP, cache);
    this.tracking = read();
    this.reconcileHead();
    const active = store.activeSprintId();
    if (active && !ids.has(active)) {
      ids.add(active);
      this.tracking = read();
    }
    this.problems = [...problems, ...this.tracking.problems];
    if ([...cache.keys()].some((t) => !cachedTips.has(t))) this.saveCache();
    if (active) this.reconcilePhases(store.readSprint(active));
  }

  private loadCache(refs: { oid: string; key: RefKey }[]): ChainCache {
    return loadCache(this.ctx.store.layout.remoteCache, refs);
  }

  private saveCache(): void {
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
    let imported = false;
    for (const p of sprint.phases) {
      const key: RefKey = { kind: 'phase', sprint: sprint.id, phase: p.name };
      const chain = this.tracking.phases.get(chainKey(sprint.id, p.name));
      if (!chain && this.present.has(this.names.trackingRef(key))) {
        this.diverged.add(p.name); // the ref exists but is invalid: reported in problems
        continue;
      }
      const r = reconcile(store.phaseLog(sprint.id, p.name), chain?.entries ?? [], this.rules<PhaseRecord>((e) => this.artifactPayload(e)));
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

  /** The artifact of an imported done entry, checked against the sha256 its record names. */
  private artifactPayload(e: ChainEntry<PhaseRecord>): Record<string, Uint8Array> | undefined {
    if (!e.artifact || !e.record.artifact) return undefined;
    const bytes = objectBytes(this.cwd, [e.artifact.oid]).get(e.artifact.oid);
    if (!bytes || bytes.length > ARTIFACT_CAP) throw new Error(`artifact of commit ${e.commit.slice(0, 12)} is missing or too large`);
    if (createHash('sha256').update(bytes).digest('hex') !== e.record.artifact.sha256) throw new Error(`artifact of commit ${e.commit.slice(0, 12)} does not match its sha256`);
    try {
      const v = JSON.parse(bytes.toString('utf8')) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
    } catch {
      throw new Error(`artifact of commit ${e.commit.slice(0, 12)} is not a JSON object`);
    }
    return { 'artifact.json': bytes };
  }

  /**
   * Runs one local transition (`attempt`: decide + append) and publishes it.
   * Returns once the remote has it; throws the refusal that the fresh state
   * implies when another machine won, exit 5 when the remote is unreachable.
   */
  transition<T extends { entry: Entry<PhaseRecord> }>(sprint: SprintFile, phase: string, attempt: () => T): T {
    let lost = false;
    let losses = 0;
    const settleBy = Date.now() + SETTLE_MS;
    for (;;) {
      let res: T;
      try {
        if (this.diverged.has(phase) && !this.offline) throw this.divergedError(phase);
        res = attempt();
      } catch (e) {
        if (!this.offline && !this.fetched && mayBeStale(e)) {
          this.refresh();
          continue;
        }
        // Refused because of another local process's entry that is still on its
        // way to the remote: it may yet lose, so its holder is not the answer.
        // Its push (or its retraction after a fetch) moves the tracking refs,
        // so re-reading them locally is enough.
        if (!this.offline && Date.now() < settleBy && this.settlingElsewhere(sprint.id, phase)) {
          sleep(20 + Math.random() * 30);
          this.importAll();
          continue;
        }
        throw lost ? this.lostError(phase, e) : e;
      }
      if (this.offline) return res;
      this.ownIds.add(res.entry.record.id);
      try {
        if (this.publishPhase(sprint, phase) === 'won') return res;
        lost = true;
        if (++losses >= MAX_ATTEMPTS) throw unavailable('E_REMOTE_BUSY', `gave up on phase "${phase}" after ${MAX_ATTEMPTS} attempts: the remote keeps changing; try again`);
        sleep(10 + Math.random() * 40 * losses);
        this.refresh();
      } catch (e) {
        this.retractOwn(sprint.id, phase);
        throw e;
      }
    }
  }

  /** Is the phase's newest local entry another live process's, not on the remote yet (so still being published or retracted), or just retracted? */
  private settlingElsewhere(sprintId: string, phase: string): boolean {
    if (this.problems.some((x) => x.ref.endsWith(`/phases/${phase}`))) return false;
    const top = this.ctx.store.phaseLog(sprintId, phase).top();
    const published = this.tracking.phases.get(chainKey(sprintId, phase))?.entries.length ?? 0;
    // An empty log that diverged: the loser's entry was just moved aside; importing again settles it.
    if (!top) return this.diverged.has(phase);
    if (top.seq <= published && !this.diverged.has(phase)) return false;
    return !mayRetract(top.record, { ownIds: this.ownIds, now: Date.now() });
  }

  private divergedError(phase: string) {
    const p = this.problems.find((x) => x.ref.endsWith(`/phases/${phase}`));
    if (p) return new ConductorError('E_BAD_REMOTE_REF', ExitCode.unexpected, `remote-tracking ref ${p.ref} ${p.problem}: ask whoever wrote it, or delete it on the remote with 'git push ${this.names.remote} --delete ${this.names.namespace}${p.ref.slice(this.names.trackingPrefix.length - 1)}'`, { ref: p.ref });
    return unavailable('E_DIVERGED', `phase "${phase}" has a local entry that is not on the remote and is being settled by another process; try again in a moment, or run 'git conductor sync'`);
  }

  private lostError(phase: string, e: unknown): unknown {
    if (!isConductorError(e) || e.exitCode !== ExitCode.unavailable) return e;
    return new ConductorError('E_LOST_RACE', ExitCode.unavailable, `lost the race for "${phase}" on remote ${this.names.remote}: ${e.message}`, { ...e.data, phase, remote: this.names.remote });
  }

  /** Moves this process's unpublished entries of `phase` aside (top-down), so nothing half-done stays. */
  retractOwn(sprintId: string, phase: string): void {
    const log = this.ctx.store.phaseLog(sprintId, phase);
    const published = this.tracking.phases.get(chainKey(sprintId, phase))?.entries.length ?? 0;
    for (const seq of log.seqs().reverse()) {
      if (seq <= published) break;
      const r = log.read(seq).record;
      if (!this.ownIds.has(r.id) || !log.retract(seq, r.id)) break;
    }
  }

  /** Publishes the phase's local entries beyond the tracking chain. */
  publishPhase(sprint: SprintFile, phase: string): Outcome {
    const key: RefKey = { kind: 'phase', sprint: sprint.id, phase };
    // A sprint started before `init`: the remote has no head yet, so teammates could not find this phase.
    if (!this.tracking.head && this.ctx.store.headLog().topSeq() > 0) this.publishHead();
    const log = this.ctx.store.phaseLog(sprint.id, phase);
    const chain = this.tracking.phases.get(chainKey(sprint.id, phase));
    const remote = chain?.entries ?? [];
    const local = log.all();
    let common = 0;
    while (common < remote.length && local[common]?.record.id === remote[common]!.record.id) common++;
    if (common < remote.length) return 'lost';
    const suffix = local.slice(common);
    if (!suffix.length) return 'won';
    let parent = remote[common - 1]?.commit;
    const commits: string[] = [];
    for (const e of suffix) {
      const files = [{ name: 'record.json', path: join(e.dir, 'record.json') }];
      if (existsSync(join(e.dir, 'artifact.json'))) files.push({ name: 'artifact.json', path: join(e.dir, 'artifact.json') });
      parent = writeCommit(this.cwd, { files, parent, message: phaseMessage(phase, e.record), author: author(e.record), at: e.record.at });
      commits.push(parent);
    }
    const out = this.push([{ ref: this.names.remoteRef(key), expect: chain?.tip, next: parent! }]);
    if (out !== 'won') return out;
    this.setTracking(key, parent!, chain?.tip);
    const entries = [...remote, ...suffix.map((e, i) => ({ commit: commits[i]!, record: e.record }))];
    this.tracking.phases.set(chainKey(sprint.id, phase), { key, ref: this.names.trackingRef(key), tip: parent!, entries });
    this.remember(chain?.tip, parent!, entries);
    this.unpublished.delete(phase);
    return 'won';
  }

  /**
   * Publishes new head entries, with the sprint refs they name, in one atomic
   * push: a teammate never sees a head naming a sprint that is not there.
   */
  publishHead(): Outcome {
    const store = this.ctx.store;
    const head = this.tracking.head;
    const remote = head?.entries ?? [];
    const local = store.headLog().all();
    let common = 0;
    while (common < remote.length && local[common]?.record.id === remote[common]!.record.id) common++;
    if (common < remote.length) return 'lost';
    const suffix = local.slice(common);
    if (!suffix.length) return 'won';
    const leases: Lease[] = [];
    const sprintsDone = new Set<string>();
    for (const e of suffix) {
      const id = e.record.sprint_id;
      const key: RefKey = { kind: 'sprint', sprint: id };
      if (sprintsDone.has(id) || this.tracking.sprints.has(id) || this.present.has(this.names.trackingRef(key))) continue;
      sprintsDone.add(id);
      const sprint = store.readSprint(id);
      const file = join(store.layout.sprint(id), 'sprint.json');
      const commit = writeCommit(this.cwd, { files: [{ name: 'sprint.json', path: file }], parent: undefined, message: `sprint ${id} (${sprint.phases.length} phases)`, author: author({ agent: sprint.started_by, host: sprint.host }), at: sprint.started_at });
      leases.push({ ref: this.names.remoteRef(key), expect: undefined, next: commit });
    }
    let parent = remote[common - 1]?.commit;
    const commits: string[] = [];
    for (const e of suffix) {
      parent = writeCommit(this.cwd, { files: [{ name: 'record.json', path: join(e.dir, 'record.json') }], parent, message: `start ${e.record.sprint_id} by ${e.record.agent}@${e.record.host}`, author: author(e.record), at: e.record.at });
      commits.push(parent);
    }
    const headKey: RefKey = { kind: 'head' };
    leases.push({ ref: this.names.remoteRef(headKey), expect: head?.tip, next: parent! });
    const out = this.push(leases, true);
    if (out !== 'won') return out;
    for (const l of leases) {
      const key = this.names.parseTracking(this.names.trackingPrefix + l.ref.slice(this.names.namespace.length + 1))!;
      this.setTracking(key, l.next!, l.expect);
    }
    this.tracking.head = { key: headKey, ref: this.names.trackingRef(headKey), tip: parent!, entries: [...remote, ...suffix.map((e, i) => ({ commit: commits[i]!, record: e.record }))] };
    this.remember(head?.tip, parent!, this.tracking.head.entries);
    return 'won';
  }

  /** Publishes a just-started sprint; on a loss or a failure, our head entry is moved aside and the error thrown. */
  publishStart(sprintId: string, headId: string): void {
    this.ownIds.add(headId);
    try {
      if (this.publishHead() === 'won') return;
      this.refresh();
      const winner = this.tracking.head?.entries.at(-1)?.record;
      throw unavailable('E_LOST_RACE', `another agent started a sprint on remote ${this.names.remote} at the same moment (${winner ? `${winner.sprint_id} by ${winner.agent}@${winner.host}` : 'unknown'}): use it, or run start again to replace it`, { sprint_id: sprintId });
    } catch (e) {
      this.retractOwnHead();
      throw e;
    }
  }

  /** Head entries created by this process that the remote does not have: moved aside. */
  retractOwnHead(): void {
    const log = this.ctx.store.headLog();
    const published = this.tracking.head?.entries.length ?? 0;
    for (const seq of log.seqs().reverse()) {
      if (seq <= published) break;
      const r = log.read(seq).record;
      if (!this.ownIds.has(r.id) || !log.retract(seq, r.id)) break;
    }
  }

  private push(leases: Lease[], atomic = false): Outcome {
    return pushCas(this.cwd, this.names, leases, atomic);
  }


  /** Our own push moved a tracking tip: cache the chain we know it has, so the next command need not read it. */
  private remember(oldTip: string | undefined, tip: string, entries: ChainEntry<unknown>[]): void {
    if (oldTip) this.tips.delete(oldTip);
    this.tips.add(tip);
    this.cache.set(tip, entries);
    this.saveCache();
  }

  /**
   * After our own successful push the remote holds `next`. git itself moves
   * the tracking ref in the same push (the fetch refspec `init` configured maps
   * it), so no extra git call; if that refspec was removed, the next push
   * fails its lease, fetches, and heals the view.
   */
  private setTracking(key: RefKey, _next: string, _expect: string | undefined): void {
    this.present.add(this.names.trackingRef(key));
  }

  summary() {
    return {
      name: this.names.remote,
      namespace: this.names.namespace,
      as_of: this.asOf(),
      unpublished: [...this.unpublished],
      diverged: [...this.diverged],
      rolled_back: this.rolledBack,
      problems: this.problems.map((p) => `${p.ref} ${p.problem}`),
    };
  }
}

/** Refusals that a fresh view of the remote might change. A done phase stays done. */
const mayBeStale = (e: unknown) =>
  isConductorError(e) && (e.exitCode === ExitCode.blocked || (e.exitCode === ExitCode.unavailable && !['E_ALREADY_DONE', 'E_SPRINT_ARCHIVED', 'E_LEASE_LIVE'].includes(e.code)));

const author = (r: { agent: string; host: string }) => ({ name: r.agent, email: `${r.agent.replace(/@/g, '.')}@${r.host}` });

function phaseMessage(phase: string, r: PhaseRecord): string {
  const verb = r.kind === 'done' ? 'complete' : r.kind === 'claim' ? (r.reason === 'renew' ? 'renew' : r.reason === 'takeover' ? 'takeover' : 'claim') : (r.reason ?? 'release');
  return `${verb} ${phase} by ${r.agent}@${r.host}\n\nseq ${pad(r.seq)}${r.offline ? ', taken offline' : ''}`;
}
