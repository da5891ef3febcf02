/** core/hold.ts and core/clock.ts: the one hold decision, lease ends capped, grace, and the clock findings. */
import { describe, expect, it } from 'vitest';
import { CLOCK_TOLERANCE_MS, futureRecord, lateRecord } from '../../src/core/clock.js';
import { MAX_TTL_MS } from '../../src/core/duration.js';
import { blocksOthers, graceOf, holdsLive, leaseEnd, leaseRules, mayHold, precedes } from '../../src/core/hold.js';
import { viewPhase } from '../../src/core/phase-state.js';
import { claimRec, iso, NOW, sprintOf, tops } from './fixtures.js';

const WRITES = [{ name: 'w1' }, { name: 'w2' }];

describe('leases as everyone sees them', () => {
  it('an imported expiry of 9999-12-31 counts as at most the longest lease from its start', () => {
    const r = { ...claimRec('mallory'), expires_at: '9999-12-31T23:59:59.000Z' };
    expect(leaseEnd(r)).toBe(Date.parse(r.at) + MAX_TTL_MS);
    expect(holdsLive(r, Date.parse(r.at) + MAX_TTL_MS + 1)).toBe(false);
    const s = sprintOf(WRITES);
    expect(viewPhase(s.phases[0]!, tops({ w1: r }), NOW).expires_at).toBe(iso(Date.parse(r.at) + MAX_TTL_MS));
  });

  it('a lease blocks others for its grace past its end: a tenth of the lease, at most 30 s, or lease_grace', () => {
    const r = claimRec('a', 3_600_000);
    expect(graceOf(r)).toBe(30_000);
    const end = leaseEnd(r);
    expect([holdsLive(r, end + 1), blocksOthers(r, end + 1), blocksOthers(r, end + 30_001)]).toEqual([false, true, false]);
    expect(blocksOthers(r, end + 1, leaseRules(0))).toBe(false);
    const s = sprintOf(WRITES);
    expect(() => mayHold(s, s.phases[0]!, 'b', tops({ w1: r }), end + 1, 'claim')).toThrow(/grace/);
    expect(mayHold(s, s.phases[0]!, 'b', tops({ w1: r }), end + 30_001, 'claim')).toMatchObject({ kind: 'takeover', recheck: true });
  });

  it('renewing or completing your own expired lease is decided on every rule; a live one is simply kept', () => {
    const s = sprintOf(WRITES);
    const mine = claimRec('vera', -60_000);
    const other = claimRec('paul');
    for (const verb of ['renew', 'claim', 'complete'] as const) {
      expect(() => mayHold(s, s.phases[0]!, 'vera', tops({ w1: mine, w2: other }), NOW, verb), verb).toThrow(/cannot run while "w2"/);
      expect(mayHold(s, s.phases[0]!, 'vera', tops({ w1: claimRec('vera'), w2: other }), NOW, verb)).toMatchObject({
        kind: 'renew',
        recheck: false,
      });
    }
    expect(() => mayHold(s, s.phases[0]!, 'paul', tops({ w1: mine }), NOW, 'renew')).toThrow(/held by vera/);
    // A live claim taken offline was granted on a view that may be stale: no shortcut.
    expect(() => mayHold(s, s.phases[0]!, 'vera', tops({ w1: { ...claimRec('vera'), offline: true }, w2: other }), NOW, 'renew')).toThrow(
      /cannot run while "w2"/,
    );
  });

  it('orders simultaneous claims by record id, the same on every clone', () => {
    expect([precedes({ id: '0a' }, { id: '0b' }), precedes({ id: '0b' }, { id: '0a' })]).toEqual([true, false]);
  });
});

describe('clock findings', () => {
  const rec = (at: number, extra = {}) => ({ agent: 'alice', host: 'box', at: iso(at), kind: 'claim', ...extra });
  it('a record dated beyond the tolerance in the future says this clock is behind', () => {
    expect(futureRecord([rec(NOW + CLOCK_TOLERANCE_MS - 1)], NOW)).toBeUndefined();
    expect(futureRecord([rec(NOW + 7_200_000)], NOW)?.detail).toMatch(/2h behind alice@box/);
  });
  it('a claim first seen now, published online, dated before our previous fetch says this clock is ahead', () => {
    expect(lateRecord([rec(NOW - 7_200_000)], undefined)).toBeUndefined();
    expect(lateRecord([rec(NOW - 7_200_000, { offline: true })], NOW)).toBeUndefined();
    expect(lateRecord([rec(NOW - 7_200_000)], NOW)?.detail).toMatch(/2h or more ahead of alice@box/);
    expect(lateRecord([rec(NOW - 1000)], NOW)).toBeUndefined();
  });
});
