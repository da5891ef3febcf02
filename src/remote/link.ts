/**
 * The link between the local state and the coordination remote, and the one
 * owner of what this process knows of it: the view (what the remote holds),
 * the import report (what that means here) and the ids of the entries this
 * process created (the only ones it may take back when they lose).
 *
 * Every mutating command does the local append first (cheap local
 * arbitration, exactly as without a remote), then publishes the phase's new
 * entries as commits on the phase's ref by compare-and-swap. Winning the push
 * is winning the claim. The api drives that loop (api/transition.ts) with a
 * TransitionRound (round.ts) over this link's narrow operations. Before any
 * decision the local logs are brought up to date with the tracking refs
 * (import.ts), so a phase completed on another machine is done here too.
 */
import { futureRecord, type SkewFinding } from '../core/clock.js';
import { isCode, unavailable } from '../core/errors.js';
import type { LocalConfig, SprintFile } from '../core/schemas.js';
import { fetchedAt, keptFinding, noteLateRecords, stampFetch } from './fetch-memory.js';
import { emptyReport, headDivergedMessage, importRemote, type ImportReport } from './import.js';
import { publishHead, publishPhase, type Outcome } from './publish.js';
import { chainTop, localEntries } from './reconcile.js';
import { DEFAULT_NAMESPACE, RefNames, type RefKey } from './ref-names.js';
import { retractOwnUnpublished } from './retract.js';
import { divergedError, lostError, settlingElsewhere } from './settle.js';
import { realClock, TransitionRound, type RoundOps } from './round.js';
import { gitTransport, sleep, type Transport } from './transport.js';
import { creatorGone } from '../store/creator.js';
import { entryDir } from '../store/layout.js';
import { RemoteView, type LinkCtx } from './view.js';

export type { LinkCtx } from './view.js';
export type { RolledBack } from './import.js';

/** Where our entries go: the head (a start), or one phase of a sprint. */
type Target = { kind: 'head' } | { kind: 'phase'; sprint: SprintFile; phase: string };

/** What a link knows, handed on whole to its offline twin. */
interface Known {
  view: RemoteView;
  report: ImportReport;
  ownIds: Set<string>;
  fetched: boolean;
}

export class RemoteLink {
  readonly names: RefNames;
  readonly view: RemoteView;
  fetched: boolean;
  private report: ImportReport;
  /** Record ids this process created: the entries it may retract when they lose (added only by own()). */
  private readonly ownIds: Set<string>;
  private readonly transport: Transport;

  constructor(
    private readonly ctx: LinkCtx,
    private readonly config: LocalConfig,
    readonly offline: boolean,
    transport?: Transport,
    known?: Known,
  ) {
    this.names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, config.remote!);
    this.view = known?.view ?? new RemoteView(ctx, this.names);
    this.report = known?.report ?? emptyReport();
    this.ownIds = known?.ownIds ?? new Set();
    this.fetched = known?.fetched ?? false;
    this.transport = transport ?? gitTransport(ctx.cwd, this.names, { deadline: ctx.deadline, timeoutMs: ctx.remoteTimeoutMs });
  }

  /** The same link working offline (the post-commit hook when the remote is too slow): same knowledge, nothing fetched or pushed. */
  offlineTwin(): RemoteLink {
    return new RemoteLink(this.ctx, this.config, true, this.transport, {
      view: this.view,
      report: this.report,
      ownIds: this.ownIds,
      fetched: this.fetched,
    });
  }

  get unpublished(): ReadonlySet<string> {
    return this.report.unpublished;
  }

  get diverged(): ReadonlySet<string> {
    return this.report.diverged;
  }

  get rolledBack() {
    return this.report.rolledBack;
  }

  get headDiverged() {
    return this.report.headDiverged;
  }

  /** Fetch, then import. Throws exit 5 when the remote cannot be reached. */
  refresh(): void {
    // What we knew before this fetch, and when we last fetched: what is new now, and whether its dates fit (core/clock.ts).
    if (!this.loaded) this.view.load(this.ctx.store.activeSprintId());
    const known = new Set(this.phaseRecords().map((r) => r.id));
    const before = this.asOf();
    this.transport.fetch([this.names.fetchRefspec], true);
    this.fetched = true;
    stampFetch(this.ctx);
    this.importAll();
    this.noteClock(known, before === undefined ? undefined : Date.parse(before));
  }

  private get loaded(): boolean {
    return this.view.present.size > 0 || this.view.tracking.head !== undefined;
  }

  /** Every record of the active sprint's phase chains in the view. */
  private phaseRecords() {
    const id = this.ctx.store.activeSprintId();
    if (!id) return [];
    const out = [];
    for (const [, chain] of this.view.tracking.phases)
      if (chain.key.kind === 'phase' && chain.key.sprint === id) for (const e of chain.entries) out.push(e.record);
    return out;
  }

  /** Keeps the finding of claims that reached the remote dated before our previous fetch, until a fetch agrees again. */
  private noteClock(known: ReadonlySet<string>, previousFetch: number | undefined): void {
    noteLateRecords(
      this.ctx,
      this.phaseRecords().filter((r) => !known.has(r.id) && !this.ownIds.has(r.id)),
      previousFetch,
    );
  }

  /** Whether this clock disagrees with the teammates' records beyond the tolerance (core/clock.ts): records dated in the future, or the last fetch's finding. */
  clockSkew(): SkewFinding | undefined {
    const head = this.view.tracking.head?.entries.map((e) => e.record) ?? [];
    return futureRecord([...head, ...this.phaseRecords()], this.ctx.clock()) ?? keptFinding(this.ctx);
  }

  /** Imports the remote's entries from the tracking refs (no network). */
  importAll(): void {
    this.report = importRemote(this.ctx, this.view, this.ownIds, this.report);
  }

  /**
   * Re-reads the remote's current values of these phase refs with one
   * `ls-remote`, fetches only the refs that moved since our view, and imports
   * them. Throws exit 5 when the remote cannot be reached.
   */
  recheck(sprint: SprintFile, phases: readonly string[]): void {
    if (this.offline || !phases.length) return;
    const keys: RefKey[] = phases.map((phase) => ({ kind: 'phase', sprint: sprint.id, phase }));
    const actual = this.transport.lsRemote(keys.map((k) => this.names.remoteRef(k)));
    // A ref deleted on the remote holds no claim: only refs that exist and moved are worth fetching.
    const moved = keys.filter((k) => {
      const oid = actual.get(this.names.remoteRef(k));
      return oid !== undefined && oid !== this.view.present.get(this.names.trackingRef(k));
    });
    if (!moved.length) return;
    this.transport.fetch(
      moved.map((k) => `+${this.names.remoteRef(k)}:${this.names.trackingRef(k)}`),
      false,
    );
    this.importAll();
  }

  /** When the view of the remote was last refreshed: our fetch, or a plain `git fetch` / `git pull`. */
  asOf(): string | undefined {
    return fetchedAt(this.ctx);
  }

  /** The remote side of one phase transition, for the api's loop; undefined offline (nothing to publish). */
  round(sprint: SprintFile, phase: string): TransitionRound | undefined {
    if (this.offline) return undefined;
    const link = this;
    const ops: RoundOps = {
      get fetched() {
        return link.fetched;
      },
      refresh: () => this.refresh(),
      importAll: () => this.importAll(),
      isDiverged: (p) => this.isDiverged(p),
      divergedError: (p) => this.divergedError(p),
      settlingElsewhere: (p) => this.settlingElsewhere(sprint.id, p),
      publishOrRetract: (p, id, lost) => this.publishOrRetract({ kind: 'phase', sprint, phase: p }, id, lost),
      lostError: (p, e) => this.lostError(p, e),
    };
    return new TransitionRound(ops, phase, realClock(sleep));
  }

  isDiverged(phase: string): boolean {
    return this.report.diverged.has(phase);
  }

  settlingElsewhere(sprintId: string, phase: string): boolean {
    const { problems, diverged } = this.report;
    const top = this.ctx.store.phaseLog(sprintId, phase).top();
    const dir = this.ctx.store.phaseLog(sprintId, phase).dir;
    const gone = (r: { seq: number }) => creatorGone(entryDir(dir, r.seq), this.ctx.host);
    return settlingElsewhere(phase, {
      problems,
      diverged,
      top,
      remote: this.view.phaseChain(sprintId, phase)?.entries ?? [],
      ownIds: this.ownIds,
      now: this.ctx.clock(),
      gone,
    });
  }

  divergedError(phase: string): unknown {
    return divergedError(phase, this.names, this.report);
  }

  lostError(phase: string, e: unknown): unknown {
    return lostError(phase, this.names, e);
  }

  publishPhase(sprint: SprintFile, phase: string): Outcome {
    return this.publish({ kind: 'phase', sprint, phase });
  }

  publishHead(): Outcome {
    return this.publish({ kind: 'head' });
  }

  /**
   * Publishes the entry `abort --force` appended over a corrupt one. A
   * transition round cannot: it decides on the local tops, which the corrupt
   * entry makes unreadable.
   */
  publishRepair(sprint: SprintFile, phase: string, id: string): void {
    if (this.offline) return;
    this.publishOrRetract({ kind: 'phase', sprint, phase }, id, () => {
      this.refresh();
      throw unavailable(
        'E_LOST_RACE',
        `phase "${phase}" changed on remote ${this.names.remote} at the same moment; your log now follows the remote: check 'git conductor status'`,
        { phase, remote: this.names.remote },
      );
    });
  }

  /** Publishes a just-started sprint; on a loss or a failure, our head entry is moved aside and the error thrown. */
  publishStart(sprintId: string, headId: string): void {
    this.publishOrRetract({ kind: 'head' }, headId, () => {
      this.refresh();
      const winner = this.view.tracking.head?.entries.at(-1)?.record;
      throw unavailable(
        'E_LOST_RACE',
        `another agent started a sprint on remote ${this.names.remote} at the same moment (${winner ? `${winner.sprint_id} by ${winner.agent}@${winner.host}` : 'unknown'}): use it, or run start again to replace it`,
        { sprint_id: sprintId },
      );
    });
  }

  /**
   * `start` on a clone whose own sprint diverged from the remote's: starting
   * is the choice to replace the remote's sprint, so this clone's unpublished
   * starts are set aside (as their creator may) and the remote's head imported,
   * and the new start then follows it.
   */
  abandonDivergedHead(): void {
    if (!this.report.headDiverged) return;
    const remote = this.view.tracking.head?.entries ?? [];
    const published = new Set(remote.map((e) => e.record.id));
    for (const e of localEntries(this.ctx.store.headLog(), remote)) if (!published.has(e.record.id)) this.own(e.record.id);
    this.importAll();
  }

  summary() {
    return {
      name: this.names.remote,
      namespace: this.names.namespace,
      as_of: this.asOf(),
      unpublished: [...this.report.unpublished],
      diverged: [...this.report.diverged],
      rolled_back: this.report.rolledBack,
      problems: this.report.problems.map((p) => `${p.ref} ${p.problem}`),
      head_diverged: this.report.headDiverged,
      clock_skew: this.clockSkew(),
    };
  }

  /**
   * The one publish-or-retract path (start, repair, phase transitions): our
   * entry `id` is recorded as ours and the target published. True when the
   * remote has it; on a lost push `lost()` decides (return false to decide
   * again, or throw). Whatever is thrown, our unpublished entries of the
   * target are moved aside first, so nothing half-done stays.
   */
  private publishOrRetract(target: Target, id: string, lost: () => false): boolean {
    this.own(id);
    try {
      return this.publish(target) === 'won' || lost();
    } catch (e) {
      // The remote may hold it: taking it back here would let a teammate's claim and ours both stand. Keep it; sync settles it.
      if (!isCode(e, 'E_OUTCOME_UNKNOWN')) this.retract(target);
      throw e;
    }
  }

  /** Marks an entry as this process's: one it may take back when it loses. */
  private own(id: string): void {
    this.ownIds.add(id);
  }

  /** Publishes the target's local entries beyond the remote's, and applies what the push changed. */
  private publish(target: Target): Outcome {
    if (target.kind === 'phase') {
      const hd = this.report.headDiverged;
      // Never publish a phase of a sprint the remote's head does not name: teammates would never find it.
      if (hd) throw unavailable('E_DIVERGED', headDivergedMessage(hd.local, hd.remote), { ...hd });
      // A sprint started before `init`: the remote has no head yet, so teammates could not find this phase.
      if (!this.view.tracking.head && this.ctx.store.headLog().topSeq() > 0) this.publish({ kind: 'head' });
      // Never publish a phase of a sprint the remote's head does not name (an interrupted or offline start):
      // teammates would claim the same phase in the sprint they know while we believe we hold it.
      const named = this.view.tracking.head?.entries.at(-1)?.record.sprint_id;
      if (named !== undefined && named !== target.sprint.id) {
        throw unavailable(
          'E_DIVERGED',
          `this clone's sprint ${target.sprint.id} is not on remote ${this.names.remote}, whose head names sprint ${named}: nothing was published. Run 'git conductor sync' to publish your start (it replaces ${named}), or 'git conductor status --fetch' to see the remote's sprint`,
          { local: target.sprint.id, remote: named },
        );
      }
    }
    const r =
      target.kind === 'head'
        ? publishHead(this.view, this.transport)
        : publishPhase(this.view, this.transport, target.sprint, target.phase);
    if (r === 'lost') return 'lost';
    if (r === 'in-sync') return 'won';
    this.view.apply(r);
    if (target.kind === 'phase') {
      const unpublished = new Set(this.report.unpublished);
      unpublished.delete(target.phase);
      this.report = { ...this.report, unpublished };
    }
    return 'won';
  }

  private retract(target: Target): void {
    if (target.kind === 'head')
      retractOwnUnpublished(this.ctx.store.headLog(), chainTop(this.view.tracking.head?.entries ?? []), this.ownIds);
    else
      retractOwnUnpublished(
        this.ctx.store.phaseLog(target.sprint.id, target.phase),
        this.view.phaseChain(target.sprint.id, target.phase)?.entries.length ?? 0,
        this.ownIds,
      );
  }
}
