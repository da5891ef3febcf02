/**
 * The chain cache on disk (`remote-cache.json` in the state dir): validated
 * remote-tracking chains by tip commit id, so that refs which did not move
 * since the last command cost no git call. Read back, every record is
 * validated again; anything odd just means reading the refs again.
 */
import { readFileSync } from 'node:fs';
import { check, HeadRecord, PhaseRecord, SprintFile } from '../core/schemas.js';
import { replaceFile } from '../store/fs-atomic.js';
import { isOid } from './objects.js';
import type { RefKey } from './ref-names.js';
import type { ChainCache, ChainEntry } from './tracking.js';

/** The cache as stored in the state dir; entries are re-validated when read back (addCached). */
const cacheToJson = (cache: ChainCache, keep: Set<string>) =>
  JSON.stringify({ v: 1, chains: Object.fromEntries([...cache].filter(([tip]) => keep.has(tip))) });

/** The cache file's chains by tip, parsed but not yet validated; empty when missing or odd. */
export function readCacheFile(file: string): Record<string, unknown> {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { v?: number; chains?: Record<string, unknown> };
    return raw?.v === 1 && typeof raw.chains === 'object' && raw.chains ? raw.chains : {};
  } catch {
    return {};
  }
}

/** Validates the cached chains of `refs` (only those: the rest are not worth validating now) into `into`. */
export function addCached(chains: Record<string, unknown>, refs: { oid: string; key: RefKey }[], into: ChainCache): void {
  for (const { oid: tip, key } of refs) {
    const entries = Object.hasOwn(chains, tip) ? chains[tip] : undefined;
    if (into.has(tip) || !isOid(tip) || !Array.isArray(entries)) continue;
    const kind = key.kind;
    const schema = (
      kind === 'head' ? HeadRecord : kind === 'sprint' ? SprintFile : PhaseRecord
    ) as () => import('zod/mini').ZodMiniType<unknown>;
    const valid = entries.every((e: { commit?: unknown; record?: unknown; artifact?: { oid?: unknown; size?: unknown } }, i) => {
      if (!e || typeof e.commit !== 'string' || !isOid(e.commit) || !check(schema, e.record).ok) return false;
      // A head is cached as the window read (see tracking.ts); other chains whole, from 1.
      const first = kind === 'head' ? (entries[0] as { record?: { seq?: number } }).record?.seq : 1;
      if (kind !== 'sprint' && (typeof first !== 'number' || (e.record as { seq?: number }).seq !== first + i)) return false;
      return (
        e.artifact === undefined || (typeof e.artifact.oid === 'string' && isOid(e.artifact.oid) && typeof e.artifact.size === 'number')
      );
    });
    if (valid && entries.length) into.set(tip, entries as ChainEntry<unknown>[]);
  }
}

/** Not fsynced: a cache lost in a power cut is rebuilt from the refs. */
export function saveCache(file: string, cache: ChainCache, keep: Set<string>): void {
  try {
    replaceFile(file, cacheToJson(cache, keep));
  } catch {
    // Only a cache: the next command reads the refs again.
  }
}
