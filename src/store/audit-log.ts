/**
 * Reading the audit log from its end, and keeping it bounded.
 *
 * `log` wants the newest lines: the file is read backwards in fixed-size
 * chunks and reading stops as soon as `limit` matching entries are found, so
 * its cost follows the limit, not the log's age. A sprint filter is a
 * substring test on the raw line before any JSON.parse (our lines are written
 * by JSON.stringify, so `"sprint_id":"<id>"` appears verbatim); a line that
 * passes is still parsed and validated, so the prefilter can only skip work,
 * never let a wrong line through.
 *
 * Bounded by rotation, not rewriting: `rotateAudit` renames the live file to
 * the one previous generation (dropping the older one). A rename never loses
 * a concurrent O_APPEND write: a writer that opened the old file appends to
 * the rotated generation, which `log` still reads.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { AuditEntry, check } from '../core/schemas.js';

const CHUNK = 64 * 1024;
/** Above this size `clean` rotates the live file (about 20,000 events). */
export const AUDIT_ROTATE_BYTES = 4 * 1024 * 1024;

export interface AuditTail {
  /** Oldest first. */
  entries: AuditEntry[];
  bad: number;
  /** Older matching lines may exist that were not read. */
  more: boolean;
}

/** Lines of `file`, newest first, until `visit` returns false. */
function backwards(file: string, visit: (line: string) => boolean): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return true;
  }
  try {
    let end = fstatSync(fd).size;
    // The start of the line that began before the chunk read last.
    let rest = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const buf = Buffer.alloc(end - start);
      readSync(fd, buf, 0, buf.length, start);
      end = start;
      const data = Buffer.concat([buf, rest]);
      // Split on byte 10, so a multi-byte UTF-8 character is never cut.
      let stop = data.length;
      while (stop > 0) {
        const nl = data.lastIndexOf(10, stop - 1);
        if (nl < 0) break;
        if (stop > nl + 1 && !visit(data.subarray(nl + 1, stop).toString('utf8'))) return false;
        stop = nl;
      }
      rest = data.subarray(0, stop);
    }
    if (rest.length && !visit(rest.toString('utf8'))) return false;
    return true;
  } finally {
    closeSync(fd);
  }
}

/** The newest `limit` entries (0: all) of the live file and its rotated generation, optionally of one sprint. */
export function readAuditTail(files: { live: string; rotated: string }, opts: { limit: number; sprint?: string }): AuditTail {
  const out: AuditEntry[] = [];
  let bad = 0;
  let more = false;
  const needle = opts.sprint === undefined ? undefined : `"sprint_id":${JSON.stringify(opts.sprint)}`;
  const visit = (line: string): boolean => {
    if (needle && !line.includes(needle)) return true;
    if (opts.limit && out.length >= opts.limit) {
      more = true;
      return false;
    }
    try {
      const r = check(AuditEntry, JSON.parse(line));
      if (!r.ok) bad++;
      else if (opts.sprint === undefined || r.value.sprint_id === opts.sprint) out.push(r.value);
    } catch {
      bad++;
    }
    return true;
  };
  if (backwards(files.live, visit)) backwards(files.rotated, visit);
  return { entries: out.reverse(), bad, more };
}

/** Rotates the live file when it is over `maxBytes`; true when it did. */
export function rotateAudit(files: { live: string; rotated: string }, maxBytes = AUDIT_ROTATE_BYTES): boolean {
  try {
    if (statSync(files.live).size <= maxBytes) return false;
    renameSync(files.live, files.rotated);
    return true;
  } catch {
    return false; // nothing to rotate, or a concurrent clean did it
  }
}
