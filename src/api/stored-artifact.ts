/**
 * Reading a completed artifact back. The bytes beside a done record are
 * trusted only once they match the sha256 and size the record holds: a file
 * edited, truncated or swapped in the state directory is E_CORRUPT_STATE
 * naming it, never an artifact.
 */
import type * as Crypto from 'node:crypto';
import { MAX_ARTIFACT_BYTES } from '../core/artifacts.js';
import { corrupt } from '../core/errors.js';
import { isDone } from '../core/phase-state.js';
import type { ArtifactRef, PhaseRecord, SprintFile } from '../core/schemas.js';
import { BoundedReadError, readBounded } from '../store/bounded-read.js';
import { ARTIFACT_FILE, child } from '../store/layout.js';
import type { Ctx } from './context.js';

export interface StoredArtifact {
  record: PhaseRecord;
  file: string;
  bytes: Buffer;
}

const REPAIR = "restore it from a teammate's copy or the remote's ref, or complete the phase again in a new sprint";

/** The verified stored artifact of `phase`'s newest entry, or undefined when it is not done with an artifact. */
export function storedArtifact(ctx: Ctx, sprint: SprintFile, phase: string): StoredArtifact | undefined {
  const top = ctx.store.phaseLog(sprint.id, phase).top();
  // An override entry carries its completion's artifact: the newest entry of a done phase holds it.
  const ref = isDone(top?.record) ? top!.record.artifact : undefined;
  if (!top || !ref) return undefined;
  const file = child(top.dir, ARTIFACT_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = readBounded(file, MAX_ARTIFACT_BYTES);
  } catch (e) {
    if (e instanceof BoundedReadError) throw corrupt(file, e.problem, REPAIR);
    bytes = undefined;
  }
  if (!bytes) throw corrupt(file, 'the done record names an artifact but the file is missing', REPAIR);
  checkStoredBytes(bytes, ref, file);
  return { record: top.record, file, bytes };
}

/** Throws E_CORRUPT_STATE naming `where` (a file, or a ref and commit) unless `bytes` are exactly what `ref` recorded. */
export function checkStoredBytes(bytes: Uint8Array, ref: ArtifactRef, where: string): void {
  const crypto = process.getBuiltinModule('node:crypto') as typeof Crypto;
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== ref.bytes || sha256 !== ref.sha256) {
    throw corrupt(
      where,
      `its bytes (${bytes.length}, sha256 ${sha256.slice(0, 12)}) do not match the ${ref.bytes} bytes with sha256 ${ref.sha256.slice(0, 12)} recorded at completion`,
      REPAIR,
    );
  }
}

/** Every done phase's stored artifact, checked (the ship gate reads them all before letting a release through). */
export function checkStoredArtifacts(ctx: Ctx, sprint: SprintFile): void {
  for (const p of sprint.phases) storedArtifact(ctx, sprint, p.name);
}
