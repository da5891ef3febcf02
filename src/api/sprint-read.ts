/**
 * Reading a sprint for the handoff commands (context, journal): the active
 * one or any archived one still here, its phase logs, and the artifacts of
 * its done phases, each checked against the sha256 its done record holds.
 *
 * Where the data comes from: the local state (which, for the active sprint,
 * withRemote() has just brought in line with the fetched refs); for a sprint
 * that is not active, also the fetched phase refs, whose chain wins where it
 * is longer than the local log (this clone stopped following that sprint
 * when the next one started). A sprint known only from the refs is read from
 * them alone. An artifact whose bytes do not match is refused
 * (E_CORRUPT_STATE naming the file or the ref), never summarised.
 */
import { readFileSync, statSync } from 'node:fs';
import { corrupt, invalid, unavailable } from '../core/errors.js';
import { isDone } from '../core/hold.js';
import { SPRINT_ID_RE, type ArtifactRef, type LedgerRecord, type PhaseRecord, type SprintFile } from '../core/schemas.js';
import { ARTIFACT_FILE, child } from '../store/layout.js';
import { MAX_ARTIFACT_BYTES } from './artifact-file.js';
import { activeSprint, type Ctx } from './context.js';
import { checkStoredBytes } from './stored-artifact.js';
import type { Chain } from '../remote/tracking.js';

export interface PhaseData {
  /** The whole log (mode 'all'), or only its newest entry (mode 'tops'). */
  records: PhaseRecord[];
  /** The newest entry, when it is a completion (or an override, which carries it) with an artifact: the verified, parsed artifact. */
  artifact?: Record<string, unknown>;
}

export interface SprintData {
  sprint: SprintFile;
  active: boolean;
  phases: Map<string, PhaseData>;
  /** Mode 'all': the sprint's budget and attempts ledger, oldest first. */
  ledger: LedgerRecord[];
}

const REPAIR = `the artifact was changed after it was completed: restore it from a teammate's clone ('git conductor artifact show <phase>' there) or from the remote's phase ref; nothing was summarised from it`;

/** The bytes of an artifact, refused unless they are exactly what the done record names, parsed. */
export function verifiedArtifact(bytes: Uint8Array, ref: ArtifactRef, where: string): Record<string, unknown> {
  checkStoredBytes(bytes, ref, where);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw corrupt(where, 'not valid JSON', REPAIR);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw corrupt(where, 'not a JSON object', REPAIR);
  return value as Record<string, unknown>;
}

function localArtifact(dir: string, ref: ArtifactRef): Record<string, unknown> {
  const file = child(dir, ARTIFACT_FILE);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw corrupt(file, 'missing (its done record names an artifact)', REPAIR);
  }
  if (size > MAX_ARTIFACT_BYTES || size !== ref.bytes) throw corrupt(file, `${size} bytes, but its done record says ${ref.bytes}`, REPAIR);
  return verifiedArtifact(readFileSync(file), ref, file);
}

export function checkSprintId(id: string): string {
  if (!SPRINT_ID_RE.test(id))
    throw invalid(
      'E_BAD_SPRINT_ID',
      `invalid sprint id ${JSON.stringify(id.slice(0, 80))}: ids look like 20261122-091502-3c50f1 (see 'git conductor log' or 'status')`,
      { sprint: id.slice(0, 80) },
    );
  return id;
}

/** The sprint `sprintId` (default: the active one), from wherever it is (see the header). */
export async function readSprint(ctx: Ctx, sprintId: string | undefined, mode: 'tops' | 'all'): Promise<SprintData> {
  const id = sprintId === undefined ? activeSprint(ctx).id : checkSprintId(sprintId);
  // The active sprint's local logs already follow the refs; another's may have stopped short.
  const fetched = id !== ctx.store.activeSprintId() && ctx.remote ? await fetchedSprint(ctx, id) : undefined;
  return readSprintWith(ctx, id, mode, fetched);
}

type FetchedSprint = Awaited<ReturnType<typeof fetchedSprint>>;

/** readSprint for a known id, with the fetched chains already loaded (or none: the local state only). */
export function readSprintWith(ctx: Ctx, id: string, mode: 'tops' | 'all', fetched?: FetchedSprint): SprintData {
  const activeId = ctx.store.activeSprintId();
  const local = ctx.store.sprintIds().includes(id) ? ctx.store.readSprint(id) : undefined;
  const sprint = local ?? (fetched?.sprint && { ...fetched.sprint, status: 'archived' as const });
  if (!sprint) {
    const known = ctx.store.sprintIds();
    throw unavailable(
      'E_NO_SPRINT',
      `no sprint ${id} in this clone${ctx.remote ? ' or in the refs fetched from the remote' : ''} (cleaned, or never fetched); sprints here: ${known.length ? known.slice(-5).join(', ') : 'none'}`,
      { sprint: id },
    );
  }
  const phases = new Map<string, PhaseData>();
  for (const p of sprint.phases) {
    const log = ctx.store.phaseLog(id, p.name);
    const chain = fetched?.phases.get(p.name);
    if (chain && chain.entries.length > log.topSeq()) {
      const entries = mode === 'all' ? chain.entries : chain.entries.slice(-1);
      const top = entries.at(-1)!;
      const bytes = isDone(top.record) && top.record.artifact ? fetched!.artifact(top) : undefined;
      const where = `${chain.ref} (commit ${top.commit.slice(0, 12)})`;
      if (isDone(top.record) && top.record.artifact && !bytes) throw corrupt(where, 'its artifact blob is missing', REPAIR);
      phases.set(p.name, {
        records: entries.map((e) => e.record),
        artifact: bytes && verifiedArtifact(bytes, top.record.artifact!, where),
      });
      continue;
    }
    const entries = mode === 'all' ? log.all() : [log.top()].filter((e) => e !== null);
    const top = entries.at(-1);
    // An override entry carries its completion's artifact: the newest entry of a done phase holds it.
    const artifact = isDone(top?.record) && top!.record.artifact ? localArtifact(top!.dir, top!.record.artifact) : undefined;
    phases.set(p.name, { records: entries.map((e) => e.record), artifact });
  }
  return {
    sprint,
    active: id === activeId && sprint.status === 'active',
    phases,
    ledger: mode === 'all' ? ledgerOf(ctx, id, fetched) : [],
  };
}

/** The longer of the local ledger and the fetched one (bounded: core/ledger.ts MAX_LEDGER_ENTRIES). */
function ledgerOf(ctx: Ctx, id: string, fetched?: FetchedSprint): LedgerRecord[] {
  const log = ctx.store.ledgerLog(id);
  const chain = fetched?.ledger;
  return chain && chain.entries.length > log.topSeq() ? chain.entries.map((e) => e.record) : log.all().map((e) => e.record);
}

async function fetchedSprint(ctx: Ctx, id: string) {
  const { fetchedChains, chainArtifact } = await import('../remote/fetched-chains.js');
  const chains = fetchedChains(ctx, ctx.remote!.names, (k) => k.kind !== 'head' && k.sprint === id);
  return {
    sprint: chains.sprints.get(id),
    phases: chains.phases.get(id) ?? new Map<string, Chain<PhaseRecord>>(),
    ledger: chains.ledgers.get(id),
    artifact: (e: Parameters<typeof chainArtifact>[1]) => chainArtifact(ctx.cwd, e),
  };
}
