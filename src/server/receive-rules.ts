/**
 * What a server's pre-receive hook accepts. Two rules, judged on the
 * repository as it would be after the push (its refs with this push's updates
 * applied), so a push that completes the last phase and ships in one go is
 * judged on what it brings:
 *
 * 1. Conductor refs only grow: an update under the namespace must be a ref
 *    name this tool writes, and a fast-forward whose whole chain passes the
 *    clients' own validation (tracking.ts: one parent, fixed tree, size caps,
 *    zod schemas, sequence numbers), whose new completions carry the artifact
 *    their record describes, whose phases exist in their sprint's graph and
 *    whose head entries name sprints the repository has. No rewinds, no forks,
 *    no deleting the head or the active sprint's refs; archived sprints' refs
 *    may be deleted (retention cleans them).
 * 2. The ship gate: an update of a protected ref is refused while the sprint
 *    the refs hold is not ready to ship, whatever the client ran or skipped.
 *
 * Reads are bounded: at most MAX_CONDUCTOR_UPDATES chains are validated per
 * push, each with the readers' caps; everything is read in a few batched git calls.
 */
import { blocked, invalid } from '../core/errors.js';
import { blockersData, isConductorRef, notReadyMessage, shipBlockers } from '../core/ship-gate.js';
import type { HeadRecord, PhaseRecord } from '../core/schemas.js';
import { importedArtifact } from '../remote/imported-artifact.js';
import { commitParents } from '../remote/objects.js';
import type { RefKey } from '../remote/ref-names.js';
import { chainKey, isHeadRoot, readTracking, type ChainCache, type ChainEntry } from '../remote/tracking.js';
import { ARTIFACT_CAP } from '../remote/view.js';
import { heldSprint, keyOf, listed, type RefMap } from './held-sprint.js';

export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const ZERO = /^0+$/;
export const isZero = (oid: string) => ZERO.test(oid);
const MAX_LINES = 100_000;
const MAX_CONDUCTOR_UPDATES = 200;
const MAX_CHAIN = 5000;

/** `<old> <new> <ref>` lines, as git hands them to pre-receive. */
export function parseReceiveLines(text: string): RefUpdate[] {
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length > MAX_LINES)
    throw invalid('E_BAD_PUSH_INPUT', `a push of ${lines.length} refs is more than this hook checks (${MAX_LINES}): push in parts`);
  return lines.map((line) => {
    const f = line.trim().split(' ');
    if (f.length !== 3 || !OID.test(f[0]!) || !OID.test(f[1]!) || !f[2]!.startsWith('refs/')) {
      throw invalid(
        'E_BAD_PUSH_INPUT',
        `unexpected pre-receive input line ${JSON.stringify(line.slice(0, 200))}: expected "<old oid> <new oid> <ref>"`,
      );
    }
    return { old: f[0]!, new: f[1]!, ref: f[2]! };
  });
}

/** The repository's refs under the namespace once these updates are applied. */
export function applied(before: RefMap, updates: RefUpdate[], prefix: string): RefMap {
  const after = new Map(before);
  for (const u of updates) {
    if (!u.ref.startsWith(`${prefix}/`)) continue;
    if (isZero(u.new)) after.delete(u.ref);
    else after.set(u.ref, u.new);
  }
  return after;
}

const refused = (ref: string, why: string) =>
  invalid(
    'E_REF_REFUSED',
    `push to ${ref} refused: ${why}. Conductor refs only grow by the appends 'git conductor' makes; let the tool write them (git conductor sync)`,
    { ref },
  );

const PROBE = /^probe-[0-9a-f]{8,32}$/;

/** Rule 1. Throws the first refusal. */
export function checkConductorUpdates(cwd: string, prefix: string, before: RefMap, after: RefMap, updates: RefUpdate[]): void {
  const ours = updates.filter((u) => u.ref.startsWith(`${prefix}/`));
  const keyed: { u: RefUpdate; key: RefKey }[] = [];
  for (const u of ours) {
    // `git conductor doctor` creates and deletes one probe ref to learn whether the host takes our namespace.
    if (PROBE.test(u.ref.slice(prefix.length + 1))) continue;
    const key = keyOf(prefix, u.ref);
    if (!key) throw refused(u.ref, 'not a ref name git-conductor writes');
    keyed.push({ u, key });
  }
  const deletions = keyed.filter(({ u }) => isZero(u.new));
  if (deletions.length) {
    const active = activeSprints(cwd, prefix, before, after);
    for (const { u, key } of deletions) {
      if (key.kind === 'head') throw refused(u.ref, 'the head says which sprint is active and is never deleted');
      if (active.has(key.sprint))
        throw refused(u.ref, `deletes a ref of the active sprint ${key.sprint} (only archived sprints' refs may be deleted)`);
    }
  }
  const writes = keyed.filter(({ u }) => !isZero(u.new));
  if (writes.length > MAX_CONDUCTOR_UPDATES)
    throw invalid(
      'E_BAD_PUSH_INPUT',
      `a push moving ${writes.length} conductor refs is more than this hook checks (${MAX_CONDUCTOR_UPDATES}): push in parts`,
    );
  if (!writes.length) return;
  // One read for the written chains and the sprints they belong to: the sprint refs as they will be after
  // this push (a head entry may also name an older sprint: those are read below, only then).
  const written = new Set(writes.map(({ u }) => u.ref));
  const sprintIds = new Set(writes.flatMap(({ key }) => (key.kind === 'head' ? [] : [key.sprint])));
  const sprintRefs = listed(prefix, after, (k) => k.kind === 'sprint' && sprintIds.has(k.sprint)).filter((l) => !written.has(l.ref));
  const state = readTracking(
    cwd,
    [...writes.map(({ u, key }) => ({ ref: u.ref, key, oid: u.new, unchecked: true })), ...sprintRefs],
    () => true,
    ARTIFACT_CAP,
  );
  const sprints = state.sprints;
  // Only the head's new entries need their sprints (a fork is refused below, whatever it names).
  const head = writes.find(({ key }) => key.kind === 'head')?.u;
  const entries = state.head?.entries ?? [];
  const at = head && !isZero(head.old) ? entries.findIndex((e) => e.commit === head.old) : -1;
  const headAdded = !head ? [] : isZero(head.old) ? entries : at >= 0 ? entries.slice(at + 1) : [];
  const named = [...new Set(headAdded.map((e) => e.record.sprint_id))].filter((id) => !sprints.has(id));
  if (named.length) {
    const more = readTracking(
      cwd,
      listed(prefix, after, (k) => k.kind === 'sprint' && named.includes(k.sprint)),
      () => true,
      ARTIFACT_CAP,
    ).sprints;
    for (const [id, sprint] of more) sprints.set(id, sprint);
  }
  for (const { u, key } of writes) {
    const problem = state.problems.find((p) => p.ref === u.ref);
    if (problem) throw refused(u.ref, problem.problem);
    if (key.kind === 'sprint') {
      if (!isZero(u.old) && u.old !== u.new) throw refused(u.ref, 'a sprint definition is written once and never changes');
      continue;
    }
    const chain = key.kind === 'head' ? state.head : state.phases.get(chainKey(key.sprint, key.phase));
    const entries = (chain?.entries ?? []) as ChainEntry<unknown>[];
    let from = isZero(u.old) ? 0 : entries.findIndex((e) => e.commit === u.old) + 1;
    if (from === 0 && !isZero(u.old)) {
      if (!(key.kind === 'head' && isHeadCut(cwd, u, entries as ChainEntry<HeadRecord>[]))) throw refused(u.ref, rewindOrFork(cwd, u));
      from = 0; // every entry of the fresh chain is new
    }
    const added = entries.slice(from);
    if (key.kind === 'head') {
      for (const e of added as ChainEntry<HeadRecord>[]) {
        if (!sprints.has(e.record.sprint_id))
          throw refused(u.ref, `its entry ${e.commit.slice(0, 12)} names sprint ${e.record.sprint_id}, which has no valid sprint ref`);
      }
      continue;
    }
    const sprint = sprints.get(key.sprint);
    if (!sprint) throw refused(u.ref, `sprint ${key.sprint} has no valid sprint ref`);
    if (!sprint.phases.some((p) => p.name === key.phase)) throw refused(u.ref, `sprint ${key.sprint} has no phase "${key.phase}"`);
    for (const e of added as ChainEntry<PhaseRecord>[]) {
      try {
        importedArtifact(cwd, e, ARTIFACT_CAP, key.phase);
      } catch (err) {
        throw refused(u.ref, (err as Error).message);
      }
    }
  }
}

/**
 * The head's one non-fast-forward (remote/publish.ts): a fresh chain whose
 * root is numbered 1 + k × HEAD_WINDOW and follows the old tip's number, so
 * no entry is taken back or replaced, only older history let go.
 */
function isHeadCut(cwd: string, u: RefUpdate, entries: ChainEntry<HeadRecord>[]): boolean {
  const first = entries[0];
  if (!first || !isHeadRoot(first.record.seq) || commitParents(cwd, [first.commit], 1).get(first.commit)?.length) return false;
  const old = readTracking(cwd, [{ ref: u.ref, key: { kind: 'head' }, oid: u.old, unchecked: true }], () => true, ARTIFACT_CAP).head;
  return old?.entries.at(-1)?.record.seq === first.record.seq - 1;
}

/** Why an update that does not extend the ref's chain is refused: it drops entries, or replaces them. */
function rewindOrFork(cwd: string, u: RefUpdate): string {
  const history = commitParents(cwd, [u.old], MAX_CHAIN + 1);
  return history.has(u.new)
    ? `a rewind (${u.new.slice(0, 12)} is an older entry of ${u.old.slice(0, 12)}): entries are never taken back`
    : `not a fast-forward (${u.new.slice(0, 12)} does not extend ${u.old.slice(0, 12)}): a fork would replace entries teammates already hold`;
}

/** The sprint the head names before the push and after it. */
function activeSprints(cwd: string, prefix: string, before: RefMap, after: RefMap): Set<string> {
  const cache: ChainCache = new Map();
  const out = new Set<string>();
  for (const refs of [before, after]) {
    const id = readTracking(
      cwd,
      listed(prefix, refs, (k) => k.kind === 'head'),
      () => true,
      ARTIFACT_CAP,
      cache,
    ).head?.entries.at(-1)?.record.sprint_id;
    if (id) out.add(id);
  }
  return out;
}

export interface GateOutcome {
  /** The protected refs this push updates. */
  protected_refs: string[];
  sprint_id?: string;
  /** Let through by an admin's bypass, with what was missing. */
  bypassed?: string;
}

/**
 * Rule 2. `isProtected` says which refs ship; `bypass` is an admin's
 * CONDUCTOR_SHIP_BYPASS=1 in the hook's own environment (a push made on the
 * server itself: ssh and HTTP clients cannot set it).
 */
export function checkShipGate(
  cwd: string,
  namespace: () => string,
  after: () => RefMap,
  updates: RefUpdate[],
  isProtected: (ref: string) => boolean,
  now: number,
  bypass: boolean,
): GateOutcome {
  // Conductor refs are never gated (the fallback namespace only when it is the one in use: asked last, it lists refs).
  const refs = updates
    .filter((u) => !isZero(u.new) && !isConductorRef(u.ref) && isProtected(u.ref) && !u.ref.startsWith(`${namespace()}/`))
    .map((u) => u.ref);
  if (!refs.length) return { protected_refs: [] };
  const prefix = namespace();
  const held = heldSprint(cwd, prefix, after());
  if (!held.head && !held.headInvalid) return { protected_refs: refs }; // no sprint was ever started here
  if (!held.sprint) {
    const why = held.problems
      .map((p) => `${p.ref} ${p.problem}`)
      .join('; ')
      .slice(0, 500);
    if (bypass) return { protected_refs: refs, bypassed: why };
    throw blocked(
      'E_SHIP_GATE',
      `push of ${refs.join(', ')} refused: this server cannot tell which sprint is active (${why}), so it cannot tell whether it is ready to ship. Repair the conductor refs (git conductor status on a clone names the repair)`,
      { refs },
    );
  }
  const b = shipBlockers(held.sprint, held.tops, now);
  if (!b) return { protected_refs: refs, sprint_id: held.sprint.id };
  if (bypass) return { protected_refs: refs, sprint_id: held.sprint.id, bypassed: notReadyMessage(refs, b) };
  throw blocked(
    'E_SHIP_GATE',
    `${notReadyMessage(refs, b)}. This server enforces the gate whatever the client skipped (--no-verify, CONDUCTOR_HOOKS=0); an admin can push on the server with CONDUCTOR_SHIP_BYPASS=1`,
    blockersData(refs, b),
  );
}
