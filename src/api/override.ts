/**
 * override: a human's decision that a halt no longer stands. For a phase, an
 * entry in its log that keeps it done (carrying its completion's artifact:
 * the newest entry of a done phase holds its artifact); for the budget, an
 * entry in the sprint's ledger. Either records who, when and why, and is
 * refused for a gate the project config lists in `no_override`.
 */
import { corrupt, invalid } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { decideOverride, overrideDetail, validateReason } from '../core/halts.js';
import { BUDGET_GATE, checkBudgetOverride, emptyLedger, ledgerHalts } from '../core/ledger.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import { MAX_ARTIFACT_BYTES } from '../core/artifacts.js';
import { BoundedReadError, readBounded } from '../store/bounded-read.js';
import { ARTIFACT_FILE, child } from '../store/layout.js';
import { activeSprint, agentOf, iso, ledgerRules, noOverride, openWithRemote, type CommonOptions, type Ctx } from './context.js';
import { appendLedger } from './ledger.js';
import { checkStoredBytes } from './stored-artifact.js';
import { appendPhase } from './transition.js';

export interface OverrideOptions extends CommonOptions {
  /** A halted phase, or `budget`. */
  target: string;
  reason: string;
}

export interface OverrideResult {
  sprint_id: string;
  gate: 'phase' | 'budget';
  phase?: string;
  /** The halt that no longer stands. */
  cleared: string;
  by: string;
  at: string;
  reason: string;
}

export async function override(opts: OverrideOptions): Promise<OverrideResult> {
  const ctx = await openWithRemote(opts, 'view');
  const why = validateReason(opts.reason, 'override');
  const agent = agentOf(ctx, opts.agent).id;
  const sprint = activeSprint(ctx);
  // A phase of that name wins: a graph may call a phase "budget"; its budget is then cleared with `budget set`.
  if (opts.target === BUDGET_GATE && !sprint.phases.some((p) => p.name === BUDGET_GATE)) return overrideBudget(ctx, sprint, agent, why);
  if (typeof opts.target !== 'string' || !sprint.phases.some((p) => p.name === opts.target)) {
    throw invalid(
      'E_UNKNOWN_PHASE',
      `cannot override ${JSON.stringify(String(opts.target)).slice(0, 70)}: name a halted phase (${sprint.phases.map((p) => p.name).join(', ')}) or "${BUDGET_GATE}"`,
      { phase: opts.target },
    );
  }
  const phase = validatePhaseName(opts.target);
  const forbidden = noOverride(ctx);
  const { entry } = appendPhase(ctx, sprint, phase, (tops, now) => {
    const record = decideOverride(sprint, phase, tops, { agent, host: ctx.host, at: iso(now) }, why, forbidden);
    return { record, payload: record.artifact ? { [ARTIFACT_FILE]: completionBytes(ctx, sprint, phase, tops.get(phase)!) } : undefined };
  });
  const r = entry.record;
  ctx.store.audit({
    at: r.at,
    event: 'override',
    sprint_id: sprint.id,
    phase,
    agent,
    host: ctx.host,
    detail: overrideDetail(r),
  });
  return { sprint_id: sprint.id, gate: 'phase', phase, cleared: r.overridden ?? '', by: agent, at: r.at, reason: why };
}

function overrideBudget(ctx: Ctx, sprint: SprintFile, agent: string, why: string): OverrideResult {
  const rules = ledgerRules(ctx);
  const forbidden = noOverride(ctx);
  let cleared = '';
  const entry = appendLedger(ctx, sprint, agent, (state) => {
    const s = state ?? emptyLedger();
    checkBudgetOverride(s, rules, forbidden);
    cleared = ledgerHalts(s, rules).find((h) => h.gate === 'budget')!.reason;
    return { kind: 'override', why };
  });
  ctx.store.audit({
    at: entry.record.at,
    event: 'override',
    sprint_id: sprint.id,
    agent,
    host: ctx.host,
    detail: `overrode the budget (${cleared}): ${why}`.slice(0, 1000),
  });
  return { sprint_id: sprint.id, gate: 'budget', cleared, by: agent, at: entry.record.at, reason: why };
}

/** The completed artifact's bytes, checked against their sha256 before they are carried on. */
function completionBytes(ctx: Ctx, sprint: SprintFile, phase: string, done: PhaseRecord): Uint8Array {
  const file = child(ctx.store.phaseLog(sprint.id, phase).read(done.seq).dir, ARTIFACT_FILE);
  const repair = `restore it from a teammate's copy or the remote's ref, or reopen the phase with 'git conductor reopen ${phase} --reason "..."'`;
  let bytes: Buffer | undefined;
  try {
    bytes = readBounded(file, MAX_ARTIFACT_BYTES);
  } catch (e) {
    if (e instanceof BoundedReadError) throw corrupt(file, e.problem, repair);
    throw e;
  }
  if (!bytes) throw corrupt(file, 'the completed artifact is missing', repair);
  checkStoredBytes(bytes, done.artifact!, file);
  return bytes;
}
