/** start: a new sprint, with its phase graph from the flag, the project, or the default. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { invalid, isCode, unavailable } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_PHASES, validateGraph } from '../core/graph.js';
import { isLive } from '../core/phase-state.js';
import type { PhaseDef, SprintFile } from '../core/schemas.js';
import { BoundedReadError, READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import { creatorPayload } from '../store/creator.js';
import { randomHex } from '../store/fs-atomic.js';
import { retainAfterStart } from './retention.js';
import {
  agentOf,
  iso,
  openContext,
  PROJECT_CONFIG,
  projectConfig,
  requireWorkTree,
  withRemote,
  type CommonOptions,
  type Ctx,
} from './context.js';
import { withWarnings, type Warned } from './warnings.js';

export interface StartOptions extends CommonOptions {
  /** Inline JSON (starts with `[`) or a path to a JSON file. */
  phases?: string;
  /** Start even though the sprint it replaces has phases held by live leases (their holders lose them). */
  force?: boolean;
}

export interface StartResult extends Warned {
  sprint_id: string;
  source: SprintFile['source'];
  phases: PhaseDef[];
  archived?: string;
  /** What the retention policy removed after this start, when anything. */
  retention?: { removed_local: string[]; removed_remote_refs: number };
}

export async function start(opts: StartOptions): Promise<StartResult> {
  // With a remote, start replaces the remote's active sprint: decide that against a fresh view.
  const local = openContext(opts);
  requireWorkTree(local.repo, 'start');
  const ctx = await withRemote(local, { offline: opts.offline, fetch: true });
  const agent = agentOf(ctx, opts.agent).id;
  if (!opts.offline) ctx.remote?.abandonDivergedHead();
  const { phases, source, lease_ttl } = phaseGraph(ctx, opts.phases);
  if (!opts.force) refuseLiveLeases(ctx);
  const d = new Date(ctx.now).toISOString();
  const id = `${d.slice(0, 10).replace(/-/g, '')}-${d.slice(11, 19).replace(/:/g, '')}-${randomHex(3)}`;
  const sprint: SprintFile = {
    v: 1,
    id,
    started_by: agent,
    host: ctx.host,
    started_at: iso(ctx.now),
    status: 'active',
    source,
    phases,
    ...(lease_ttl ? { lease_ttl } : {}),
  };
  ctx.store.createSprint(sprint);
  const head = ctx.store.headLog();
  const { seq, previous } = headTop(ctx);
  const headId = randomHex(8);
  try {
    head.append(
      seq,
      { v: 1, id: headId, kind: 'start', sprint_id: id, agent, host: ctx.host, at: sprint.started_at },
      ctx.remote ? creatorPayload(ctx.host) : undefined,
    );
  } catch (e) {
    ctx.store.archiveSprint(sprint, iso(ctx.clock()));
    if (isCode(e, 'E_LOST_RACE')) {
      throw unavailable(
        'E_LOST_RACE',
        `another agent started a sprint at the same moment (${ctx.store.activeSprintId()}): use it, or run start again to replace it`,
      );
    }
    throw e;
  }
  if (ctx.remote && !ctx.remote.offline) {
    try {
      ctx.remote.publishStart(id, headId);
    } catch (e) {
      // Never published: remove it, so nothing half-done is left behind.
      ctx.store.removeSprint(id);
      throw e;
    }
  }
  if (previous && previous !== id) ctx.store.archiveSprint(previous, iso(ctx.now));
  ctx.store.audit({
    at: sprint.started_at,
    event: 'start',
    sprint_id: id,
    agent,
    host: ctx.host,
    detail: `${phases.length} phases from ${source}${previous ? `; archived ${previous}` : ''}`,
  });
  // Archiving is what grows history: the one moment retention runs by itself.
  const retained = previous && previous !== id ? await retainAfterStart(ctx) : undefined;
  return withWarnings(ctx, {
    sprint_id: id,
    source,
    phases,
    archived: previous,
    ...(retained &&
      (retained.local.length || retained.remote?.deleted) && {
        retention: { removed_local: retained.local, removed_remote_refs: retained.remote?.deleted ?? 0 },
      }),
  });
}

/**
 * Replacing a sprint whose phases are held by live leases would leave their
 * holders working for an archived sprint: refused, naming them, unless forced.
 * A head or sprint that does not read is not one anyone can hold.
 */
function refuseLiveLeases(ctx: Ctx): void {
  let sprint: SprintFile;
  try {
    sprint = ctx.store.readSprint(ctx.store.activeSprintId() ?? '');
  } catch {
    return; // no sprint, or an unreadable head or sprint: start is its repair
  }
  if (sprint.status !== 'active') return;
  const now = ctx.clock();
  let tops: ReturnType<Ctx['store']['tops']>;
  try {
    tops = ctx.store.tops(sprint);
  } catch {
    return; // a corrupt entry: start is its repair
  }
  const live = sprint.phases.map((p) => ({ phase: p.name, top: tops.get(p.name) })).filter((x) => isLive(x.top, now));
  if (!live.length) return;
  const held = live.map((x) => ({ phase: x.phase, agent: x.top!.agent, host: x.top!.host, expires_at: x.top!.expires_at }));
  throw unavailable(
    'E_LEASE_LIVE',
    `sprint ${sprint.id} still has live leases: ${held.map((h) => `${h.phase} (held by ${h.agent}@${h.host} until ${h.expires_at})`).join(', ')}; let them complete or abort, or pass --force to archive it anyway`,
    { sprint_id: sprint.id, held },
  );
}

/**
 * The head's newest entry and the sprint it names. The new entry must follow
 * exactly that one: if another start lands in between, this one loses the race
 * rather than replacing a sprint it never saw (and so never archives). A
 * corrupt newest entry, which the error message says `start` repairs, names no
 * sprint but must not stop one.
 */
function headTop(ctx: Ctx): { seq: number; previous?: string } {
  const head = ctx.store.headLog();
  const seq = head.topSeq();
  if (!seq) return { seq };
  try {
    return { seq, previous: head.read(seq).record.sprint_id };
  } catch (e) {
    if (isCode(e, 'E_CORRUPT_STATE')) return { seq };
    throw e;
  }
}

const DEFAULT_CONCURRENCY: Record<string, PhaseDef['concurrency']> = Object.fromEntries(DEFAULT_PHASES.map((p) => [p.name, p.concurrency]));

/** --phases, else the project config, else .nanostack/config.json's phase_graph, else the default. */
export function phaseGraph(ctx: Ctx, flag: string | undefined): { phases: PhaseDef[]; source: SprintFile['source']; lease_ttl?: string } {
  if (flag !== undefined) {
    const inline = /^\s*[[{]/.test(flag);
    const where = inline ? '--phases' : flag;
    const text = inline ? flag : readJsonText(resolve(ctx.cwd, flag), '--phases');
    const value = parseValue(text, where);
    return { phases: validateGraph(graphOf(value), where), source: inline ? 'inline' : 'file', lease_ttl: leaseTtlOf(value, where) };
  }
  const project = projectConfig(ctx);
  if (project?.phases) return { phases: validateGraph(project.phases, PROJECT_CONFIG), source: 'project' };
  const nano = ctx.repo.top && join(ctx.repo.top, '.nanostack', 'config.json');
  if (nano && existsSync(nano)) {
    const graph = (parse(readJsonText(nano, nano, true), nano) as { phase_graph?: unknown }).phase_graph;
    if (graph !== undefined) {
      // nanostack graphs name their phases like ours; keep their known classes.
      const withClasses = Array.isArray(graph)
        ? graph.map((p: Record<string, unknown>) =>
            p && typeof p === 'object' && !p.concurrency && typeof p.name === 'string' && DEFAULT_CONCURRENCY[p.name]
              ? { ...p, concurrency: DEFAULT_CONCURRENCY[p.name] }
              : p,
          )
        : graph;
      return { phases: validateGraph(withClasses, `${nano} phase_graph`), source: 'nanostack' };
    }
  }
  return { phases: DEFAULT_PHASES.map((p) => ({ ...p, depends_on: [...p.depends_on] })), source: 'default' };
}

/** `tracked`: a file of the work tree, which anyone can commit as a symlink: not followed. */
function readJsonText(file: string, what: string, tracked = false): string {
  let text: string | undefined;
  try {
    text = readBoundedText(file, READ_CAPS.projectConfig, { noFollow: tracked });
  } catch (e) {
    if (e instanceof BoundedReadError)
      throw invalid(
        'E_BAD_GRAPH',
        `${what}: ${e.problem}: pass inline JSON ([{"name":"build"}]) or a regular JSON file of at most ${READ_CAPS.projectConfig} bytes`,
        { file },
      );
  }
  if (text === undefined)
    throw invalid('E_BAD_GRAPH', `${what}: cannot read ${file}: pass inline JSON ([{"name":"build"}]) or a readable file`, { file });
  return text;
}

function parseValue(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalid('E_BAD_GRAPH', `invalid phase graph (${where}): not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Accept {"phases": [...], "lease_ttl": "2h"} (the project config's shape) as well as a bare array. */
const graphOf = (v: unknown) => (isObject(v) && 'phases' in v ? v.phases : v);

/** The object's lease_ttl, checked now (normalised to a number and a unit) so every claim of the sprint can use it. */
function leaseTtlOf(v: unknown, where: string): string | undefined {
  if (!isObject(v) || v.lease_ttl === undefined) return undefined;
  const text = typeof v.lease_ttl === 'string' ? v.lease_ttl : JSON.stringify(v.lease_ttl);
  const ms = parseDuration(text, `lease_ttl in ${where}`);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}

const parse = (text: string, where: string) => graphOf(parseValue(text, where));
