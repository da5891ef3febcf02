/** The artifact of a done entry imported from the remote: loaded only then, and checked before it is stored. */
import { createHash } from 'node:crypto';
import { gradeFor, haltOfArtifact, validateArtifact } from '../core/artifacts.js';
import { hasOwnContract } from '../core/contract/index.js';
import { needsArtifact } from '../core/contract/halts.js';
import { redactValue } from '../core/redact.js';
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
export function importedArtifact(
  cwd: string,
  e: ChainEntry<PhaseRecord>,
  cap: number,
  phase: string,
): Record<string, Uint8Array> | undefined {
  if (!e.artifact || !e.record.artifact) {
    // A completion of a phase whose artifact decides shipping, without one, skipped its halt rule.
    if (needsArtifact(phase) && (e.record.kind === 'done' || e.record.kind === 'override'))
      throw new Error(`commit ${e.commit.slice(0, 12)} completes ${phase} without the artifact its halt rules read`);
    return undefined;
  }
  const bytes = objectBytes(cwd, [e.artifact.oid]).get(e.artifact.oid);
  if (!bytes || bytes.length > cap) throw new Error(`artifact of commit ${e.commit.slice(0, 12)} is missing or too large`);
  if (createHash('sha256').update(bytes).digest('hex') !== e.record.artifact.sha256)
    throw new Error(`artifact of commit ${e.commit.slice(0, 12)} does not match its sha256`);
  const where = `artifact of commit ${e.commit.slice(0, 12)}`;
  let json;
  try {
    // A custom phase may follow the completer's project JSON Schema: only the shape every artifact has is checked here.
    json = validateArtifact(phase, where, JSON.parse(bytes.toString('utf8')), hasOwnContract(phase) ? undefined : () => []);
  } catch (err) {
    throw new Error(err instanceof SyntaxError ? `${where} is not valid JSON` : (err as Error).message);
  }
  // Completing redacts secrets; bytes that still hold one were not completed by this tool.
  const secret = redactValue(json).found[0];
  if (secret) throw new Error(`${where} holds an unredacted secret (${secret.kind} at ${secret.path})`);
  // Judged by the contract the completer recorded (its qa threshold), so every clone judges alike.
  const halt = haltOfArtifact(phase, json, { qaThreshold: e.record.contract?.qa_threshold });
  // An override keeps its completion's artifact (and contract, rule and grade): the halt it cleared is that artifact's.
  const recorded = e.record.kind === 'override' ? e.record.overridden : e.record.halt;
  if (halt?.reason !== recorded || (e.record.halt_rule !== undefined && e.record.halt_rule !== halt?.rule))
    throw new Error(`${where}: its record's halt does not match what the artifact implies`);
  if (gradeFor(phase, json) !== e.record.grade) throw new Error(`${where}: its record's grade does not match what the artifact implies`);
  return { [ARTIFACT_FILE]: bytes };
}
