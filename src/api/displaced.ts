/**
 * Who took a phase from an agent, when and why: so a displaced holder's next
 * command says "taken over by B at T (your lease had expired)" instead of a
 * bare "not the holder". Reads a phase's log backwards from the newest entry
 * to the agent's own latest entry, at most MAX_BACK entries.
 */
import { isConductorError, type ConductorError } from '../core/errors.js';
import type { PhaseRecord, SprintFile } from '../core/schemas.js';
import type { Ctx } from './context.js';

export interface Displacement {
  phase: string;
  by: string;
  host: string;
  at: string;
  why: string;
}

const MAX_BACK = 20;

const WHY: Record<string, string> = {
  takeover: 'your lease had expired, and they claimed it',
  unstuck: "your lease had expired, and they released it with 'unstuck'",
  force: "they released your live claim by force ('abort --force' or 'unstuck --force')",
};

export function displacementOf(ctx: Ctx, sprint: SprintFile, phase: string, agent: string): Displacement | undefined {
  const log = ctx.store.phaseLog(sprint.id, phase);
  for (let seq = log.topSeq(), n = 0; seq > 0 && n < MAX_BACK; seq--, n++) {
    let r: PhaseRecord;
    try {
      r = log.read(seq).record;
    } catch {
      return undefined;
    }
    if (r.agent === agent) return undefined;
    if (r.previous?.agent === agent && r.reason && WHY[r.reason])
      return { phase, by: r.agent, host: r.host, at: r.at, why: WHY[r.reason]! };
  }
  return undefined;
}

/** Every phase of the sprint taken from `agent` and not given back to it. */
export const displacements = (ctx: Ctx, sprint: SprintFile, agent: string): Displacement[] =>
  sprint.phases.map((p) => displacementOf(ctx, sprint, p.name, agent)).filter((d): d is Displacement => !!d);

export const describeDisplacement = (d: Displacement) => `"${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`;

/** A holder refusal (not the holder, not claimed, already done) that also says who displaced the agent, when it was. */
export function withDisplacement(ctx: Ctx, sprint: SprintFile, phase: string, agent: string, e: unknown): unknown {
  if (!isConductorError(e) || !['E_NOT_HOLDER', 'E_NOT_CLAIMED', 'E_ALREADY_DONE'].includes(e.code)) return e;
  const d = displacementOf(ctx, sprint, phase, agent);
  if (!d) return e;
  const err = e as ConductorError;
  return new (err.constructor as typeof ConductorError)(err.code, err.exitCode, `${err.message} (${describeDisplacement(d)})`, {
    ...err.data,
    displaced: d,
  });
}

/** The cheap check for commands that already hold the newest entries: a phase whose newest entry displaced `agent`. */
export function displacedInTops(sprint: SprintFile, tops: ReadonlyMap<string, PhaseRecord | undefined>, agent: string): Displacement[] {
  const out: Displacement[] = [];
  for (const p of sprint.phases) {
    const r = tops.get(p.name);
    if (r && r.agent !== agent && r.previous?.agent === agent && r.reason && WHY[r.reason])
      out.push({ phase: p.name, by: r.agent, host: r.host, at: r.at, why: WHY[r.reason]! });
  }
  return out;
}
