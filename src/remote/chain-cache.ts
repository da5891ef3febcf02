/**
 * The chain cache on disk (`remote-cache.json` in the state dir): validated
 * remote-tracking chains, so that refs which did not move since the last
 * command cost no git call. Stored by commit (each commit once, with its
 * parent), so refs sharing one long history cost that history once on disk
 * and once to validate, however many refs point into it. Read back, every
 * record is validated again, once per commit; anything odd just means
 * reading the refs again.
 */
import { graphProblem } from '../core/graph.js';
import { check, type SprintFile as Sprint } from '../core/schemas.js';
import { READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import { replaceFile } from '../store/fs-atomic.js';
import { isOid } from './objects.js';
import type { RefKey } from './ref-names.js';
import { refScope, schemaOf, scopedTip, tipOfScoped, type BadTips, type ChainCache, type ChainEntry } from './tracking.js';

interface StoredCommit {
  /** The parent commit (absent: the chain's first entry). */
  p?: string;
  r: unknown;
  a?: { oid: string; size: number };
}

/** The cache file as parsed, not yet validated: commits by id; and rejected tips, with why. */
export interface CacheFile {
  commits: Record<string, StoredCommit>;
  bad?: Record<string, unknown>;
}

const MAX_BAD = 5000;
const BAD_KEY = /^(head|ledger|phase|sprint\/\d{8}-\d{6}-[0-9a-f]{6}):[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The rejected tips of the file, checked: a key naming a scope (tracking.ts refScope) and a commit, a short printable reason. */
export function badTipsOf(file: CacheFile): BadTips {
  const out: BadTips = new Map();
  for (const [k, v] of Object.entries(file.bad ?? {}).slice(0, MAX_BAD)) {
    if (BAD_KEY.test(k) && typeof v === 'string' && v.length <= 400 && !/[\u0000-\u001f\u007f-\u009f]/.test(v)) out.set(k, v);
  }
  return out;
}

const cacheToJson = (cache: ChainCache, keep: Set<string>, bad: BadTips) => {
  const commits: Record<string, StoredCommit> = {};
  for (const [k, entries] of cache) {
    if (!keep.has(tipOfScoped(k))) continue;
    entries.forEach((e, i) => {
      if (Object.hasOwn(commits, e.commit)) return;
      commits[e.commit] = { ...(i ? { p: entries[i - 1]!.commit } : {}), r: e.record, ...(e.artifact ? { a: e.artifact } : {}) };
    });
  }
  // Only tips still listed, so the file never grows beyond the refs that exist.
  const rejected = Object.fromEntries([...bad].filter(([k]) => keep.has(tipOfScoped(k))).slice(0, MAX_BAD));
  return JSON.stringify({ v: 2, commits, bad: rejected });
};

/** The cache file, parsed but not yet validated; empty when missing or odd. */
export function readCacheFile(file: string): CacheFile {
  try {
    const raw = JSON.parse(readBoundedText(file, READ_CAPS.remoteCache) ?? '{}') as {
      v?: number;
      commits?: Record<string, StoredCommit>;
      bad?: Record<string, unknown>;
    };
    if (raw?.v !== 2 || typeof raw.commits !== 'object' || !raw.commits) return { commits: {} };
    return { commits: raw.commits, bad: raw.bad && typeof raw.bad === 'object' && !Array.isArray(raw.bad) ? raw.bad : undefined };
  } catch {
    return { commits: {} };
  }
}

const MAX_DEPTH = 5000;

/** Validates the cached chains of `refs` (only those: the rest are not worth validating now) into `into`; each commit once. */
export function addCached(file: CacheFile, refs: { oid: string; key: RefKey }[], into: ChainCache): void {
  const valid = new Map<string, ChainEntry<unknown> | null>();
  const entryAt = (ref: RefKey, commit: string, depth: number): ChainEntry<unknown> | null => {
    const kind = ref.kind;
    const key = `${refScope(ref)}:${depth}:${commit}`;
    const known = valid.get(key);
    if (known !== undefined) return known;
    const s = Object.hasOwn(file.commits, commit) ? file.commits[commit] : undefined;
    let e: ChainEntry<unknown> | null = null;
    if (
      s &&
      typeof s === 'object' &&
      check(schemaOf(kind), s.r).ok &&
      (ref.kind === 'sprint'
        ? (s.r as Sprint).id === ref.sprint && !graphProblem((s.r as Sprint).phases)
        : (s.r as { seq?: number }).seq === depth)
    ) {
      const a = s.a;
      if (a === undefined || (a && typeof a.oid === 'string' && isOid(a.oid) && typeof a.size === 'number'))
        e = { commit, record: s.r, ...(a ? { artifact: { oid: a.oid, size: a.size } } : {}) };
    }
    valid.set(key, e);
    return e;
  };
  for (const { oid: tip, key } of refs) {
    if (!isOid(tip) || into.has(scopedTip(key, tip))) continue;
    // Walk down to the first entry, then check each commit against its depth.
    const commits: string[] = [];
    for (let c: string | undefined = tip; c;) {
      if (!isOid(c) || commits.length >= MAX_DEPTH || !Object.hasOwn(file.commits, c)) {
        commits.length = 0;
        break;
      }
      commits.push(c);
      const p: unknown = file.commits[c]?.p;
      c = typeof p === 'string' ? p : undefined;
    }
    if (!commits.length || (key.kind === 'sprint' && commits.length !== 1)) continue;
    commits.reverse();
    // A head is cached as the window read (see tracking.ts): numbered on from its first entry; other chains whole, from 1.
    const first = key.kind === 'head' ? (file.commits[commits[0]!]?.r as { seq?: unknown } | undefined)?.seq : 1;
    if (typeof first !== 'number') continue;
    const entries: ChainEntry<unknown>[] = [];
    for (let i = 0; i < commits.length; i++) {
      const e = entryAt(key, commits[i]!, first + i);
      if (!e) break;
      entries.push(e);
    }
    if (entries.length === commits.length) into.set(scopedTip(key, tip), entries);
  }
}

/** Not fsynced: a cache lost in a power cut is rebuilt from the refs. */
export function saveCache(file: string, cache: ChainCache, keep: Set<string>, bad: BadTips = new Map()): void {
  try {
    replaceFile(file, cacheToJson(cache, keep, bad));
  } catch {
    // Only a cache: the next command reads the refs again.
  }
}
