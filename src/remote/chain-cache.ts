/**
 * The chain cache on disk (`remote-cache.json` in the state dir): validated
 * remote-tracking chains by tip commit id, so that refs which did not move
 * since the last command cost no git call. Read back, every record is
 * validated again; anything odd just means reading the refs again.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { check, HeadRecord, PhaseRecord, SprintFile } from '../core/schemas.js';
import { randomHex } from '../store/fs-atomic.js';
import { isOid } from './objects.js';
import type { RefKey } from './ref-names.js';
import type { ChainCache, ChainEntry } from './tracking.js';

/** The cache as stored in the state dir; entries are re-validated when read back (see view.ts). */
const cacheToJson = (cache: ChainCache, keep: Set<string>) => JSON.stringify({ v: 1, chains: Object.fromEntries([...cache].filter(([tip]) => keep.has(tip))) });

function cacheFromJson(text: string, kinds: Map<string, RefKey['kind']>): ChainCache {
  const out: ChainCache = new Map();
  let raw: { v?: number; chains?: Record<string, unknown> };
  try {
    raw = JSON.parse(text);
  } catch {
    return out;
  }
  if (raw?.v !== 1 || typeof raw.chains !== 'object' || !raw.chains) return out;
  for (const [tip, entries] of Object.entries(raw.chains)) {
    const kind = kinds.get(tip);
    if (!kind || !isOid(tip) || !Array.isArray(entries)) continue;
    const schema = (kind === 'head' ? HeadRecord : kind === 'sprint' ? SprintFile : PhaseRecord) as () => import('zod/mini').ZodMiniType<unknown>;
    const valid = entries.every((e: { commit?: unknown; record?: unknown; artifact?: { oid?: unknown; size?: unknown } }, i) => {
      if (!e || typeof e.commit !== 'string' || !isOid(e.commit) || !check(schema, e.record).ok) return false;
      if (kind !== 'sprint' && (e.record as { seq?: number }).seq !== i + 1) return false;
      return e.artifact === undefined || (typeof e.artifact.oid === 'string' && isOid(e.artifact.oid) && typeof e.artifact.size === 'number');
    });
    if (valid && entries.length) out.set(tip, entries as ChainEntry<unknown>[]);
  }
  return out;
}


export function loadCache(file: string, refs: { oid: string; key: RefKey }[]): ChainCache {
  try {
    return cacheFromJson(readFileSync(file, 'utf8'), new Map(refs.map((r) => [r.oid, r.key.kind])));
  } catch {
    return new Map();
  }
}

/** Not fsynced: a cache lost in a power cut is rebuilt from the refs. */
export function saveCache(file: string, cache: ChainCache, keep: Set<string>): void {
  try {
    const tmp = `${file}.tmp-${process.pid}-${randomHex(4)}`;
    writeFileSync(tmp, cacheToJson(cache, keep));
    renameSync(tmp, file);
  } catch {
    // Only a cache: the next command reads the refs again.
  }
}
