/** The artifact of a done entry imported from the remote: loaded only then, and checked before it is stored. */
import { createHash } from 'node:crypto';
import { haltReason, validateArtifact } from '../core/artifacts.js';
import type { PhaseRecord } from '../core/schemas.js';
import { ARTIFACT_FILE } from '../store/layout.js';
import { objectBytes } from './objects.js';
import type { ChainEntry } from './tracking.js';

/**
 * The files to store with `e`: its artifact, if it is within `cap`, matches its
 * sha256, fits its phase's schema, and its record's `halt` is what the artifact
 * implies (a teammate's client, or a crafted ref, must not complete security
 * with a critical finding and no halt). Throws otherwise.
 */
export function importedArtifact(cwd: string, e: ChainEntry<PhaseRecord>, cap: number, phase: string): Record<string, Uint8Array> | undefined {
  if (!e.artifact || !e.record.artifact) return undefined;
  const bytes = objectBytes(cwd, [e.artifact.oid]).get(e.artifact.oid);
  if (!bytes || bytes.length > cap) throw new Error(`artifact of commit ${e.commit.slice(0, 12)} is missing or too large`);
  if (createHash('sha256').update(bytes).digest('hex') !== e.record.artifact.sha256) throw new Error(`artifact of commit ${e.commit.slice(0, 12)} does not match its sha256`);
  const where = `artifact of commit ${e.commit.slice(0, 12)}`;
  let json;
  try {
    json = validateArtifact(phase, where, JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    throw new Error(err instanceof SyntaxError ? `${where} is not valid JSON` : (err as Error).message);
  }
  if ((haltReason(phase, json) ?? undefined) !== e.record.halt) throw new Error(`${where}: its record's halt does not match what the artifact implies`);
  return { [ARTIFACT_FILE]: bytes };
}
