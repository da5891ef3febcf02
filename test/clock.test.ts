/**
 * Clocks that disagree: a clone whose clock runs ahead or behind (faked with the test-only
 * CONDUCTOR_TEST_CLOCK_OFFSET_MS) is caught by the records it fetches, refuses lease decisions, says so in `status`
 * and `doctor`, and never shows a future record as past. An imported far-future expiry is capped.
 */
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { makeBare, makeClone } from './helpers/remote.js';

const HOURS_2 = String(2 * 3_600_000);

describe('clock skew across clones', () => {
  it('a clone 2 h ahead does not take over a live lease: E_CLOCK_SKEW (4), reported by status and doctor', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const fast = makeClone(url, 'fast');
    const ahead = { CONDUCTOR_TEST_CLOCK_OFFSET_MS: HOURS_2 };
    a.run(['start']);
    expect(fast.run(['status', '--fetch'], ahead).code).toBe(0);
    const c = a.run(['claim', 'think']);
    expect(c.code).toBe(0);
    // To the fast clone alice's fresh lease looks an hour past its end.
    const t = fast.run(['claim', 'think'], ahead);
    expect([t.code, t.json.error?.code], t.stdout).toEqual([4, 'E_CLOCK_SKEW']);
    expect(t.json.error.message).toMatch(/ahead of alice@/);
    expect(fast.run(['next', '--claim'], ahead).code).not.toBe(0);
    const s = fast.run(['status'], ahead).json;
    expect(s.remote.clock_skew.detail).toMatch(/ahead/);
    const doc = fast.run(['doctor'], ahead).json;
    expect(doc.checks.find((x: { name: string }) => x.name === 'clock')).toMatchObject({ ok: false });
    expect(a.run(['status']).json.phases.think.agent).toBe('alice');
    // Once the clock is right, the next fetch that agrees clears the finding.
    expect(fast.run(['status', '--fetch']).code).toBe(0);
    expect(a.run(['renew', 'think']).code).toBe(0);
    expect(fast.run(['status', '--fetch']).json.remote.clock_skew).toBeUndefined();
    expect(fast.run(['claim', 'think']).json.error.code).toBe('E_HELD');
  });

  it('a clone 2 h behind grants no lease (4) and shows the records it fetched as in the future, never as past', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const slow = makeClone(url, 'slow');
    const behind = { CONDUCTOR_TEST_CLOCK_OFFSET_MS: `-${HOURS_2}` };
    a.run(['start', '--phases', '[{"name":"p1","concurrency":"read"},{"name":"p2","concurrency":"read"}]']);
    expect(a.run(['claim', 'p1']).code).toBe(0);
    const r = slow.run(['claim', 'p2'], behind);
    expect([r.code, r.json.error?.code], r.stdout).toEqual([4, 'E_CLOCK_SKEW']);
    expect(r.json.error.message).toMatch(/behind alice@/);
    const human = conductor(['status'], { cwd: slow.dir, agent: 'slow', env: behind }).stdout;
    const row = human.split('\n').find((l) => l.startsWith('p1'))!;
    expect(row).toMatch(/in 2h \(clock ahead\?\)/);
    expect(row).not.toMatch(/ago/);
    expect(human).toMatch(/! clock: this clock is 2h behind alice@/);
    const doc = slow.run(['doctor'], behind).json;
    expect(doc.checks.find((x: { name: string }) => x.name === 'clock')).toMatchObject({ ok: false });
    // With its clock right, the same clone claims.
    expect(slow.run(['claim', 'p2']).code).toBe(0);
  });
});
