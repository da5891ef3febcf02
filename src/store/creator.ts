/**
 * Who created a local log entry: a small local-only file (`creator.json`)
 * beside its record, holding the creating process's host and pid. It is never
 * published, and only answers one question: is the entry's creator provably
 * gone? Only when it ran on this host and its pid is no longer alive, so an
 * entry it left unpublished (killed mid-push) may be settled at once instead
 * of after the stale-entry wait. Anything else (another host, no file, a bad
 * file, a live pid) is "not provably gone": the wait applies.
 *
 * A pid can be reused by an unrelated process: then the creator looks alive
 * and the entry waits for the stale-entry bound, the safe side.
 */
import { readFileSync } from 'node:fs';
import { check, lazy } from '../core/schemas.js';
import * as z from 'zod/mini';
import { child } from './layout.js';

export const CREATOR_FILE = 'creator.json';

const Creator = lazy(() => z.strictObject({ host: z.string().check(z.maxLength(253)), pid: z.number().check(z.int(), z.minimum(1)) }));

/** The payload file naming this process as the entry's creator. */
export const creatorPayload = (host: string): Record<string, Uint8Array> => ({
  [CREATOR_FILE]: Buffer.from(JSON.stringify({ host, pid: process.pid }) + '\n'),
});

/** True only when the entry in `dir` was created on `host` by a process that no longer runs. */
export function creatorGone(dir: string, host: string): boolean {
  let raw: unknown;
  try {
    const text = readFileSync(child(dir, CREATOR_FILE), { encoding: 'utf8', flag: 'r' });
    if (text.length > 1024) return false;
    raw = JSON.parse(text);
  } catch {
    return false;
  }
  const r = check(Creator, raw);
  if (!r.ok || r.value.host !== host || r.value.pid === process.pid) return false;
  try {
    process.kill(r.value.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
