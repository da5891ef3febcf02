/**
 * What a clone remembers of its fetches between commands, in two small local
 * files: when it last fetched (the "as of" of status) and the clock finding of
 * the last fetch. Both only feed reports, so neither is ever allowed to fail a
 * command: writes are best effort, and a missing or invalid file reads as none.
 */
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { lateRecord, type SkewFinding } from '../core/clock.js';
import { check, type PhaseRecord } from '../core/schemas.js';
import type { LinkCtx } from './view.js';

/** Touches the fetch stamp: our fetch happened at `now`. */
export function stampFetch(ctx: LinkCtx): void {
  const stamp = ctx.store.layout.fetchStamp;
  try {
    const now = new Date(ctx.clock());
    if (existsSync(stamp)) utimesSync(stamp, now, now);
    else writeFileSync(stamp, '');
  } catch {
    // The stamp only feeds "as of"; never fail a command for it.
  }
}

/** When the view of the remote was last refreshed: our fetch, or a plain `git fetch` / `git pull`. */
export function fetchedAt(ctx: LinkCtx): string | undefined {
  const times = [ctx.store.layout.fetchStamp, join(ctx.repo.gitDir, 'FETCH_HEAD'), join(ctx.repo.commonDir, 'FETCH_HEAD')].map((f) => {
    try {
      return statSync(f).mtimeMs;
    } catch {
      return 0;
    }
  });
  const t = Math.max(...times);
  return t ? new Date(t).toISOString() : undefined;
}

/** Keeps the finding of claims that reached the remote dated before our previous fetch (`fresh`: records new to this fetch), until a fetch agrees again. */
export function noteLateRecords(ctx: LinkCtx, fresh: PhaseRecord[], previousFetch: number | undefined): void {
  const late = lateRecord(fresh, previousFetch);
  const file = ctx.store.layout.clockSkew;
  try {
    if (late) writeFileSync(file, JSON.stringify(late) + '\n');
    else if (fresh.some((r) => r.kind === 'claim' && !r.offline)) rmSync(file, { force: true });
  } catch {
    // Only a warning's memory: never fail a command for it.
  }
}

const Finding = () =>
  z.object({
    skew_ms: z.number(),
    record: z.object({
      agent: z.string().check(z.maxLength(128)),
      host: z.string().check(z.maxLength(253)),
      at: z.string().check(z.maxLength(40)),
    }),
    detail: z.string().check(z.maxLength(500)),
  });

/** The kept finding, if the file is there and valid (anything else counts as none). */
export function keptFinding(ctx: LinkCtx): SkewFinding | undefined {
  try {
    const text = readFileSync(ctx.store.layout.clockSkew, 'utf8');
    if (text.length > 2048) return undefined;
    const r = check(Finding, JSON.parse(text));
    return r.ok ? r.value : undefined;
  } catch {
    return undefined;
  }
}
