/**
 * Reads the remote-tracking refs (our copy of the remote's conductor refs)
 * into validated logs: the ref files (or `git for-each-ref`), then `rev-list`, one
 * `cat-file --batch-check` and one `cat-file --batch` for everything.
 *
 * A ref written by a teammate or an attacker is data, not code: a chain is
 * accepted only when every commit has at most one parent, every tree holds
 * exactly the expected file names as regular blobs under a size cap, and every
 * record parses, validates and carries the sequence number of its depth. A
 * bad ref becomes a `problem` naming the ref; it never crashes a command.
 */
import { graphProblem } from '../core/graph.js';
import { check, HeadRecord, LedgerRecord, PhaseRecord, SprintFile } from '../core/schemas.js';
import { git } from '../git/git.js';
import { readRefs } from '../git/ref-files.js';
import { READ_CAPS } from '../store/bounded-read.js';
import { ARTIFACT_FILE, RECORD_FILE, SPRINT_FILE } from '../store/layout.js';
import { commitParents, isOid, objectBytes, objectInfo, parseTree } from './objects.js';
import { keyId, type RefKey, type RefNames } from './ref-names.js';

export const MAX_RECORD_BYTES = READ_CAPS.record;
export const MAX_SPRINT_BYTES = READ_CAPS.sprint;
const MAX_TREE_BYTES = 1024;
const MAX_CHAIN = 5000;
/**
 * The head is read as a window of its newest entries: only the newest decides
 * which sprint is active, and a window this deep is far past any race between
 * starts, so a head with thousands of entries costs a new clone what a fresh
 * one does. Every other chain is read whole (a sprint bounds it).
 */
export const HEAD_WINDOW = 64;
/** Head entries numbered 1, 65, 129, ... start a fresh chain (remote/publish.ts): the head never grows past a window. */
export const isHeadRoot = (seq: number) => (seq - 1) % HEAD_WINDOW === 0;
const MAX_REFS_READ = 2000;

export interface ChainEntry<R> {
  commit: string;
  record: R;
  /** For done records with an artifact: the blob, loaded only when imported. */
  artifact?: { oid: string; size: number };
}

export interface Chain<R> {
  key: RefKey;
  ref: string;
  tip: string;
  entries: ChainEntry<R>[];
}

export interface Problem {
  ref: string;
  problem: string;
}

export interface Listed {
  ref: string;
  key: RefKey;
  oid: string;
  /** Listed from the ref files: not yet known to point at a commit. */
  unchecked?: boolean;
}

export interface TrackingState {
  head?: Chain<HeadRecord>;
  sprints: Map<string, SprintFile>;
  /** By `<sprint id>/<phase>`. */
  phases: Map<string, Chain<PhaseRecord>>;
  /** By sprint id. */
  ledgers: Map<string, Chain<LedgerRecord>>;
  problems: Problem[];
}

/**
 * All our tracking refs with valid names; anything else under the prefix is
 * reported and ignored. Read from the ref files when the repository has the
 * classic layout (no git process; object types are then checked by
 * readTracking, and only for refs it has not validated before), else by
 * `git for-each-ref`.
 */
export function listTracking(cwd: string, names: RefNames, commonDir?: string): { refs: Listed[]; problems: Problem[] } {
  const refs: Listed[] = [];
  const problems: Problem[] = [];
  const add = (ref: string, oid: string | undefined, type: string | undefined) => {
    const key = names.parseTracking(ref);
    if (!key) problems.push({ ref, problem: 'is not a name this tool writes; ignored' });
    else if (!oid || !isOid(oid) || (type !== undefined && type !== 'commit'))
      problems.push({ ref, problem: `points at a ${type ?? 'symbolic ref or nothing'}, not a commit; ignored` });
    else refs.push({ ref, key, oid, unchecked: type === undefined });
  };
  const files = commonDir ? readRefs(commonDir, names.trackingPrefix) : undefined;
  if (files) {
    for (const f of files) add(f.ref, f.oid, undefined);
    return { refs, problems };
  }
  const r = git(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)', names.trackingPrefix], { cwd });
  for (const line of r.stdout.split('\n')) {
    const [oid, type, ref] = line.split(' ');
    if (oid && ref) add(ref, oid, type ?? '');
  }
  return { refs, problems };
}

const FILES: Record<RefKey['kind'], { main: string; optional?: string }> = {
  head: { main: RECORD_FILE },
  sprint: { main: SPRINT_FILE },
  ledger: { main: RECORD_FILE },
  phase: { main: RECORD_FILE, optional: ARTIFACT_FILE },
};
const CAP: Record<RefKey['kind'], number> = {
  head: MAX_RECORD_BYTES,
  sprint: MAX_SPRINT_BYTES,
  ledger: MAX_RECORD_BYTES,
  phase: MAX_RECORD_BYTES,
};

class Bad extends Error {}

/**
 * Validated chains by tip commit id. A commit id fixes its whole history, so
 * a chain validated once stays valid: refs whose tip did not move since the
 * last read cost no git call at all.
 */
export type ChainCache = Map<string, ChainEntry<unknown>[]>;

/**
 * What a commit's validity depends on besides the commit: the kind of ref (each has its own schema), and for
 * a sprint ref its id (sprint.json must name it). A commit valid as one ref is not valid as another: every
 * cache and memo is keyed by this, never by the commit alone.
 */
export const refScope = (key: RefKey) => (key.kind === 'sprint' ? `sprint/${key.sprint}` : key.kind);
/** The key of a ref's chain in ChainCache and BadTips: `<scope>:<tip commit id>`. */
export const scopedTip = (key: RefKey, tip: string) => `${refScope(key)}:${tip}`;
/** The tip commit id of a scopedTip key. */
export const tipOfScoped = (k: string) => k.slice(k.lastIndexOf(':') + 1);

/** Why a ref was rejected, by scopedTip: the same commit is never read again to say the same. */
export type BadTips = Map<string, string>;
const TOO_FAR = 'has a history too long to be ours';

/** Reads and validates the listed refs whose key `want` accepts. */
export function readTracking(
  cwd: string,
  listed: Listed[],
  want: (key: RefKey) => boolean,
  artifactCap: number,
  cache: ChainCache = new Map(),
  bad: BadTips = new Map(),
): TrackingState {
  const state: TrackingState = { sprints: new Map(), phases: new Map(), ledgers: new Map(), problems: [] };
  const wanted = listed.filter((l) => want(l.key)).slice(0, MAX_REFS_READ);
  for (const l of wanted) {
    const hit = cache.get(scopedTip(l.key, l.oid));
    if (hit) store(state, l, hit);
    const known = hit ? undefined : bad.get(scopedTip(l.key, l.oid));
    if (known) state.problems.push({ ref: l.ref, problem: known });
  }
  let refs = wanted.filter((l) => !cache.has(scopedTip(l.key, l.oid)) && !bad.has(scopedTip(l.key, l.oid)));
  // A commit id fixes everything below it, so a ref rejected for what it holds stays rejected:
  // remembered by tip (not when the walk merely hit rev-list's limit).
  const reject = (l: Listed, problem: string) => {
    state.problems.push({ ref: l.ref, problem });
    if (problem !== TOO_FAR) bad.set(scopedTip(l.key, l.oid), problem);
  };
  if (!refs.length) return state;
  const unchecked = refs.filter((l) => l.unchecked);
  if (unchecked.length) {
    const types = objectInfo(
      cwd,
      unchecked.map((l) => l.oid),
    );
    const bad = new Set(unchecked.filter((l, i) => types[i]?.type !== 'commit'));
    unchecked.forEach(
      (l, i) =>
        bad.has(l) &&
        state.problems.push({ ref: l.ref, problem: `points at a ${types[i]?.type ?? 'missing object'}, not a commit; ignored` }),
    );
    refs = refs.filter((l) => !bad.has(l));
    if (!refs.length) return state;
  }
  const heads = refs.filter((r) => r.key.kind === 'head');
  const others = refs.filter((r) => r.key.kind !== 'head');
  const parents = commitParents(cwd, [...new Set(others.map((r) => r.oid))], MAX_CHAIN * Math.max(1, others.length));
  for (const [c, ps] of commitParents(
    cwd,
    heads.map((r) => r.oid),
    HEAD_WINDOW,
  ))
    parents.set(c, ps);
  // Walk each chain from its tip through first parents; reject merges and runaway histories.
  // Refs sharing a history share its walk: each commit's chain is computed once (chainOf).
  const chains = new Map<Listed, string[]>();
  const walked = new Map<string, Walked>();
  const fresh: string[] = [];
  for (const l of refs) {
    const commits = l.key.kind === 'head' ? headWindow(l.oid, parents, walked, fresh) : chainOf(l.oid, parents, walked, fresh);
    if (commits instanceof Bad) reject(l, commits.message);
    else if (l.key.kind === 'sprint' && commits.length > 1) reject(l, 'must be a single commit');
    else chains.set(l, commits);
  }
  // Every commit once, however many chains share it (chainOf listed each the first time it walked it).
  const all = [...new Set(fresh)];
  const exprs = all.flatMap((c) => [`${c}^{tree}`, `${c}:record.json`, `${c}:sprint.json`, `${c}:artifact.json`]);
  const info = objectInfo(cwd, exprs);
  const index = new Map(all.map((c, i) => [c, i]));
  const at = (c: string, i: number) => info[index.get(c)! * 4 + i];
  // Load trees and main files only when they are within their caps.
  const load = new Set<string>();
  for (const c of all) {
    const tree = at(c, 0);
    const record = at(c, 1);
    const sprint = at(c, 2);
    if (tree && tree.type === 'tree' && tree.size <= MAX_TREE_BYTES) load.add(tree.oid);
    if (record && record.type === 'blob' && record.size <= MAX_RECORD_BYTES) load.add(record.oid);
    if (sprint && sprint.type === 'blob' && sprint.size <= MAX_SPRINT_BYTES) load.add(sprint.oid);
  }
  const bytes = objectBytes(cwd, [...load]);
  // Validated entries as prefixes of shared arrays, by kind and commit: a chain that extends one already
  // validated costs only its own new entries.
  const validated = new Map<string, { entries: ChainEntry<unknown>[]; len: number }>();
  for (const [l, commits] of chains) {
    try {
      const kind = l.key.kind;
      const scope = refScope(l.key);
      if (kind === 'head') {
        store(
          state,
          l,
          headEntries(commits, parents, (c) =>
            memoEntry(scope, c, artifactCap, () => entryOf(l, c, undefined, (k) => at(c, k), bytes, artifactCap)),
          ),
        );
        cache.set(scopedTip(l.key, l.oid), state.head!.entries);
        continue;
      }
      let j = commits.length - 1;
      let prefix: ChainEntry<unknown>[] = [];
      for (; j >= 0; j--) {
        const v = validated.get(`${scope}:${commits[j]}`);
        if (v) {
          prefix = v.len === v.entries.length ? v.entries : v.entries.slice(0, v.len);
          break;
        }
      }
      const entries = j === commits.length - 1 ? prefix : prefix.slice();
      for (let i = j + 1; i < commits.length; i++) {
        const c = commits[i]!;
        entries.push(memoEntry(scope, c, artifactCap, () => entryOf(l, c, i + 1, (k) => at(c, k), bytes, artifactCap)));
        // Registered at once: a chain rejected at its tip still shares the valid history below it.
        validated.set(`${scope}:${c}`, { entries, len: i + 1 });
      }
      store(state, l, entries);
      cache.set(scopedTip(l.key, l.oid), entries);
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      reject(l, e.message);
    }
  }
  return state;
}

/**
 * The first-parent history of `tip`, oldest first, or why it is not one of
 * ours. Memoised per commit within one read (as a prefix of a shared array),
 * so a thousand refs on one long history walk it once.
 */
type Walked = { all: string[]; len: number } | Bad;

function chainOf(tip: string, parents: Map<string, string[]>, walked: Map<string, Walked>, fresh: string[]): string[] | Bad {
  const path: string[] = [];
  let base: string[] = [];
  for (let c: string | undefined = tip; c;) {
    const known = walked.get(c);
    if (known instanceof Bad) return remember(path, known, walked);
    if (known) {
      base = known.len === known.all.length ? known.all : known.all.slice(0, known.len);
      break;
    }
    const ps = parents.get(c);
    if (!ps) return remember(path, new Bad(TOO_FAR), walked);
    if (ps.length > 1) return remember(path, new Bad(`has a merge commit ${c.slice(0, 12)}`), walked);
    path.push(c);
    // Too long is not remembered: the commits nearer the root may still be short enough.
    if (base.length + path.length > MAX_CHAIN) return tooLong;
    c = ps[0];
  }
  if (base.length + path.length > MAX_CHAIN) return tooLong;
  const all = base.concat(path.reverse());
  for (let i = base.length; i < all.length; i++) {
    walked.set(all[i]!, { all, len: i + 1 });
    fresh.push(all[i]!);
  }
  return all;
}

const tooLong = new Bad(`has more than ${MAX_CHAIN} entries`);

/** The head's newest HEAD_WINDOW commits, oldest first: only the newest entries decide the active sprint. */
function headWindow(tip: string, parents: Map<string, string[]>, walked: Map<string, Walked>, fresh: string[]): string[] | Bad {
  const commits: string[] = [];
  for (let c: string | undefined = tip; c && commits.length < HEAD_WINDOW;) {
    const ps = parents.get(c);
    if (!ps) return new Bad(TOO_FAR);
    if (ps.length > 1) return new Bad(`has a merge commit ${c.slice(0, 12)}`);
    commits.push(c);
    c = ps[0];
  }
  for (const c of commits) if (!walked.has(c)) fresh.push(c);
  return commits.reverse();
}

/**
 * A head's numbers run on from its first entry: a root numbered 1 + k × HEAD_WINDOW, or where the
 * window was cut (a head written before roots were cut). Every other chain starts at 1.
 */
function headEntries(
  commits: string[],
  parents: Map<string, string[]>,
  entryAt: (c: string) => ChainEntry<unknown>,
): ChainEntry<unknown>[] {
  const cut = (parents.get(commits[0]!)?.length ?? 0) > 0;
  const entries = commits.map(entryAt);
  const first = (entries[0]!.record as { seq: number }).seq;
  entries.forEach((e, i) => {
    const seq = (e.record as { seq: number }).seq;
    if (seq !== first + i) throw new Bad(`commit ${e.commit.slice(0, 12)}: record seq ${seq} at depth ${first + i}`);
  });
  if (cut ? first <= 1 : !isHeadRoot(first))
    throw new Bad(`commit ${entries[0]!.commit.slice(0, 12)}: record seq ${first} ${cut ? 'has a parent' : 'cannot start a chain'}`);
  return entries;
}

function remember(path: string[], bad: Bad, walked: Map<string, Walked>): Bad {
  for (const c of path) walked.set(c, bad);
  return bad;
}

/**
 * Validated entries by commit, for the life of the process: a commit id fixes
 * its tree, its record and its depth, so an entry valid once is valid for
 * every ref of the same scope (refScope) and every later read (the artifact cap is part of the key).
 * Bounded: cleared when it grows past what a few long chains need.
 */
const ENTRY_MEMO = new Map<string, ChainEntry<unknown> | Bad>();
const ENTRY_MEMO_MAX = 4 * MAX_CHAIN * 10;

function memoEntry(scope: string, commit: string, artifactCap: number, make: () => ChainEntry<unknown>): ChainEntry<unknown> {
  const key = `${scope}:${artifactCap}:${commit}`;
  const hit = ENTRY_MEMO.get(key);
  if (hit instanceof Bad) throw hit;
  if (hit) return hit;
  if (ENTRY_MEMO.size >= ENTRY_MEMO_MAX) ENTRY_MEMO.clear();
  try {
    const e = make();
    ENTRY_MEMO.set(key, e);
    return e;
  } catch (e) {
    if (e instanceof Bad) ENTRY_MEMO.set(key, e);
    throw e;
  }
}

function store(state: TrackingState, l: Listed, entries: ChainEntry<unknown>[]): void {
  if (l.key.kind === 'head') state.head = { key: l.key, ref: l.ref, tip: l.oid, entries: entries as ChainEntry<HeadRecord>[] };
  else if (l.key.kind === 'sprint') state.sprints.set(l.key.sprint, entries[0]!.record as SprintFile);
  else if (l.key.kind === 'ledger')
    state.ledgers.set(l.key.sprint, { key: l.key, ref: l.ref, tip: l.oid, entries: entries as ChainEntry<LedgerRecord>[] });
  else
    state.phases.set(`${l.key.sprint}/${l.key.phase}`, {
      key: l.key,
      ref: l.ref,
      tip: l.oid,
      entries: entries as ChainEntry<PhaseRecord>[],
    });
}

function entryOf(
  l: Listed,
  commit: string,
  seq: number | undefined,
  info: (i: number) => ReturnType<typeof objectInfo>[number],
  bytes: Map<string, Buffer>,
  artifactCap: number,
): ChainEntry<unknown> {
  const where = `commit ${commit.slice(0, 12)}`;
  const files = FILES[l.key.kind];
  const tree = info(0);
  if (!tree || tree.type !== 'tree' || !bytes.has(tree.oid)) throw new Bad(`${where}: tree missing or larger than ${MAX_TREE_BYTES} bytes`);
  const entries = parseTree(bytes.get(tree.oid)!, commit.length);
  if (!entries) throw new Bad(`${where}: unreadable tree`);
  for (const e of entries) {
    if (e.name !== files.main && e.name !== files.optional)
      throw new Bad(`${where}: unexpected tree entry ${JSON.stringify(e.name.slice(0, 60))}`);
    if (e.mode !== '100644') throw new Bad(`${where}: ${e.name} is not a regular file (mode ${e.mode.slice(0, 8)})`);
  }
  const main = info(l.key.kind === 'sprint' ? 2 : 1);
  if (!main || main.type !== 'blob') throw new Bad(`${where}: ${files.main} missing`);
  if (main.size > CAP[l.key.kind]) throw new Bad(`${where}: ${files.main} is ${main.size} bytes, over the ${CAP[l.key.kind]}-byte cap`);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.get(main.oid)!.toString('utf8'));
  } catch {
    throw new Bad(`${where}: ${files.main} is not valid JSON`);
  }
  const schema = schemaOf(l.key.kind);
  const r = check(schema as () => import('zod/mini').ZodMiniType<unknown>, raw);
  if (!r.ok) throw new Bad(`${where}: ${files.main} is invalid (${r.problem})`);
  const value = r.value as { seq?: number; id?: string };
  if (l.key.kind === 'sprint') {
    if (value.id !== l.key.sprint) throw new Bad(`${where}: sprint.json names sprint ${String(value.id)}, not ${l.key.sprint}`);
    // The same graph rules as a local start: no cycle, no duplicate, no dangling dependency.
    const problem = graphProblem((value as SprintFile).phases);
    if (problem) throw new Bad(`${where}: sprint.json has an invalid phase graph (${problem})`);
    return { commit, record: value };
  }
  if (seq !== undefined && value.seq !== seq) throw new Bad(`${where}: record seq ${value.seq} at depth ${seq}`);
  const art = info(3);
  const record = value as PhaseRecord;
  if (l.key.kind === 'phase' && (record.kind === 'done' || record.kind === 'override') && record.artifact) {
    if (!art || art.type !== 'blob') throw new Bad(`${where}: done record without its artifact.json`);
    if (art.size > artifactCap || art.size !== record.artifact.bytes)
      throw new Bad(`${where}: artifact.json is ${art.size} bytes, expected ${record.artifact.bytes} (cap ${artifactCap})`);
    return { commit, record, artifact: { oid: art.oid, size: art.size } };
  }
  return { commit, record };
}

/** The schema of a ref's main file, by the kind of ref. */
export const schemaOf = (kind: RefKey['kind']) =>
  (kind === 'head'
    ? HeadRecord
    : kind === 'sprint'
      ? SprintFile
      : kind === 'ledger'
        ? LedgerRecord
        : PhaseRecord) as () => import('zod/mini').ZodMiniType<unknown>;

export const chainKey = (sprint: string, phase: string) => `${sprint}/${phase}`;
export { keyId };
