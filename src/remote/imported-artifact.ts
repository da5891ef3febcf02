/** The artifact of a done entry imported from the remote: loaded only then, and checked before it is stored. */
import { createHash } from 'node:crypto';
import type { PhaseRecord } from '../core/schemas.js';
import { objectBytes } from './objects.js';
import type { ChainEntry } from './tracking.js';

/** The files to store with `e`: its artifact, if it is within `cap`, matches its sha256 and holds a JSON object. Throws otherwise. */
export function importedArtifact(cwd: string, e: ChainEntry<PhaseRecord>, cap: number): Record<string, Uint8Array> | undefined {
  if (!e.artifact || !e.record.artifact) return undefined;
  const bytes = objectBytes(cwd, [e.artifact.oid]).get(e.artifact.oid);
  if (!bytes || bytes.length > cap) throw new Error(`artifact of commit ${e.commit.slice(0, 12)} is missing or too large`);
  if (createHash('sha256').update(bytes).digest('hex') !== e.record.artifact.sha256) throw new Error(`artifact of commit ${e.commit.slice(0, 12)} does not match its sha256`);
  try {
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
  } catch {
    throw new Error(`artifact of commit ${e.commit.slice(0, 12)} is not a JSON object`);
  }
  return { 'artifact.json': bytes };
}
