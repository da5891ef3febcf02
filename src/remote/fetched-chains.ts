/**
 * Read-only access to every fetched chain, beyond the active sprint that
 * view.ts keeps the local logs in line with: an archived sprint's phase logs
 * (for `context --sprint` and `journal --sprint` on a clone that did not
 * follow that sprint to its end) and every ref's entries (for the team's
 * `log`). Nothing local is changed; chains are validated exactly as for
 * importing (tracking.ts), and served from the chain cache when their tips
 * did not move.
 */
import type { HeadRecord, LedgerRecord, PhaseRecord, SprintFile } from '../core/schemas.js';
import type { StateStore } from '../store/state-store.js';
import { addCached, readCacheFile, saveCache } from './chain-cache.js';
import { objectBytes } from './objects.js';
import type { RefKey, RefNames } from './ref-names.js';
import { listTracking, readTracking, type Chain, type ChainCache, type ChainEntry, type Problem } from './tracking.js';
import { ARTIFACT_CAP } from './view.js';

export interface FetchedChains {
  head?: Chain<HeadRecord>;
  sprints: Map<string, SprintFile>;
  /** By sprint id, then phase. */
  phases: Map<string, Map<string, Chain<PhaseRecord>>>;
  /** By sprint id: its budget and attempts ledger. */
  ledgers: Map<string, Chain<LedgerRecord>>;
  problems: Problem[];
}

interface Where {
  cwd: string;
  repo: { commonDir: string };
  store: StateStore;
}

/** The validated chains of the tracking refs `want` accepts (all of them by default). */
export function fetchedChains(ctx: Where, names: RefNames, want: (k: RefKey) => boolean = () => true): FetchedChains {
  const { refs, problems } = listTracking(ctx.cwd, names, ctx.repo.commonDir);
  const listed = refs.filter((r) => want(r.key));
  const file = ctx.store.layout.remoteCache;
  const cache: ChainCache = new Map();
  addCached(readCacheFile(file), listed, cache);
  const known = cache.size;
  const state = readTracking(ctx.cwd, listed, () => true, ARTIFACT_CAP, cache);
  // Keep what was validated for the next read; the cache only ever saves git calls.
  if (cache.size > known) saveCache(file, cache, new Set(refs.map((r) => r.oid)));
  const phases = new Map<string, Map<string, Chain<PhaseRecord>>>();
  for (const chain of state.phases.values()) {
    if (chain.key.kind !== 'phase') continue;
    const bySprint = phases.get(chain.key.sprint) ?? new Map<string, Chain<PhaseRecord>>();
    bySprint.set(chain.key.phase, chain);
    phases.set(chain.key.sprint, bySprint);
  }
  return { head: state.head, sprints: state.sprints, phases, ledgers: state.ledgers, problems: [...problems, ...state.problems] };
}

/** The artifact blob of a done entry (its size was checked against the record when the chain was read). */
export function chainArtifact(cwd: string, e: ChainEntry<PhaseRecord>): Uint8Array | undefined {
  return e.artifact ? objectBytes(cwd, [e.artifact.oid]).get(e.artifact.oid) : undefined;
}
