/** Looking at the state directory from tests: where things are, and a snapshot to prove a refusal changed nothing. */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export const stateDir = (repo: string) => join(repo, '.git', 'conductor');
export const phaseDir = (repo: string, sprint: string, phase: string) => join(stateDir(repo), 'sprints', sprint, 'phases', phase);

/** Every path under the state directory with its content (files), target (links) or '<dir>'. */
export function snapshot(repo: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(dir, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out[r] = '<dir>';
        walk(p, r);
      } else if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(p)}`;
      else out[r] = readFileSync(p, 'utf8');
    }
  };
  walk(stateDir(repo), '');
  return out;
}

export const auditEvents = (repo: string) =>
  readFileSync(join(stateDir(repo), 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; phase?: string; agent?: string; detail?: string; sprint_id?: string });
