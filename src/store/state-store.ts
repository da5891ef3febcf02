/** The local state directory: sprints, their phase logs, the head log, config and audit. */
import { appendFileSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { corrupt, isConductorError } from '../core/errors.js';
import { graphProblem } from '../core/graph.js';
import { AuditEntry, check, HeadRecord, LedgerRecord, LocalConfig, PhaseRecord, SPRINT_ID_RE, SprintFile } from '../core/schemas.js';
import { BoundedReadError, READ_CAPS, readBoundedText } from './bounded-read.js';
import { randomHex, replaceFile, writeFileAtomic, writeFileDurable } from './fs-atomic.js';
import { child, Layout, SPRINT_FILE } from './layout.js';
import { SeqLog } from './seq-log.js';

const REPAIR_PHASE = (phase: string) => `release it with 'git conductor abort ${phase} --force' (appends a fresh entry over it)`;
const REPAIR_SPRINT = `start a new sprint with 'git conductor start', or restore the file from a teammate's copy`;
const REPAIR_CONFIG = `fix it or remove it and run 'git conductor init' again`;

/** A state file's text (undefined: missing); a device, FIFO or oversized file is corrupt state. */
function stateText(file: string, cap: number, repair: string): string | undefined {
  try {
    return readBoundedText(file, cap);
  } catch (e) {
    if (e instanceof BoundedReadError) throw corrupt(file, e.problem, repair);
    throw e;
  }
}

export class StateStore {
  readonly layout: Layout;
  constructor(
    readonly commonDir: string,
    /** `testPause`: test-only, the pause point every append of this store hangs at (see fs-atomic.ts). */
    private readonly opts: { testPause?: string } = {},
  ) {
    this.layout = new Layout(commonDir);
  }

  headLog(): SeqLog<HeadRecord> {
    return new SeqLog(this.layout.head, HeadRecord, `start a new sprint with 'git conductor start'`, this.opts.testPause);
  }

  phaseLog(sprintId: string, phase: string): SeqLog<PhaseRecord> {
    return new SeqLog(this.layout.phase(sprintId, phase), PhaseRecord, REPAIR_PHASE(phase), this.opts.testPause);
  }

  /** The sprint's budget and attempts. A corrupt entry is repaired by hand or from the remote's ref: it is arithmetic, not a claim. */
  ledgerLog(sprintId: string): SeqLog<LedgerRecord> {
    return new SeqLog(
      this.layout.ledger(sprintId),
      LedgerRecord,
      `restore it from a teammate's copy or the remote's ledger ref, or start a new sprint`,
    );
  }

  activeSprintId(): string | undefined {
    return this.headLog().top()?.record.sprint_id;
  }

  readSprint(id: string): SprintFile {
    const file = this.layout.sprintFile(id);
    const text = stateText(file, READ_CAPS.sprint, REPAIR_SPRINT);
    if (text === undefined) throw corrupt(file, 'missing', REPAIR_SPRINT);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw corrupt(file, 'not valid JSON', REPAIR_SPRINT);
    }
    const r = check(SprintFile, raw);
    if (!r.ok) throw corrupt(file, r.problem, REPAIR_SPRINT);
    if (r.value.id !== id) throw corrupt(file, `id ${r.value.id} does not match its directory`, REPAIR_SPRINT);
    const problem = graphProblem(r.value.phases);
    if (problem) throw corrupt(file, `invalid phase graph (${problem})`, REPAIR_SPRINT);
    return r.value;
  }

  /**
   * Archives an active sprint: the one home of "a finished or replaced sprint
   * is archived". By id, an unreadable sprint is left alone (it must not stop
   * the start or import that replaces it; `clean` removes it later).
   */
  archiveSprint(sprint: SprintFile | string, at: string): void {
    let s: SprintFile;
    try {
      s = typeof sprint === 'string' ? this.readSprint(sprint) : sprint;
    } catch (e) {
      if (isConductorError(e)) return;
      throw e;
    }
    if (s.status === 'active') this.writeSprint({ ...s, status: 'archived', archived_at: at });
  }

  /** The sprint directory appears whole or not at all: staged, then renamed into place. */
  createSprint(sprint: SprintFile): void {
    mkdirSync(this.layout.sprints, { recursive: true });
    const stage = child(this.layout.sprints, `.stage-${process.pid}-${randomHex(6)}`);
    mkdirSync(stage);
    try {
      writeFileDurable(child(stage, SPRINT_FILE), JSON.stringify(sprint, null, 2) + '\n');
      renameSync(stage, this.layout.sprint(sprint.id));
    } catch (e) {
      rmSync(stage, { recursive: true, force: true });
      throw e;
    }
  }

  writeSprint(sprint: SprintFile): void {
    writeFileAtomic(this.layout.sprintFile(sprint.id), JSON.stringify(sprint, null, 2) + '\n');
  }

  /**
   * The newest record of every phase (or of `only` these). One listing of the
   * phases directory tells which phases have a log at all, so the many
   * never-claimed phases of a big graph cost nothing. A log created just after
   * the listing is one this read did not see yet, as if it had run a moment
   * earlier: an append from such a stale view loses the race and re-reads, and
   * claim's concurrency re-check lists again after its own append.
   */
  tops(sprint: SprintFile, only: ReadonlyArray<{ name: string }> = sprint.phases): Map<string, PhaseRecord | undefined> {
    const present = new Set(listDir(this.layout.phases(sprint.id)));
    return new Map(only.map((p) => [p.name, present.has(p.name) ? this.phaseLog(sprint.id, p.name).top()?.record : undefined]));
  }

  sprintIds(): string[] {
    return listDir(this.layout.sprints)
      .filter((n) => SPRINT_ID_RE.test(n))
      .sort();
  }

  removeSprint(id: string): void {
    // Rename first so a half-finished delete never looks like a sprint.
    const doomed = child(this.layout.sprints, `.deleting-${id}-${randomHex(4)}`);
    renameSync(this.layout.sprint(id), doomed);
    rmSync(doomed, { recursive: true, force: true });
  }

  readConfig(): LocalConfig {
    const text = stateText(this.layout.config, READ_CAPS.config, REPAIR_CONFIG);
    if (text === undefined) return { v: 1 };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw corrupt(this.layout.config, 'not valid JSON', REPAIR_CONFIG);
    }
    const r = check(LocalConfig, raw);
    if (!r.ok) throw corrupt(this.layout.config, r.problem, REPAIR_CONFIG);
    return r.value;
  }

  writeConfig(c: LocalConfig): void {
    writeFileAtomic(this.layout.config, JSON.stringify(c, null, 2) + '\n');
  }

  /** A small JSON file of this clone's own bookkeeping (a cache, a stamp), parsed but not validated: undefined when missing or unreadable. */
  readNote(file: string): unknown {
    try {
      const text = readBoundedText(file, READ_CAPS.config);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  }

  /** Replaced whole; not fsynced (losing it costs a git call, nothing more). */
  writeNote(file: string, value: unknown): void {
    mkdirSync(this.layout.root, { recursive: true });
    replaceFile(file, JSON.stringify(value) + '\n');
  }

  /**
   * What went wrong on the side, after the verb's own change was made (an
   * audit line that could not be written): the verb still succeeded, and
   * its result carries these (api/warnings.ts).
   */
  readonly warnings: string[] = [];

  /**
   * One write(2) with O_APPEND per line, so concurrent agents' lines never
   * interleave. The audit records what already happened: a full disk or an
   * unwritable file must not turn a claim that stands into a failure, so a
   * failed append becomes a warning, never an error.
   */
  audit(entry: AuditEntry): void {
    try {
      mkdirSync(this.layout.root, { recursive: true });
      appendFileSync(this.layout.audit, JSON.stringify(entry) + '\n');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
      this.warnings.push(
        `could not write the audit log ${this.layout.audit} (${why}): the ${entry.event}${entry.phase ? ` of ${entry.phase}` : ''} stands, but is not in the audit log; free some space or fix the file`,
      );
    }
  }

  /** Lines that fail validation are reported, not trusted. */
  readAudit(): { entries: AuditEntry[]; bad: number } {
    let text: string;
    try {
      // The newest lines only, past the cap: the first (partial) line then fails validation and is counted as bad.
      text = readBoundedText(this.layout.audit, READ_CAPS.auditTail, { tail: true }) ?? '';
    } catch {
      return { entries: [], bad: 0 };
    }
    const entries: AuditEntry[] = [];
    let bad = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const r = check(AuditEntry, JSON.parse(line));
        if (r.ok) entries.push(r.value);
        else bad++;
      } catch {
        bad++;
      }
    }
    return { entries, bad };
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
