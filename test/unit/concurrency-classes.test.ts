import { describe, expect, it } from 'vitest';
import { concurrencyRivals } from '../../src/core/concurrency.js';
import { concurrencyConflict } from '../../src/core/phase-state.js';
import { claimable } from '../../src/core/schedule.js';
import type { PhaseDef, PhaseRecord, SprintFile } from '../../src/core/schemas.js';

const phase = (name: string, concurrency: PhaseDef['concurrency']): PhaseDef => ({ name, concurrency, depends_on: [] });
const sprint: SprintFile = {
  v: 1,
  id: '20260101-000000-abcdef',
  started_by: 'a',
  host: 'h',
  started_at: '2026-01-01T00:00:00.000Z',
  status: 'active',
  source: 'inline',
  phases: [phase('r1', 'read'), phase('r2', 'read'), phase('w1', 'write'), phase('w2', 'write'), phase('x1', 'exclusive')],
};
const def = (n: string) => sprint.phases.find((p) => p.name === n)!;
const names = (ps: PhaseDef[]) => ps.map((p) => p.name);
const NOW = Date.parse('2026-01-01T01:00:00.000Z');
const live = (name: string): PhaseRecord => ({
  v: 1,
  seq: 1,
  id: '0123456789abcdef',
  kind: 'claim',
  agent: `agent-${name}`,
  host: 'h',
  at: '2026-01-01T00:30:00.000Z',
  expires_at: '2026-01-01T02:00:00.000Z',
});

describe('concurrency rivals: the phases a claim re-check must read', () => {
  it('a read phase is excluded only by exclusive ones; a write phase by writes and exclusives; an exclusive phase by all', () => {
    expect(names(concurrencyRivals(sprint, def('r1')))).toEqual(['x1']);
    expect(names(concurrencyRivals(sprint, def('w1')))).toEqual(['w2', 'x1']);
    expect(names(concurrencyRivals(sprint, def('x1')))).toEqual(['r1', 'r2', 'w1', 'w2']);
  });

  it('agrees with concurrencyConflict: any live phase outside the rivals never conflicts, any live rival does', () => {
    for (const p of sprint.phases) {
      const rivals = new Set(names(concurrencyRivals(sprint, p)));
      for (const o of sprint.phases) {
        if (o.name === p.name) continue;
        const conflict = concurrencyConflict(sprint, p, new Map([[o.name, live(o.name)]]), NOW);
        expect(conflict?.name, `${p.name} while ${o.name} runs`).toBe(rivals.has(o.name) ? o.name : undefined);
      }
    }
  });
});

describe('claimable respects concurrency classes', () => {
  const tops = (...names: string[]) => new Map(names.map((n) => [n, live(n)]));
  it('offers everything when nothing runs', () => {
    expect(claimable(sprint, tops(), NOW)).toEqual(['r1', 'r2', 'w1', 'w2', 'x1']);
  });
  it('while a write phase runs: reads yes, other writes and the exclusive no', () => {
    expect(claimable(sprint, tops('w1'), NOW)).toEqual(['r1', 'r2']);
  });
  it('while a read phase runs: other reads and writes yes, the exclusive no', () => {
    expect(claimable(sprint, tops('r1'), NOW)).toEqual(['r2', 'w1', 'w2']);
  });
  it('while the exclusive phase runs: nothing', () => {
    expect(claimable(sprint, tops('x1'), NOW)).toEqual([]);
  });
  it('an expired lease does not block, and its phase comes after the free ones', () => {
    const expired = { ...live('w1'), expires_at: '2026-01-01T00:45:00.000Z' };
    expect(claimable(sprint, new Map([['w1', expired]]), NOW)).toEqual(['r1', 'r2', 'w2', 'x1', 'w1']);
  });
});
