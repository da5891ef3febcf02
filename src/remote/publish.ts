/**
 * Publishing local log entries to the remote: one commit per entry on the
 * phase's (or the head's) ref, pushed by compare-and-swap against the tip we
 * built on. Objects are written first, the ref moves last (the push).
 *
 * These functions read the view and never change it: a won push returns what
 * it changed (Published), and the link, the view's one owner, applies it.
 * 'lost' means someone else appended first (the caller refreshes and decides
 * again).
 */
import { existsSync } from 'node:fs';
import type { HeadRecord, PhaseRecord, SprintFile } from '../core/schemas.js';
import { ARTIFACT_FILE, RECORD_FILE, SPRINT_FILE, child } from '../store/layout.js';
import { pad } from '../store/seq-log.js';
import { writeCommit } from './objects.js';
import { chainTop, localEntries, sharedPrefix } from './reconcile.js';
import type { RefKey } from './ref-names.js';
import { HEAD_WINDOW, isHeadRoot, type Chain, type ChainEntry } from './tracking.js';
import type { Lease, Transport } from './transport.js';
import type { Published, RemoteView } from './view.js';

export type Outcome = 'won' | 'lost';
/** A push's result: what it changed, 'lost', or nothing to publish (the remote has it all). */
export type PublishResult = Published | 'lost' | 'in-sync';

/** The local entries beyond what the remote has; undefined when the remote has one we lack (we lost). */
function suffixOf<R extends { id: string }>(
  local: { seq: number; record: R }[],
  remote: { record: { id: string; seq: number } }[],
): { record: R }[] | undefined {
  const common = sharedPrefix(local, remote);
  return common < chainTop(remote) ? undefined : local.filter((e) => e.seq > common);
}

/** Publishes the phase's local entries beyond the tracking chain. */
export function publishPhase(view: RemoteView, transport: Transport, sprint: SprintFile, phase: string): PublishResult {
  const { store } = view.ctx;
  const key: RefKey = { kind: 'phase', sprint: sprint.id, phase };
  const chain = view.phaseChain(sprint.id, phase);
  const remote = chain?.entries ?? [];
  const local = localEntries(store.phaseLog(sprint.id, phase), remote);
  const suffix = suffixOf(local, remote) as typeof local | undefined;
  if (!suffix) return 'lost';
  if (!suffix.length) return 'in-sync';
  let parent = remote.at(-1)?.commit;
  const commits: string[] = [];
  for (const e of suffix) {
    const files = [{ name: RECORD_FILE, path: child(e.dir, RECORD_FILE) }];
    if (existsSync(child(e.dir, ARTIFACT_FILE))) files.push({ name: ARTIFACT_FILE, path: child(e.dir, ARTIFACT_FILE) });
    parent = writeCommit(
      view.cwd,
      { files, parent, message: phaseMessage(phase, e.record), author: author(e.record), at: e.record.at },
      view.ctx.repo.commonDir,
    );
    commits.push(parent);
  }
  const out = transport.pushCas([{ ref: view.names.remoteRef(key), expect: chain?.tip, next: parent! }], false);
  if (out !== 'won') return out;
  const entries: ChainEntry<PhaseRecord>[] = [...remote, ...suffix.map((e, i) => ({ commit: commits[i]!, record: e.record }))];
  const grown: Chain<PhaseRecord> = { key, ref: view.names.trackingRef(key), tip: parent!, entries };
  return { chain: grown, oldTip: chain?.tip, moved: [{ key, tip: parent! }] };
}

/**
 * Publishes new head entries, with the sprint refs they name, in one atomic
 * push: a teammate never sees a head naming a sprint that is not there. An
 * entry numbered 1 + k × HEAD_WINDOW is a root (no parent): the head's chain
 * is cut there and stays at most a window deep. That push replaces the tip
 * rather than growing it, which the explicit lease (`--force-with-lease=
 * head:<the tip we built on>`) allows and still makes a compare-and-swap, so
 * two racing starts still race exactly as before: one wins, one re-decides.
 */
export function publishHead(view: RemoteView, transport: Transport): PublishResult {
  const { store } = view.ctx;
  const head = view.tracking.head;
  const remote = head?.entries ?? [];
  const local = localEntries(store.headLog(), remote);
  const suffix = suffixOf(local, remote) as typeof local | undefined;
  if (!suffix) return 'lost';
  if (!suffix.length) return 'in-sync';
  const leases: (Lease & { key: RefKey })[] = [];
  const top = suffix.at(-1)!.record.sprint_id;
  const kept = new Set(store.sprintIds());
  for (const id of new Set(suffix.map((e) => e.record.sprint_id))) {
    const key: RefKey = { kind: 'sprint', sprint: id };
    if (view.tracking.sprints.has(id) || view.present.has(view.names.trackingRef(key))) continue;
    // A sprint `clean` removed here is history: its head entry is published, its
    // definition is gone. Importers only ever need the sprint the top names.
    if (id !== top && !kept.has(id)) continue;
    const sprint = store.readSprint(id);
    const file = store.layout.sprintFile(id);
    const commit = writeCommit(
      view.cwd,
      {
        files: [{ name: SPRINT_FILE, path: file }],
        parent: undefined,
        message: `sprint ${id} (${sprint.phases.length} phases)`,
        author: author({ agent: sprint.started_by, host: sprint.host }),
        at: sprint.started_at,
      },
      view.ctx.repo.commonDir,
    );
    leases.push({ key, ref: view.names.remoteRef(key), expect: undefined, next: commit });
  }
  let parent = remote.at(-1)?.commit;
  const commits: string[] = [];
  for (const e of suffix) {
    // Every HEAD_WINDOW entries the head starts a fresh chain, so it never grows past a window.
    if (isHeadRoot(e.record.seq)) parent = undefined;
    parent = writeCommit(
      view.cwd,
      {
        files: [{ name: RECORD_FILE, path: child(e.dir, RECORD_FILE) }],
        parent,
        message: `start ${e.record.sprint_id} by ${e.record.agent}@${e.record.host}`,
        author: author(e.record),
        at: e.record.at,
      },
      view.ctx.repo.commonDir,
    );
    commits.push(parent);
  }
  const headKey: RefKey = { kind: 'head' };
  leases.push({ key: headKey, ref: view.names.remoteRef(headKey), expect: head?.tip, next: parent! });
  const out = transport.pushCas(leases, true);
  if (out !== 'won') return out;
  // Kept as the window a reader would read (tracking.ts), so the cache never grows with the head.
  const grown: ChainEntry<HeadRecord>[] = [...remote, ...suffix.map((e, i) => ({ commit: commits[i]!, record: e.record }))];
  let root = grown.length - 1;
  while (root > 0 && !isHeadRoot(grown[root]!.record.seq)) root--;
  const entries = grown.slice(root).slice(-HEAD_WINDOW);
  return {
    chain: { key: headKey, ref: view.names.trackingRef(headKey), tip: parent!, entries },
    oldTip: head?.tip,
    moved: leases.map((l) => ({ key: l.key, tip: l.next! })),
  };
}

const author = (r: { agent: string; host: string }) => ({ name: r.agent, email: `${r.agent.replace(/@/g, '.')}@${r.host}` });

function phaseMessage(phase: string, r: PhaseRecord): string {
  const verb =
    r.kind === 'done'
      ? 'complete'
      : r.kind === 'claim'
        ? r.reason === 'renew'
          ? 'renew'
          : r.reason === 'takeover'
            ? 'takeover'
            : 'claim'
        : (r.reason ?? 'release');
  return `${verb} ${phase} by ${r.agent}@${r.host}\n\nseq ${pad(r.seq)}${r.offline ? ', taken offline' : ''}`;
}
