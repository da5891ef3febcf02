/**
 * What an agent should do next, decided from the sprint alone: the one answer
 * that `prime` (an agent starting or waking up), the agent hooks and `resume`
 * give. Pure: the caller reads the state and says which phases this agent
 * session holds (core/holder-proof.ts decides that).
 *
 * The order, first match wins: no sprint; sprint finished; you hold a phase
 * (continue it, even when halted: finishing or aborting is still yours to do);
 * the sprint is halted (wait for a human); a phase you can claim now; else wait
 * for the running phases.
 */
import { haltOf, isLive, type Tops } from './phase-state.js';
import { claimable } from './schedule.js';
import type { SprintFile } from './schemas.js';

export interface HeldPhase {
  phase: string;
  expires_at: string;
  lease_left_s: number;
  expired: boolean;
}

export interface RunningPhase {
  phase: string;
  agent: string;
  host: string;
  expires_at: string;
}

export type NextAction =
  | { action: 'no-sprint' }
  | { action: 'done'; sprint_id: string }
  | { action: 'continue'; sprint_id: string; held: HeldPhase[]; halt?: { phase: string; reason: string } }
  | { action: 'halted'; sprint_id: string; halt: { phase: string; reason: string } }
  | { action: 'claim'; sprint_id: string; phase: string }
  | { action: 'wait'; sprint_id: string; running: RunningPhase[] };

export interface NextActionFacts {
  sprint?: SprintFile;
  tops: Tops;
  now: number;
  /** Phases this agent session holds (claims by it, live or expired and not taken). */
  held: readonly string[];
}

export function decideNextAction(f: NextActionFacts): NextAction {
  const { sprint, tops, now } = f;
  if (!sprint) return { action: 'no-sprint' };
  const id = sprint.id;
  if (sprint.status !== 'active' || sprint.phases.every((p) => tops.get(p.name)?.kind === 'done')) return { action: 'done', sprint_id: id };
  const halt = haltOf(sprint, tops);
  if (f.held.length) {
    const held = f.held.map((phase) => {
      const exp = tops.get(phase)?.expires_at ?? new Date(now).toISOString();
      const left = Math.round((Date.parse(exp) - now) / 1000);
      return { phase, expires_at: exp, lease_left_s: left, expired: left <= 0 };
    });
    return halt ? { action: 'continue', sprint_id: id, held, halt } : { action: 'continue', sprint_id: id, held };
  }
  if (halt) return { action: 'halted', sprint_id: id, halt };
  const next = claimable(sprint, tops, now)[0];
  if (next !== undefined) return { action: 'claim', sprint_id: id, phase: next };
  const running = sprint.phases
    .filter((p) => isLive(tops.get(p.name), now))
    .map((p) => {
      const t = tops.get(p.name)!;
      return { phase: p.name, agent: t.agent, host: t.host, expires_at: t.expires_at! };
    });
  return { action: 'wait', sprint_id: id, running };
}
