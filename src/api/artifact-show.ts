/** artifact show: the stored artifact of a done phase, checked against its sha256 before anything is shown. */
import { validatePhaseName } from '../core/graph.js';
import { findPhase } from '../core/phase-state.js';
import { unavailable } from '../core/errors.js';
import type { ArtifactRef, PhaseRecord } from '../core/schemas.js';
import { activeSprint, openWithRemote, type CommonOptions } from './context.js';
import { storedArtifact } from './stored-artifact.js';

export interface ArtifactShowOptions extends CommonOptions {
  phase: string;
}

export interface ArtifactShowResult {
  sprint_id: string;
  phase: string;
  sha256: string;
  bytes: number;
  source: string;
  redacted?: ArtifactRef['redacted'];
  /** Recorded beside the bytes at completion, never in them. */
  provenance: { completed_at: string; agent: string; host: string; branch?: string; head?: string; commit?: string };
  grade?: PhaseRecord['grade'];
  halt?: string;
  content: unknown;
}

async function load(opts: ArtifactShowOptions) {
  const ctx = await openWithRemote(opts, 'view');
  const phase = validatePhaseName(opts.phase);
  const sprint = activeSprint(ctx);
  findPhase(sprint, phase);
  const stored = storedArtifact(ctx, sprint, phase);
  if (!stored) throw unavailable('E_NO_ARTIFACT', `phase "${phase}" has no completed artifact yet`);
  return { sprint, phase, stored };
}

/** The stored artifact of a done phase, parsed, with its provenance. */
export async function artifactShow(opts: ArtifactShowOptions): Promise<ArtifactShowResult> {
  const { sprint, phase, stored } = await load(opts);
  const r = stored.record;
  const ref = r.artifact!;
  return {
    sprint_id: sprint.id,
    phase,
    sha256: ref.sha256,
    bytes: ref.bytes,
    source: ref.source,
    ...(ref.redacted ? { redacted: ref.redacted } : {}),
    provenance: { completed_at: r.at, agent: r.agent, host: r.host, ...r.provenance, ...(r.commit ? { commit: r.commit } : {}) },
    ...(r.grade ? { grade: r.grade } : {}),
    ...(r.halt ? { halt: r.halt } : {}),
    content: JSON.parse(stored.bytes.toString('utf8')),
  };
}

/** The exact stored bytes of a done phase's artifact (checked against their sha256). */
export async function artifactRaw(opts: ArtifactShowOptions): Promise<Uint8Array> {
  return (await load(opts)).stored.bytes;
}
