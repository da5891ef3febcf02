/** Sprint files and phase records for pure tests: the shapes the store would hand to core. */
import { DEFAULT_PHASES, validateGraph } from '../../src/core/graph.js';
import type { PhaseRecord, SprintFile } from '../../src/core/schemas.js';

export const NOW = Date.parse('2026-01-01T12:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function sprintOf(phases: unknown = DEFAULT_PHASES, status: SprintFile['status'] = 'active'): SprintFile {
  return {
    v: 1,
    id: '20260101-120000-abcdef',
    started_by: 'lead',
    host: 'box',
    started_at: iso(NOW - 60_000),
    status,
    source: 'default',
    phases: validateGraph(phases, 'test'),
  };
}

let seq = 0;
const base = (agent: string, at = NOW - 1000) => ({ v: 1 as const, seq: ++seq, id: '0123456789abcdef', agent, host: 'box', at: iso(at) });

export const claimRec = (agent: string, expiresInMs = 3_600_000): PhaseRecord => ({
  ...base(agent),
  kind: 'claim',
  reason: 'claim',
  expires_at: iso(NOW + expiresInMs),
});
export const doneRec = (agent = 'someone', extra: Partial<PhaseRecord> = {}): PhaseRecord => ({
  ...base(agent),
  kind: 'done',
  reason: 'complete',
  ...extra,
});
export const releaseRec = (agent: string): PhaseRecord => ({ ...base(agent), kind: 'release', reason: 'abort' });

export const tops = (entries: Record<string, PhaseRecord>) => new Map<string, PhaseRecord | undefined>(Object.entries(entries));

/** Every phase done up to (and including) these names. */
export const done = (...names: string[]) => Object.fromEntries(names.map((n) => [n, doneRec()]));
