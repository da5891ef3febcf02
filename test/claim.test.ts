/** claim and renew through the CLI: what a claim records, leases renewed and taken over, and the concurrency classes a claim respects. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoPerTest, untilExpired } from './helpers/sprint.js';
import { stateDir } from './helpers/state.js';

const t = repoPerTest();
const { ok, no } = t;

describe('leases', () => {
  beforeEach(() => ok('start'));

  it('claim records agent, host, time and a one-hour lease; a given pid is recorded', () => {
    const c = ok('claim', 'think', '--agent', 'a', '--pid', '4242');
    expect(Date.parse(c.expires_at) - Date.parse(c.claimed_at)).toBe(3_600_000);
    expect(c).toMatchObject({ phase: 'think', agent: 'a', kind: 'claim' });
    const rec = JSON.parse(
      readFileSync(join(stateDir(t.repo), 'sprints', c.sprint_id, 'phases', 'think', '000001', 'record.json'), 'utf8'),
    );
    expect(rec).toMatchObject({ kind: 'claim', agent: 'a', host: c.host, at: c.claimed_at, expires_at: c.expires_at, pid: 4242 });
    const plain = ok('claim', 'think', '--agent', 'a');
    expect(
      JSON.parse(readFileSync(join(stateDir(t.repo), 'sprints', c.sprint_id, 'phases', 'think', '000002', 'record.json'), 'utf8')).pid,
    ).toBeUndefined();
    expect(plain.kind).toBe('renew');
  });

  it('renew extends the holder lease, and is refused to anyone else (3)', () => {
    const c = ok('claim', 'think', '--agent', 'a', '--ttl', '10m');
    expect(Date.parse(c.expires_at) - Date.parse(c.claimed_at)).toBe(600_000);
    const r = ok('renew', 'think', '--agent', 'a', '--ttl', '2h');
    expect(r.kind).toBe('renew');
    expect(Date.parse(r.expires_at) - Date.parse(r.claimed_at)).toBe(7_200_000);
    expect(ok('status').phases.think.expires_at).toBe(r.expires_at);
    expect(no(3, 'E_NOT_HOLDER', 'renew', 'think', '--agent', 'b')).toContain('held by a@');
    expect(no(3, 'E_NOT_CLAIMED', 'renew', 'plan', '--agent', 'a')).toContain('nobody holds it');
  });

  it('an expired lease is taken over by another agent; the holder may still renew an unexpired one', async () => {
    const c = ok('claim', 'think', '--agent', 'a', '--ttl', '5s');
    no(3, 'E_HELD', 'claim', 'think', '--agent', 'b');
    await untilExpired(c);
    expect(ok('status').phases.think).toMatchObject({ state: 'running', expired: true });
    expect(ok('next').phase).toBe('think');
    expect(ok('claim', 'think', '--agent', 'b')).toMatchObject({ kind: 'takeover', previous: { agent: 'a' } });
    no(3, 'E_NOT_HOLDER', 'complete', 'think', '--agent', 'a');
    no(3, 'E_HELD', 'claim', 'think', '--agent', 'a');
  });
});

describe('concurrency classes through the CLI', () => {
  beforeEach(() =>
    ok(
      'start',
      '--phases',
      JSON.stringify([
        { name: 'w1' },
        { name: 'w2' },
        { name: 'r1', concurrency: 'read' },
        { name: 'r2', concurrency: 'read' },
        { name: 'x', concurrency: 'exclusive' },
      ]),
    ),
  );

  it('write excludes write; reads run beside a write', () => {
    ok('claim', 'w1', '--agent', 'a');
    expect(no(4, 'E_CONCURRENCY', 'claim', 'w2', '--agent', 'b')).toContain('"w1" (write) is running');
    ok('claim', 'r1', '--agent', 'b');
    ok('claim', 'r2', '--agent', 'c');
    expect(ok('next').phase).toBeNull();
    ok('complete', 'w1', '--agent', 'a');
    expect(ok('next').phase).toBe('w2');
  });

  it('an exclusive phase runs alone, both ways', () => {
    ok('claim', 'r1', '--agent', 'a');
    no(4, 'E_CONCURRENCY', 'claim', 'x', '--agent', 'b');
    ok('abort', 'r1', '--agent', 'a');
    ok('claim', 'x', '--agent', 'b');
    for (const p of ['w1', 'r1', 'r2']) expect(no(4, 'E_CONCURRENCY', 'claim', p, '--agent', 'c')).toContain('"x" (exclusive)');
    expect(ok('next').phase).toBeNull();
  });
});

describe('a lease that ran out is renewed only as a claim would be granted', () => {
  beforeEach(() => ok('start', '--phases', JSON.stringify([{ name: 'w1' }, { name: 'w2' }])));

  it('renew or claim of your own expired write lease is refused while another write phase runs (4), and changes nothing', async () => {
    const v = ok('claim', 'w1', '--agent', 'vera', '--ttl', '2s');
    await untilExpired(v);
    expect(ok('claim', 'w2', '--agent', 'paul').kind).toBe('claim');
    expect(no(4, 'E_CONCURRENCY', 'renew', 'w1', '--agent', 'vera')).toContain('"w2"');
    expect(no(4, 'E_CONCURRENCY', 'claim', 'w1', '--agent', 'vera')).toContain('ran out');
    // Completing an expired lease is a hold too: the same rule.
    no(4, 'E_CONCURRENCY', 'complete', 'w1', '--agent', 'vera');
    const s = ok('status');
    expect([s.phases.w1.expired, s.phases.w2.expired]).toEqual([true, false]);
    // Once paul is done, vera's renewal is granted again.
    ok('complete', 'w2', '--agent', 'paul');
    expect(ok('renew', 'w1', '--agent', 'vera').kind).toBe('renew');
  });

  it('a live lease of your own is renewed without new checks; a takeover waits out the grace period (lease_grace)', async () => {
    writeFileSync(join(t.repo, '.git-conductor.json'), JSON.stringify({ lease_grace: '20s' }));
    const v = ok('claim', 'w1', '--agent', 'vera', '--ttl', '10s');
    expect(ok('renew', 'w1', '--agent', 'vera', '--ttl', '1s').kind).toBe('renew');
    const r = ok('status').phases.w1;
    // Past the end but inside the grace: still held for everyone else, and not offered by next.
    await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(r.expires_at) - Date.now()) + 20));
    expect(ok('status').phases.w1.expired).toBe(true);
    expect(no(3, 'E_HELD', 'claim', 'w1', '--agent', 'paul')).toContain('grace');
    // And it still excludes the other write phase.
    expect(ok('next', '--agent', 'paul').phase).toBeNull();
    expect(v.kind).toBe('claim');
  });
});
