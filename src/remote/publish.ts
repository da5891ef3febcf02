/**
 * Publishing local log entries to the remote: one commit per entry on the
 * phase's (or the head's) ref, pushed by compare-and-swap against the tip we
 * built on. 'won' means the remote has them now; 'lost' means someone else
 * appended first (the caller refreshes and decides again).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unavailable } from '../core/errors.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { pad } from '../store/seq-log.js';
import { writeCommit } from './objects.js';
import type { RefKey } from './ref-names.js';
import { chainKey } from './tracking.js';
import { localEntries } from './reconcile.js';
import { pushCas, type Lease } from './transport.js';
import { headDivergedMessage, type RemoteView } from './view.js';

export type Outcome = 'won' | 'lost';

/** How many entries `local` shares with `remote` from the start; undefined when the remote has one we lack (we lost). */
function commonPrefix(local: { record: { id: string } }[], remote: { record: { id: string } }[]): number | undefined {
  let common = 0;
  while (common < remote.length && local[common]?.record.id === remote[common]!.record.id) common++;
  return common < remote.length ? undefined : common;
}

/** Publishes the phase's local entries beyond the tracking chain. */
export function publishPhase(view: RemoteView, sprint: SprintFile, phase: string): Outcome {
  const { store } = view.ctx;
  const key: RefKey = { kind: 'phase', sprint: sprint.id, phase };
  // Never publish a phase of a sprint the remote's head does not name: teammates would never find it.
  if (view.headDiverged) throw unavailable('E_DIVERGED', headDivergedMessage(view.headDiverged.local, view.headDiverged.remote), { ...view.headDiverged });
  // A sprint started before `init`: the remote has no head yet, so teammates could not find this phase.
  if (!view.tracking.head && store.headLog().topSeq() > 0) publishHead(view);
  const chain = view.phaseChain(sprint.id, phase);
  const remote = chain?.entries ?? [];
  const local = localEntries(store.phaseLog(sprint.id, phase), remote);
  const common = commonPrefix(local, remote);
  if (common === undefined) return 'lost';
  const suffix = local.slice(common);
  if (!suffix.length) return 'won';
  let parent = remote[common - 1]?.commit;
  const commits: string[] = [];
  for (const e of suffix) {
    const files = [{ name: 'record.json', path: join(e.dir, 'record.json') }];
    if (existsSync(join(e.dir, 'artifact.json'))) files.push({ name: 'artifact.json', path: join(e.dir, 'artifact.json') });
    parent = writeCommit(view.cwd, { files, parent, message: phaseMessage(phase, e.record), author: author(e.record), at: e.record.at }, view.ctx.repo.commonDir);
    commits.push(parent);
  }
  const out = pushCas(view.cwd, view.names, [{ ref: view.names.remoteRef(key), expect: chain?.tip, next: parent! }], false, view.ctx.deadline);
  if (out !== 'won') return out;
  view.pushed(key, parent!);
  const entries = [...remote, ...suffix.map((e, i) => ({ commit: commits[i]!, record: e.record }))];
  view.tracking.phases.set(chainKey(sprint.id, phase), { key, ref: view.names.trackingRef(key), tip: parent!, entries });
  view.remember(chain?.tip, parent!, entries);
  view.unpublished.delete(phase);
  return 'won';
}

/**
 * Publishes new head entries, with the sprint refs they name, in one atomic
 * push: a teammate never sees a head naming a sprint that is not there.
 */
export function publishHead(view: RemoteView): Outcome {
  const { store } = view.ctx;
  const head = view.tracking.head;
  const remote = head?.entries ?? [];
  const local = localEntries(store.headLog(), remote);
  const common = commonPrefix(local, remote);
  if (common === undefined) return 'lost';
  const suffix = local.slice(common);
  if (!suffix.length) return 'won';
  const leases: (Lease & { key: RefKey })[] = [];
  for (const id of new Set(suffix.map((e) => e.record.sprint_id))) {
    const key: RefKey = { kind: 'sprint', sprint: id };
    if (view.tracking.sprints.has(id) || view.present.has(view.names.trackingRef(key))) continue;
    const sprint = store.readSprint(id);
    const file = join(store.layout.sprint(id), 'sprint.json');
    const commit = writeCommit(view.cwd, { files: [{ name: 'sprint.json', path: file }], parent: undefined, message: `sprint ${id} (${sprint.phases.length} phases)`, author: author({ agent: sprint.started_by, host: sprint.host }), at: sprint.started_at }, view.ctx.repo.commonDir);
    leases.push({ key, ref: view.names.remoteRef(key), expect: undefined, next: commit });
  }
  let parent = remote[common - 1]?.commit;
  const commits: string[] = [];
  for (const e of suffix) {
    parent = writeCommit(view.cwd, { files: [{ name: 'record.json', path: join(e.dir, 'record.json') }], parent, message: `start ${e.record.sprint_id} by ${e.record.agent}@${e.record.host}`, author: author(e.record), at: e.record.at }, view.ctx.repo.commonDir);
    commits.push(parent);
  }
  const headKey: RefKey = { kind: 'head' };
  leases.push({ key: headKey, ref: view.names.remoteRef(headKey), expect: head?.tip, next: parent! });
  const out = pushCas(view.cwd, view.names, leases, true, view.ctx.deadline);
  if (out !== 'won') return out;
  for (const l of leases) view.pushed(l.key, l.next!);
  view.tracking.head = { key: headKey, ref: view.names.trackingRef(headKey), tip: parent!, entries: [...remote, ...suffix.map((e, i) => ({ commit: commits[i]!, record: e.record }))] };
  view.remember(head?.tip, parent!, view.tracking.head.entries);
  return 'won';
}

/** Moves this process's unpublished entries of `phase` aside (top-down), so nothing half-done stays. */
export function retractOwn(view: RemoteView, sprintId: string, phase: string): void {
  retractUnpublished(view, view.ctx.store.phaseLog(sprintId, phase), view.phaseChain(sprintId, phase)?.entries.length ?? 0);
}

/** Head entries created by this process that the remote does not have: moved aside. */
export function retractOwnHead(view: RemoteView): void {
  retractUnpublished(view, view.ctx.store.headLog(), view.tracking.head?.entries.length ?? 0);
}

function retractUnpublished(view: RemoteView, log: { seqs(): number[]; read(seq: number): { record: { id: string } }; retract(seq: number, id: string): boolean }, published: number): void {
  for (const seq of log.seqs().reverse()) {
    if (seq <= published) break;
    const r = log.read(seq).record;
    if (!view.ownIds.has(r.id) || !log.retract(seq, r.id)) break;
  }
}

const author = (r: { agent: string; host: string }) => ({ name: r.agent, email: `${r.agent.replace(/@/g, '.')}@${r.host}` });

function phaseMessage(phase: string, r: PhaseRecord): string {
  const verb = r.kind === 'done' ? 'complete' : r.kind === 'claim' ? (r.reason === 'renew' ? 'renew' : r.reason === 'takeover' ? 'takeover' : 'claim') : (r.reason ?? 'release');
  return `${verb} ${phase} by ${r.agent}@${r.host}\n\nseq ${pad(r.seq)}${r.offline ? ', taken offline' : ''}`;
}
