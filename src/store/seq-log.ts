/**
 * The lock protocol. A SeqLog is an append-only directory of numbered entries
 * (000001/, 000002/, ...), each holding a complete record.json. The newest
 * entry is the current state; changing state means creating the next number.
 *
 * Appending entry N+1:
 *   1. mkdir a private staging directory `.stage-<pid>-<random>` (unique name:
 *      no other process can touch it);
 *   2. write record.json (and any payload) inside it and fsync;
 *   3. rename the staging directory onto `N+1`.
 * rename(2) of a directory fails when the target exists and is not empty
 * (ENOTEMPTY / EEXIST on Linux and macOS), and every entry holds a record, so
 * exactly one of any number of racing processes creates N+1; the others see
 * a lost race and re-read. Entries are never modified or deleted, so there is
 * no window in which a release, a takeover or a cleanup can delete someone
 * else's live claim, and no ABA: numbers are never reused. (The one exception,
 * `retract`, is for unpublished entries that lost on the coordination remote;
 * api/transition.ts re-checks its decision after appending because of it.)
 *
 * Crashes: before step 3, only a staging directory is left; its name is not an
 * entry, so it blocks nothing, and it is swept once it is old. After step 3 the
 * entry is complete, and a claim in it is a lease that expires.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { corrupt, isCode, unavailable } from '../core/errors.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import { check } from '../core/schemas.js';
import type * as z from 'zod/mini';
import { BoundedReadError, READ_CAPS, readBoundedText } from './bounded-read.js';
import { child, entryDir, pad, RECORD_FILE } from './layout.js';
import { pausePoint, randomHex, writeFileDurable } from './fs-atomic.js';

const ENTRY_RE = /^\d{6,9}$/;
const STALE_STAGE_MS = 10 * 60 * 1000;
export { pad };

export interface Entry<R> {
  seq: number;
  record: R;
  dir: string;
}

export class SeqLog<R extends { seq: number }> {
  constructor(
    readonly dir: string,
    private readonly schema: () => z.ZodMiniType<R>,
    /** What to tell the user when an entry is corrupt. */
    private readonly repair: string,
    /** Test-only: the pause point appends hang at (see fs-atomic.ts). */
    private readonly testPause?: string,
  ) {}

  /** Entry numbers present, ascending. */
  seqs(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .filter((n) => ENTRY_RE.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  topSeq(): number {
    const s = this.seqs();
    return s.length ? s[s.length - 1]! : 0;
  }

  read(seq: number): Entry<R> {
    // Every command reads one entry per phase: plain concatenation, not path.join (see layout.ts).
    const dir = entryDir(this.dir, seq);
    const file = child(dir, RECORD_FILE);
    let raw: unknown;
    let text: string | undefined;
    try {
      text = readBoundedText(file, READ_CAPS.record);
    } catch (e) {
      if (e instanceof BoundedReadError) throw corrupt(file, e.problem, this.repair);
      throw e;
    }
    // The whole entry gone is not damage: it was retracted (moved aside) since it was listed.
    if (text === undefined && !existsSync(dir))
      throw unavailable('E_ENTRY_GONE', `entry ${pad(seq)} of ${this.dir} was moved aside at the same moment; look again and retry`, {
        seq,
      });
    if (text === undefined) throw corrupt(file, 'record.json is missing', this.repair);
    try {
      raw = JSON.parse(text);
    } catch {
      throw corrupt(file, 'not valid JSON', this.repair);
    }
    const r = check(this.schema, raw);
    if (!r.ok) throw corrupt(file, r.problem, this.repair);
    if (r.value.seq !== seq) throw corrupt(file, `seq ${r.value.seq} does not match its entry ${seq}`, this.repair);
    return { seq, record: r.value, dir };
  }

  top(): Entry<R> | null {
    return this.consistent(() => {
      const seq = this.topSeq();
      return seq ? this.read(seq) : null;
    });
  }

  all(): Entry<R>[] {
    return this.consistent(() => this.seqs().map((s) => this.read(s)));
  }

  private consistent<T>(readAll: () => T): T {
    return readConsistently(readAll);
  }

  /**
   * Creates entry `afterSeq + 1`. Throws E_LOST_RACE (exit 3) when another
   * process created it first; the caller re-reads and decides again.
   */
  append(afterSeq: number, record: Omit<R, 'seq'>, payload: Record<string, Uint8Array> = {}): Entry<R> {
    const seq = afterSeq + 1;
    const full = { ...record, seq } as R;
    // Never write what read() would reject: that would turn a bad value into a corrupt phase.
    const valid = check(this.schema, full);
    if (!valid.ok) throw new Error(`refusing to write an invalid record to ${this.dir}: ${valid.problem}`);
    mkdirSync(this.dir, { recursive: true });
    const stage = child(this.dir, `.stage-${process.pid}-${randomHex(6)}`);
    mkdirSync(stage);
    try {
      pausePoint('after-mkdir', this.testPause);
      for (const [name, bytes] of Object.entries(payload)) writeFileDurable(child(stage, name), bytes);
      writeFileDurable(child(stage, RECORD_FILE), JSON.stringify(full) + '\n');
      pausePoint('before-rename', this.testPause);
      renameSync(stage, entryDir(this.dir, seq));
    } catch (e) {
      rmSync(stage, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'ENOTDIR') {
        throw unavailable(
          'E_LOST_RACE',
          `lost the race for ${this.dir}: another agent changed it at the same moment; look again and retry`,
          { seq },
        );
      }
      throw e;
    }
    pausePoint('after-rename', this.testPause);
    this.sweepStages();
    return { seq, record: full, dir: entryDir(this.dir, seq) };
  }

  /**
   * Moves an entry aside (to `.retracted-<seq>-<id>-<random>`, which is not an
   * entry name, so the log ends below it again). Only for entries that were
   * never published and lost on the coordination remote; the caller enforces
   * who may retract what (see remote/reconcile.ts). Returns false when the
   * entry is gone or is no longer the one expected (someone else moved it).
   */
  retract(seq: number, id: string): boolean {
    const from = entryDir(this.dir, seq);
    try {
      const r = this.read(seq).record as unknown as { id?: string };
      if (r.id !== id) return false;
      renameSync(from, child(this.dir, `.retracted-${pad(seq)}-${id}-${randomHex(3)}`));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || isCode(e, 'E_CORRUPT_STATE', 'E_ENTRY_GONE')) return false;
      throw e;
    }
  }

  /** Removes staging directories left by crashed processes. Old ones only: a live append takes milliseconds. */
  private sweepStages(): void {
    const now = Date.now();
    for (const n of readdirSync(this.dir)) {
      if (!n.startsWith('.stage-')) continue;
      const p = child(this.dir, n);
      try {
        if (now - statSync(p).mtimeMs > STALE_STAGE_MS) rmSync(p, { recursive: true, force: true });
      } catch {
        // Gone already: another sweeper got there first.
      }
    }
  }
}

/**
 * Runs `readAll` (which lists a log and reads its entries) again when an
 * entry was retracted between the listing and the read: the one home of that
 * retry, for the store's own reads and for reconciling against the remote.
 */
export function readConsistently<T>(readAll: () => T): T {
  for (let i = 1; ; i++) {
    try {
      return readAll();
    } catch (e) {
      if (i >= RETRY_BOUNDS.ENTRY_GONE_TRIES || !isCode(e, 'E_ENTRY_GONE')) throw e;
    }
  }
}
