/**
 * Pushes the gate never saw. `git push --no-verify` and CONDUCTOR_HOOKS=0 skip
 * the pre-push hook, but a push to a named remote still moves that remote's
 * tracking ref, and git logs the move as "update by push" in the ref's reflog
 * (which lives in the common git dir). The next push that does pass through
 * the gate reads those entries, so such bypasses are recorded after the fact.
 *
 * Reflogs keep whole seconds, so a push is known only to within a second.
 * Recording a push that happened before the sprint started would accuse
 * someone falsely, so a push counts only when its EARLIEST possible time is
 * at or after the start: a push in the sprint's first (partial) second goes
 * unrecorded. The newest line of a reflog file is an exception: the file's
 * modification time is that line's precise time (when it falls in the line's
 * second), so a bypass right after `start` is still caught.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { READ_CAPS, readBoundedText } from '../store/bounded-read.js';

export interface LoggedPush {
  /** The branch on the remote, e.g. refs/heads/main. */
  ref: string;
  oid: string;
  /** Earliest possible push time (exact for a reflog's newest line). */
  at: number;
  /** Latest possible push time. */
  latest: number;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const LINE = /^[0-9a-f]{40,64} ([0-9a-f]{40,64}) [^\t]*> (\d{1,12}) [+-]\d{4}\tupdate by push$/;

export function loggedPushes(commonDir: string, remote: string, since: number): LoggedPush[] {
  if (!SAFE.test(remote)) return [];
  const base = join(commonDir, 'logs', 'refs', 'remotes', remote);
  const out: LoggedPush[] = [];
  const walk = (dir: string, rel: string[], depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (!SAFE.test(n) || n === 'HEAD') continue;
      const p = join(dir, n);
      const st = lstatSync(p);
      if (st.isDirectory() && depth < 8) walk(p, [...rel, n], depth + 1);
      else if (st.isFile() && st.mtimeMs >= since && st.size < READ_CAPS.reflog) {
        let text: string | undefined;
        try {
          text = readBoundedText(p, READ_CAPS.reflog, { noFollow: true });
        } catch {
          continue; // replaced while we looked: not a reflog we can judge
        }
        const lines = (text ?? '').trimEnd().split('\n');
        lines.forEach((line, i) => {
          const m = LINE.exec(line);
          if (!m || /^0+$/.test(m[1]!)) return;
          const second = Number(m[2]) * 1000;
          const exact = i === lines.length - 1 && Math.floor(st.mtimeMs / 1000) * 1000 === second;
          const at = exact ? Math.floor(st.mtimeMs) : second;
          if (at >= since) out.push({ ref: `refs/heads/${[...rel, n].join('/')}`, oid: m[1]!, at, latest: exact ? at : second + 999 });
        });
      }
    }
  };
  walk(base, [], 0);
  return out;
}
