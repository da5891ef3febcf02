/**
 * What this clone knows of the coordination remote: the validated chains of
 * the remote-tracking refs. Read-only towards the local state: it never
 * creates, archives or audits anything (importing is import.ts's job).
 *
 * load() reads the tracking refs, cached by tip so that refs which did not
 * move cost nothing. Its own data changes in exactly two ways: load(), and
 * apply() of what one of our own pushes changed (publish.ts returns it, the
 * link applies it), so the view always equals the remote as last seen.
 */
import { MAX_ARTIFACT_BYTES as ARTIFACT_CAP } from '../core/artifacts.js';
import type { LedgerRules } from '../core/ledger.js';
import type { HeadRecord, LedgerRecord, PhaseRecord } from '../core/schemas.js';
import type { StateStore } from '../store/state-store.js';
import { addCached, badTipsOf, readCacheFile, saveCache, type CacheFile } from './chain-cache.js';
import type { RefKey, RefNames } from './ref-names.js';
import {
  chainKey,
  listTracking,
  scopedTip,
  readTracking,
  type BadTips,
  type Chain,
  type ChainCache,
  type ChainEntry,
  type Listed,
  type Problem,
  type TrackingState,
} from './tracking.js';

/** Same cap as `complete --artifact` (one home: core/artifacts.ts). */
export { ARTIFACT_CAP };

export interface LinkCtx {
  readonly cwd: string;
  readonly repo: { readonly commonDir: string; readonly gitDir: string };
  readonly store: StateStore;
  readonly host: string;
  /** Epoch ms by which every network call must be over (see transport.ts). */
  readonly deadline?: number;
  /** The most one network call may take, ms (see transport.ts). */
  readonly remoteTimeoutMs?: number;
  /** The time now, epoch ms (the api's clock). */
  readonly clock: () => number;
  /**
   * The project's rules that imported entries are held to, as local ones are
   * (the gates nobody may override, the ledger's thresholds); the defaults
   * when absent.
   */
  readonly importRules?: () => ImportRules;
}

export interface ImportRules {
  noOverride: readonly string[];
  ledger: LedgerRules;
}

/** What one of our own pushes changed on the remote: the chains it moved, as they are now. */
export interface Published {
  /** The phase's, the ledger's or the head's chain, grown by our entries. */
  chain: Chain<PhaseRecord> | Chain<LedgerRecord> | Chain<HeadRecord>;
  /** The tip it grew from (undefined: the ref is new). */
  oldTip?: string;
  /** Every ref the push moved, with its new commit (a head push also creates sprint refs). */
  moved: { key: RefKey; tip: string }[];
}

export class RemoteView {
  tracking: TrackingState = { sprints: new Map(), phases: new Map(), ledgers: new Map(), problems: [] };
  /** Every tracking ref present, valid or not, with the commit it points at. */
  present = new Map<string, string>();
  /** What the last load found wrong with the refs themselves (names, types, chains). */
  problems: Problem[] = [];
  private cache: ChainCache = new Map();
  private bad: BadTips = new Map();
  private tips = new Set<string>();
  private listed: Listed[] = [];
  private cached: CacheFile = { commits: {} };
  private validated = false;
  private readIds = new Set<string>();

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

  ledgerChain(sprintId: string): Chain<LedgerRecord> | undefined {
    return this.tracking.ledgers.get(sprintId);
  }

  /**
   * Reads the head's chain, then the sprints worth reading: the one the head
   * names and `localActive`, whatever other refs exist.
   */
  load(localActive: string | undefined): void {
    const { refs, problems } = listTracking(this.cwd, this.names, this.ctx.repo.commonDir);
    this.listed = refs;
    this.present = new Map(refs.map((r) => [r.ref, r.oid]));
    this.tips = new Set(refs.map((r) => r.oid));
    this.cached = readCacheFile(this.ctx.store.layout.remoteCache);
    this.cache = new Map();
    this.bad = badTipsOf(this.cached);
    this.validated = false;
    const head = this.read((k) => k.kind === 'head');
    const ids = new Set<string>();
    if (localActive) ids.add(localActive);
    const remoteTop = head.head?.entries.at(-1)?.record.sprint_id;
    if (remoteTop) ids.add(remoteTop);
    this.readIds = ids;
    const rest = this.readSprints(ids);
    this.tracking = {
      head: head.head,
      sprints: rest.sprints,
      phases: rest.phases,
      ledgers: rest.ledgers,
      problems: [...head.problems, ...rest.problems],
    };
    this.problems = [...problems, ...this.tracking.problems];
  }

  /**
   * The sprint refs of `ids`, then only the phase refs those sprints' graphs
   * name (the remote's graph, else the local one): refs for phases no graph
   * has are never read, however many someone pushed.
   */
  private readSprints(ids: ReadonlySet<string>): TrackingState {
    const sprints = this.read((k) => k.kind === 'sprint' && ids.has(k.sprint));
    const graphs = new Map<string, Set<string>>();
    for (const id of ids) {
      const names = new Set<string>();
      for (const p of sprints.sprints.get(id)?.phases ?? []) names.add(p.name);
      try {
        if (this.ctx.store.sprintIds().includes(id)) for (const p of this.ctx.store.readSprint(id).phases) names.add(p.name);
      } catch {
        // An unreadable local sprint names no phases; its own error comes from whoever reads it.
      }
      graphs.set(id, names);
    }
    const inGraph = (k: RefKey) => k.kind === 'phase' && !!graphs.get(k.sprint)?.has(k.phase);
    const stray = this.listed.filter((r) => r.key.kind === 'phase' && ids.has(r.key.sprint) && !inGraph(r.key));
    // A sprint's ledger ref is read with its phases: one name per sprint, nothing a crafted graph can multiply.
    const phases = this.read((k) => inGraph(k) || (k.kind === 'ledger' && ids.has(k.sprint)));
    const problems = [...sprints.problems, ...phases.problems];
    const more = stray.length > 1 ? ` (and ${stray.length - 1} more refs like it)` : '';
    if (stray.length) problems.push({ ref: stray[0]!.ref, problem: `names a phase its sprint does not have${more}; ignored` });
    return { sprints: sprints.sprints, phases: phases.phases, ledgers: phases.ledgers, problems };
  }

  /** Reads one more sprint's refs (the head moved while importing); returns the problems found. */
  readSprint(id: string): Problem[] {
    if (this.readIds.has(id)) return [];
    this.readIds.add(id);
    const more = this.readSprints(new Set([id]));
    for (const [k, v] of more.sprints) this.tracking.sprints.set(k, v);
    for (const [k, v] of more.phases) this.tracking.phases.set(k, v);
    for (const [k, v] of more.ledgers) this.tracking.ledgers.set(k, v);
    this.tracking.problems.push(...more.problems);
    this.problems.push(...more.problems);
    return more.problems;
  }

  /** Keeps the chains validated by this load for the next command. */
  save(): void {
    if (this.validated) saveCache(this.ctx.store.layout.remoteCache, this.cache, this.tips, this.bad);
  }

  /**
   * Our own push moved these refs. git itself moves the tracking refs in the
   * same push (the fetch refspec `init` configured maps them), so no extra git
   * call; if that refspec was removed, the next push fails its lease, fetches,
   * and heals the view. The grown chain is cached so the next command need not read it.
   */
  apply(p: Published): void {
    for (const m of p.moved) this.present.set(this.names.trackingRef(m.key), m.tip);
    const c = p.chain;
    if (c.key.kind === 'head') this.tracking.head = c as Chain<HeadRecord>;
    else if (c.key.kind === 'phase') this.tracking.phases.set(chainKey(c.key.sprint, c.key.phase), c as Chain<PhaseRecord>);
    else if (c.key.kind === 'ledger') this.tracking.ledgers.set(c.key.sprint, c as Chain<LedgerRecord>);
    if (p.oldTip) this.tips.delete(p.oldTip);
    this.tips.add(c.tip);
    this.cache.set(scopedTip(c.key, c.tip), c.entries as ChainEntry<unknown>[]);
    saveCache(this.ctx.store.layout.remoteCache, this.cache, this.tips, this.bad);
  }

  private read(want: (k: RefKey) => boolean): TrackingState {
    const listed = this.listed.filter((r) => want(r.key));
    addCached(this.cached, listed, this.cache);
    const known = this.cache.size + this.bad.size;
    const state = readTracking(this.cwd, listed, () => true, ARTIFACT_CAP, this.cache, this.bad);
    this.validated ||= this.cache.size + this.bad.size > known;
    return state;
  }
}
