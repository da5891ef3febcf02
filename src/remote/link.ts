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
 * refs (view.ts), so a phase completed on another machine is done here too.
 */
import { existsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConductorError, ExitCode, isConductorError, unavailable } from '../core/errors.js';
import type { LocalConfig, PhaseRecord, SprintFile } from '../core/schemas.js';
import type { Entry } from '../store/seq-log.js';
import { publishHead, publishPhase, retractOwn, retractOwnHead, type Outcome } from './publish.js';
import { localEntries, mayRetract } from './reconcile.js';
import { DEFAULT_NAMESPACE, RefNames, type RefKey } from './ref-names.js';
import { fetchRefspecs, lsRemote, sleep } from './transport.js';
import { RemoteView, type LinkCtx } from './view.js';

export type { LinkCtx, RolledBack } from './view.js';

const MAX_ATTEMPTS = 6;
/**
 * How long a refusal waits for a same-machine racer's unpublished entry to win
 * or lose on the remote: one push and one fetch, which take seconds on a slow
 * link or a loaded machine.
 */
const SETTLE_MS = 10_000;

export class RemoteLink {
  readonly names: RefNames;
  readonly view: RemoteView;
  fetched = false;

  constructor(
    private readonly ctx: LinkCtx,
    config: LocalConfig,
    readonly offline: boolean,
  ) {
    this.names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, config.remote!);
    this.view = new RemoteView(ctx, this.names);
  }

  get unpublished(): ReadonlySet<string> {
    return this.view.unpublished;
  }

  get diverged(): ReadonlySet<string> {
    return this.view.diverged;
  }

  get rolledBack() {
    return this.view.rolledBack;
  }

  /** Fetch, then import. Throws exit 5 when the remote cannot be reached. */
  refresh(): void {
    fetchRefspecs(this.ctx.cwd, this.names, [this.names.fetchRefspec], true, this.ctx.deadline);
    this.fetched = true;
    const stamp = this.ctx.store.layout.fetchStamp;
    try {
      const now = new Date();
      if (existsSync(stamp)) utimesSync(stamp, now, now);
      else writeFileSync(stamp, '');
    } catch {
      // The stamp only feeds "as of"; never fail a command for it.
    }
    this.view.importAll();
  }

  importAll(): void {
    this.view.importAll();
  }

  /**
   * Re-reads the remote's current values of these phase refs with one
   * `ls-remote`, fetches only the refs that moved since our view, and imports
   * them. Throws exit 5 when the remote cannot be reached.
   */
  recheck(sprint: SprintFile, phases: readonly string[]): void {
    if (this.offline || !phases.length) return;
    const keys: RefKey[] = phases.map((phase) => ({ kind: 'phase', sprint: sprint.id, phase }));
    const actual = lsRemote(this.ctx.cwd, this.names.remote, keys.map((k) => this.names.remoteRef(k)), this.ctx.deadline);
    // A ref deleted on the remote holds no claim: only refs that exist and moved are worth fetching.
    const moved = keys.filter((k) => {
      const oid = actual.get(this.names.remoteRef(k));
      return oid !== undefined && oid !== this.view.present.get(this.names.trackingRef(k));
    });
    if (!moved.length) return;
    fetchRefspecs(this.ctx.cwd, this.names, moved.map((k) => `+${this.names.remoteRef(k)}:${this.names.trackingRef(k)}`), false, this.ctx.deadline);
    this.view.importAll();
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
        if (this.view.diverged.has(phase) && !this.offline) throw this.divergedError(phase);
        res = attempt();
      } catch (e) {
        if (!this.offline && !this.fetched && mayBeStale(e)) {
          this.refresh();
          continue;
        }
        // Refused because of another local process's entry that is still on its
        // way to the remote: it may yet lose, so its holder is not the answer.
        // Its push (or its retraction after a fetch) moves the tracking refs,
        // so re-reading them locally is enough. A refusal for divergence is
        // retried too: the log may have settled between the import that saw
        // it diverge and now, and then only a fresh decision is the answer.
        const divergedRefusal = isConductorError(e) && e.code === 'E_DIVERGED';
        if (!this.offline && (divergedRefusal || this.settlingElsewhere(sprint.id, phase))) {
          // Still unsettled after the wait: say so rather than name a holder that may never hold it.
          if (Date.now() >= settleBy) e = this.divergedError(phase);
          else {
            sleep(20 + Math.random() * 30);
            this.view.importAll();
            continue;
          }
        }
        throw lost ? this.lostError(phase, e) : e;
      }
      if (this.offline) return res;
      this.view.ownIds.add(res.entry.record.id);
      try {
        if (publishPhase(this.view, sprint, phase) === 'won') return res;
        lost = true;
        if (++losses >= MAX_ATTEMPTS) throw unavailable('E_REMOTE_BUSY', `gave up on phase "${phase}" after ${MAX_ATTEMPTS} attempts: the remote keeps changing; try again`);
        sleep(10 + Math.random() * 40 * losses);
        this.refresh();
      } catch (e) {
        retractOwn(this.view, sprint.id, phase);
        throw e;
      }
    }
  }

  /**
   * Is the phase still being settled by another live process of this clone?
   * Settled means the local log ends with the remote's newest entry. Anything
   * else on top is a racer's entry that is still being published or retracted:
   * one not on the remote yet, or one appended at the very number that a
   * retraction had just freed, before the remote's entry could be imported
   * there (same number as the remote's, different record). Its holder is not
   * the answer until it has settled.
   */
  private settlingElsewhere(sprintId: string, phase: string): boolean {
    const v = this.view;
    if (v.problems.some((x) => x.ref.endsWith(`/phases/${phase}`))) return false;
    const top = this.ctx.store.phaseLog(sprintId, phase).top();
    const remote = v.phaseChain(sprintId, phase)?.entries ?? [];
    // An empty log: a loser's entry was just moved aside, and importing again settles it.
    if (!top) return v.diverged.has(phase) || remote.length > 0;
    if (top.seq === remote.length && remote[top.seq - 1]!.record.id === top.record.id) return false;
    return !mayRetract(top.record, { ownIds: v.ownIds, now: Date.now() });
  }

  private divergedError(phase: string) {
    const damaged = this.view.corrupt.get(phase);
    if (damaged) return damaged;
    const p = this.view.problems.find((x) => x.ref.endsWith(`/phases/${phase}`));
    if (p) return new ConductorError('E_BAD_REMOTE_REF', ExitCode.unexpected, `remote-tracking ref ${p.ref} ${p.problem}: ask whoever wrote it, or delete it on the remote with 'git push ${this.names.remote} --delete ${this.names.namespace}${p.ref.slice(this.names.trackingPrefix.length - 1)}'`, { ref: p.ref });
    return unavailable('E_DIVERGED', `phase "${phase}" has a local entry that is not on the remote and is being settled by another process; try again in a moment, or run 'git conductor sync'`);
  }

  private lostError(phase: string, e: unknown): unknown {
    if (!isConductorError(e) || e.exitCode !== ExitCode.unavailable) return e;
    return new ConductorError('E_LOST_RACE', ExitCode.unavailable, `lost the race for "${phase}" on remote ${this.names.remote}: ${e.message}`, { ...e.data, phase, remote: this.names.remote });
  }

  publishPhase(sprint: SprintFile, phase: string): Outcome {
    return publishPhase(this.view, sprint, phase);
  }

  publishHead(): Outcome {
    return publishHead(this.view);
  }

  /**
   * Publishes the entry `abort --force` appended over a corrupt one. transition()
   * cannot: it decides on the local tops, which the corrupt entry makes unreadable.
   */
  publishRepair(sprint: SprintFile, phase: string, id: string): void {
    if (this.offline) return;
    this.view.ownIds.add(id);
    try {
      if (publishPhase(this.view, sprint, phase) === 'won') return;
      this.refresh();
      throw unavailable('E_LOST_RACE', `phase "${phase}" changed on remote ${this.names.remote} at the same moment; your log now follows the remote: check 'git conductor status'`, { phase, remote: this.names.remote });
    } catch (e) {
      retractOwn(this.view, sprint.id, phase);
      throw e;
    }
  }

  /**
   * `start` on a clone whose own sprint diverged from the remote's: starting
   * is the choice to replace the remote's sprint, so this clone's unpublished
   * starts are set aside (as their creator may) and the remote's head imported,
   * and the new start then follows it.
   */
  abandonDivergedHead(): void {
    if (!this.view.headDiverged) return;
    const remote = this.view.tracking.head?.entries ?? [];
    const published = new Set(remote.map((e) => e.record.id));
    for (const e of localEntries(this.ctx.store.headLog(), remote)) if (!published.has(e.record.id)) this.view.ownIds.add(e.record.id);
    this.view.importAll();
  }

  /** Publishes a just-started sprint; on a loss or a failure, our head entry is moved aside and the error thrown. */
  publishStart(sprintId: string, headId: string): void {
    this.view.ownIds.add(headId);
    try {
      if (publishHead(this.view) === 'won') return;
      this.refresh();
      const winner = this.view.tracking.head?.entries.at(-1)?.record;
      throw unavailable('E_LOST_RACE', `another agent started a sprint on remote ${this.names.remote} at the same moment (${winner ? `${winner.sprint_id} by ${winner.agent}@${winner.host}` : 'unknown'}): use it, or run start again to replace it`, { sprint_id: sprintId });
    } catch (e) {
      retractOwnHead(this.view);
      throw e;
    }
  }

  summary() {
    return {
      name: this.names.remote,
      namespace: this.names.namespace,
      as_of: this.asOf(),
      unpublished: [...this.view.unpublished],
      diverged: [...this.view.diverged],
      rolled_back: this.view.rolledBack,
      problems: this.view.problems.map((p) => `${p.ref} ${p.problem}`),
      head_diverged: this.view.headDiverged,
    };
  }
}

/** Refusals that a fresh view of the remote might change. A done phase stays done. */
const mayBeStale = (e: unknown) =>
  isConductorError(e) && (e.exitCode === ExitCode.blocked || (e.exitCode === ExitCode.unavailable && !['E_ALREADY_DONE', 'E_SPRINT_ARCHIVED', 'E_LEASE_LIVE'].includes(e.code)));
