/**
 * Deleting the remote refs of sprints a retention policy lets go, by
 * compare-and-swap: every deletion is `--force-with-lease=<ref>:<the value we
 * read> :<ref>`, so a ref that moved since our fetch is never deleted (the
 * push reports it stale and it stays for the next run), and the sprint the
 * remote's head names, or this clone's active one, is never a candidate.
 *
 * Phase refs go in one push, then the sprint refs of the sprints whose phase
 * refs all went, so a run cut short or a moved phase ref leaves a sprint ref,
 * never a phase ref without its definition that nobody would delete.
 * Importers read only the sprint the head names, so refs of an archived
 * sprint going away change nothing they decide.
 * Our own push deletes our tracking copies (git maps deletions through the
 * fetch refspec); teammates' copies go on their next fetch by this tool,
 * which prunes our namespace.
 */
import { expired, type RetentionPolicy } from '../core/retention.js';
import type { RefKey } from './ref-names.js';
import { cannotReach, pushLeases, type Lease } from './transport.js';
import type { RemoteView } from './view.js';

export interface PruneResult {
  /** Sprints whose refs this run deleted (all of them, or all it was allowed to). */
  sprints: string[];
  deleted: number;
  /** Refs left because they moved since they were read (or the host refused to delete them). */
  kept: { ref: string; why: string }[];
}

/** Deletes at most `maxRefs` refs of the sprints the policy lets go, as seen in the freshly loaded `view`. */
export function pruneRemote(
  view: RemoteView,
  policy: RetentionPolicy,
  opts: { now: number; localActive?: string; maxRefs: number },
): PruneResult {
  const out: PruneResult = { sprints: [], deleted: 0, kept: [] };
  const remoteActive = view.tracking.head?.entries.at(-1)?.record.sprint_id;
  // Without a readable head we cannot tell which sprint is live: delete nothing.
  if (!remoteActive) return out;
  const bySprint = new Map<string, { key: RefKey; oid: string }[]>();
  for (const [ref, oid] of view.present) {
    const key = view.names.parseTracking(ref);
    if (!key || key.kind === 'head') continue;
    const list = bySprint.get(key.sprint) ?? [];
    list.push({ key, oid });
    bySprint.set(key.sprint, list);
  }
  const doomed = expired(bySprint.keys(), new Set([remoteActive, opts.localActive]), policy, opts.now);
  // Phase refs first, sprint refs in a second push and only of sprints whose
  // phase refs all went: a moved phase ref keeps its sprint's definition too.
  const phases: (Lease & { sprint: string })[] = [];
  const chosen: string[] = [];
  let count = 0;
  for (const id of doomed) {
    const refs = bySprint.get(id)!;
    if (count + refs.length > opts.maxRefs && count) break;
    count += refs.length;
    chosen.push(id);
    for (const r of refs)
      if (r.key.kind === 'phase') phases.push({ sprint: id, ref: view.names.remoteRef(r.key), expect: r.oid, next: null });
  }
  const failed = new Set<string>();
  const settle = (leases: (Lease & { sprint: string })[]) => {
    if (!leases.length) return;
    const res = pushLeases(view.cwd, view.names.remote, leases, false, {
      deadline: view.ctx.deadline,
      timeoutMs: view.ctx.remoteTimeoutMs,
    });
    if (!(res instanceof Map)) throw cannotReach(view.names.remote, res);
    for (const l of leases) {
      const o = res.get(l.ref);
      if (o?.status === 'ok') out.deleted++;
      else {
        failed.add(l.sprint);
        out.kept.push({ ref: l.ref, why: o?.status === 'stale' ? 'moved since it was read' : (o?.detail ?? 'no answer') });
      }
    }
  };
  settle(phases);
  const sprints = chosen
    .filter((id) => !failed.has(id))
    .flatMap((id) =>
      bySprint
        .get(id)!
        .filter((r) => r.key.kind === 'sprint')
        .map((r) => ({ sprint: id, ref: view.names.remoteRef(r.key), expect: r.oid, next: null })),
    );
  settle(sprints);
  out.sprints = chosen.filter((id) => !failed.has(id));
  return out;
}
