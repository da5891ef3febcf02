/** Read-only views: status, batch, log, whoami, artifact. */
import { validatePhaseName } from '../core/graph.js';
import { findPhase, haltOf, viewAll, type PhaseView } from '../core/phase-state.js';
import { batches, type Batch } from '../core/schedule.js';
import type { AuditEntry } from '../core/schemas.js';
import { MAX_ARTIFACT_BYTES } from '../core/artifacts.js';
import { corrupt, unavailable } from '../core/errors.js';
import { BoundedReadError, readBoundedText } from '../store/bounded-read.js';
import { ARTIFACT_FILE, child } from '../store/layout.js';
import type { Ctx } from './context.js';
import { activeSprint, agentOf, openContext, openWithRemote, type CommonOptions } from './context.js';

export interface StatusResult {
  sprint_id: string;
  status: 'active' | 'archived';
  started_at: string;
  started_by: string;
  halted?: { phase: string; reason: string };
  /** In topological-declaration order. */
  phases: Record<string, PhaseView & { lease_left_s?: number; unpublished?: boolean }>;
  /** With a coordination remote: which, how fresh the view is, what is not published yet. */
  remote?: RemoteSummary;
}

export type RemoteSummary = ReturnType<NonNullable<Ctx['remote']>['summary']>;

export interface StatusOptions extends CommonOptions {
  /** Fetch the coordination remote first. */
  fetch?: boolean;
}

export async function status(opts: StatusOptions = {}): Promise<StatusResult> {
  const ctx = await openWithRemote(opts, opts.fetch ? 'fetch' : 'view');
  const sprint = activeSprint(ctx);
  const tops = ctx.store.tops(sprint);
  const phases: StatusResult['phases'] = {};
  for (const v of viewAll(sprint, tops, ctx.now)) {
    phases[v.name] = v.expires_at && v.state === 'running' ? { ...v, lease_left_s: Math.round((Date.parse(v.expires_at) - ctx.now) / 1000) } : v;
    if (ctx.remote?.unpublished.has(v.name)) phases[v.name]!.unpublished = true;
  }
  return { sprint_id: sprint.id, status: sprint.status, started_at: sprint.started_at, started_by: sprint.started_by, halted: haltOf(sprint, tops), phases, remote: ctx.remote?.summary() };
}

export async function batch(opts: CommonOptions = {}): Promise<{ sprint_id: string; batches: Batch[] }> {
  const ctx = await openWithRemote(opts, 'view');
  const sprint = activeSprint(ctx);
  return { sprint_id: sprint.id, batches: batches(sprint.phases) };
}

export interface LogOptions extends CommonOptions {
  /** Only this sprint's events; default: all. */
  sprint?: string;
}

export async function log(opts: LogOptions = {}): Promise<{ entries: AuditEntry[]; skipped_invalid_lines: number }> {
  const ctx = openContext(opts);
  const { entries, bad } = ctx.store.readAudit();
  return { entries: opts.sprint ? entries.filter((e) => e.sprint_id === opts.sprint) : entries, skipped_invalid_lines: bad };
}

export async function whoami(opts: CommonOptions = {}): Promise<{ agent: string; source: string; host: string }> {
  const ctx = openContext(opts);
  const a = agentOf(ctx, opts.agent);
  return { agent: a.id, source: a.source, host: ctx.host };
}

/** The stored artifact of a done phase: the exact bytes that were completed. */
export async function artifactShow(opts: CommonOptions & { phase: string; raw?: boolean }): Promise<{ sprint_id: string; phase: string; sha256: string; source: string; content: unknown; raw?: string }> {
  const ctx = await openWithRemote(opts, 'view');
  const phase = validatePhaseName(opts.phase);
  const sprint = activeSprint(ctx);
  findPhase(sprint, phase);
  const top = ctx.store.phaseLog(sprint.id, phase).top();
  if (top?.record.kind !== 'done' || !top.record.artifact) {
    throw unavailable('E_NO_ARTIFACT', `phase "${phase}" has no completed artifact yet`);
  }
  const file = child(top.dir, ARTIFACT_FILE);
  const repair = `complete the phase again after 'git conductor abort ${phase} --force', or restore the file from a teammate's copy`;
  let text: string | undefined;
  try {
    text = readBoundedText(file, MAX_ARTIFACT_BYTES);
  } catch (e) {
    if (e instanceof BoundedReadError) throw corrupt(file, e.problem, repair);
    throw e;
  }
  if (text === undefined) throw corrupt(file, 'missing', repair);
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    throw corrupt(file, 'not valid JSON', repair);
  }
  // `raw`: the exact stored text, for `artifact show --raw` (the CLI decides where it may go).
  return { sprint_id: sprint.id, phase, sha256: top.record.artifact.sha256, source: top.record.artifact.source, content, ...(opts.raw ? { raw: text } : {}) };
}
