import { describe, expect, it } from 'vitest';
import { leaseUntil } from '../../src/core/lease.js';
import { sameHolder } from '../../src/core/holder-proof.js';
import type { PhaseRecord } from '../../src/core/schemas.js';

describe('leaseUntil', () => {
  const H = 3_600_000;
  it('runs for the asked length', () => expect(leaseUntil(1000, { ms: H })).toEqual({ until: 1000 + H, capped: false }));
  it('never ends a live lease earlier', () => expect(leaseUntil(1000, { ms: H }, 1000 + 2 * H).until).toBe(1000 + 2 * H));
  it('ignores a lease that has run out', () => expect(leaseUntil(1000, { ms: H }, 500).until).toBe(1000 + H));
  it('caps every lease at the maximum', () => {
    expect(leaseUntil(0, { ms: 3 * H, maxMs: H })).toEqual({ until: H, capped: true });
    expect(leaseUntil(0, { ms: 60_000, maxMs: H }, 5 * H)).toEqual({ until: H, capped: true });
  });
});

describe('sameHolder', () => {
  const top = { agent: 'a', host: 'h', session: '0123456789abcdef', token_sha256: 'f'.repeat(64) } as PhaseRecord;
  it('same host and session', () => expect(sameHolder(top, { host: 'h', session: '0123456789abcdef' })).toBe(true));
  it('another session or host', () => {
    expect(sameHolder(top, { host: 'h', session: 'fedcba9876543210' })).toBe(false);
    expect(sameHolder(top, { host: 'h' })).toBe(false);
    expect(sameHolder(top, { host: 'x', session: '0123456789abcdef' })).toBe(false);
  });
  it('the token proves it from anywhere', () => expect(sameHolder(top, { host: 'x', token_sha256: 'f'.repeat(64) })).toBe(true));
  it('a claim made where no session could be told: the host decides', () => {
    const old = { agent: 'a', host: 'h' } as PhaseRecord;
    expect(sameHolder(old, { host: 'h', session: 'fedcba9876543210' })).toBe(true);
    expect(sameHolder(old, { host: 'y' })).toBe(false);
  });
});
