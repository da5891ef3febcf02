import { describe, expect, it } from 'vitest';
import { decideNextAction } from '../../src/core/next-action.js';
import { PRIME_MAX, primeText } from '../../src/core/prime-text.js';
import { DEFAULT_PHASES } from '../../src/core/graph.js';
import type { PhaseRecord, SprintFile } from '../../src/core/schemas.js';

const sprint = (status: 'active' | 'archived' = 'active'): SprintFile => ({
  v: 1, id: '20260101-000000-abcdef', started_by: 'a', host: 'h', started_at: '2026-01-01T00:00:00.000Z', status, source: 'default',
  phases: DEFAULT_PHASES.map((p) => ({ name: p.name, depends_on: [...p.depends_on], concurrency: p.concurrency })),
});
const rec = (kind: PhaseRecord['kind'], agent: string, extra: Partial<PhaseRecord> = {}): PhaseRecord => ({ v: 1, seq: 1, id: '0123456789abcdef', kind, agent, host: 'h', at: '2026-01-01T00:00:00.000Z', ...extra });
const NOW = Date.parse('2026-01-01T00:10:00.000Z');
const live = { expires_at: '2026-01-01T01:00:00.000Z' };

describe('decideNextAction', () => {
  it('no sprint, done', () => {
    expect(decideNextAction({ tops: new Map(), now: NOW, held: [] })).toEqual({ action: 'no-sprint' });
    expect(decideNextAction({ sprint: sprint('archived'), tops: new Map(), now: NOW, held: [] }).action).toBe('done');
  });
  it('continue what you hold, with the lease left', () => {
    const a = decideNextAction({ sprint: sprint(), tops: new Map([['think', rec('claim', 'me', live)]]), now: NOW, held: ['think'] });
    expect(a).toMatchObject({ action: 'continue', held: [{ phase: 'think', lease_left_s: 3000, expired: false }] });
  });
  it('claim the first ready phase, else wait for the running ones', () => {
    expect(decideNextAction({ sprint: sprint(), tops: new Map(), now: NOW, held: [] })).toMatchObject({ action: 'claim', phase: 'think' });
    const w = decideNextAction({ sprint: sprint(), tops: new Map([['think', rec('claim', 'other', live)]]), now: NOW, held: [] });
    expect(w).toMatchObject({ action: 'wait', running: [{ phase: 'think', agent: 'other' }] });
  });
  it('halted: wait for a human, unless you hold a phase to finish', () => {
    const tops = new Map([['think', rec('done', 'x', { halt: 'budget exhausted' })]]);
    expect(decideNextAction({ sprint: sprint(), tops, now: NOW, held: [] })).toMatchObject({ action: 'halted', halt: { phase: 'think' } });
    tops.set('plan', rec('claim', 'me', live));
    expect(decideNextAction({ sprint: sprint(), tops, now: NOW, held: ['plan'] })).toMatchObject({ action: 'continue', halt: { reason: 'budget exhausted' } });
  });
});

describe('primeText', () => {
  it('stays within its budget and names the three commands', () => {
    const running = Array.from({ length: 200 }, (_, i) => ({ phase: `phase-${i}`, agent: `agent-${'x'.repeat(100)}`, host: 'h', expires_at: 'e' }));
    const t = primeText({ agent: 'a', source: 's', host: 'h', stable: true, action: { action: 'wait', sprint_id: 's', running }, displaced: [] });
    expect(t.length).toBeLessThanOrEqual(PRIME_MAX);
    expect(t).toContain('complete <phase> --artifact');
    const short = primeText({ agent: 'a', source: 's', host: 'h', stable: false, bind: 'bind it', action: { action: 'claim', sprint_id: 's', phase: 'plan' }, displaced: [] });
    for (const c of ['next --claim --json', 'renew --if-held --json', 'complete <phase> --artifact']) expect(short).toContain(c);
    expect(short).toContain('WARNING');
  });
});
