/**
 * Pushes the gate never saw. `git push --no-verify` and CONDUCTOR_HOOKS=0 skip
 * the pre-push hook, but a push to a named remote still moves that remote's
 * tracking ref, and git logs the move as "update by push" in the ref's reflog
 * (which lives in the common git dir). The next push that does pass through
 * the gate reads those entries, so such bypasses are recorded after the fact.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoggedPush {
  /** The branch on the remote, e.g. refs/heads/main. */
  ref: string;
  oid: string;
  /** Upper bound of the push time: reflogs keep whole seconds. */
  at: number;
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
      else if (st.isFile() && st.mtimeMs >= since && st.size < 4 * 1024 * 1024) {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          const m = LINE.exec(line);
          const at = m ? Number(m[2]) * 1000 + 999 : 0;
          if (m && at >= since && !/^0+$/.test(m[1]!)) out.push({ ref: `refs/heads/${[...rel, n].join('/')}`, oid: m[1]!, at });
        }
      }
    }
  };
  walk(base, [], 0);
  return out;
}
