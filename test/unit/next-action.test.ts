/** nextAction (resume's decision): continue, claim, wait, halted and done, with leases, takeovers and concurrency. */
import { describe, expect, it } from 'vitest';
import { nextAction } from '../../src/core/next-action.js';
import { claimRec, done, doneRec, NOW, sprintOf, tops } from './fixtures.js';

describe('nextAction: one action for one agent', () => {
  const sprint = sprintOf();

  it('holding: continue, with the lease left and the context to read', () => {
    const a = nextAction(sprint, tops({ ...done('think', 'plan'), build: claimRec('me', 45 * 60_000) }), 'me', NOW);
    expect(a).toMatchObject({ action: 'continue', phase: 'build', command: 'git conductor context --phase build', lease_left_s: 2700 });
    expect(a.reason).toContain('45m');
  });

  it('holding with little lease left, or an expired one: renew first', () => {
    expect(nextAction(sprint, tops({ ...done('think', 'plan'), build: claimRec('me', 5 * 60_000) }), 'me', NOW)).toMatchObject({
      action: 'continue',
      command: 'git conductor renew build',
      lease_left_s: 300,
    });
    const expired = nextAction(sprint, tops({ ...done('think', 'plan'), build: claimRec('me', -60_000) }), 'me', NOW);
    expect(expired).toMatchObject({ action: 'continue', command: 'git conductor renew build', lease_left_s: -60 });
    expect(expired.reason).toMatch(/ran out 60s ago/);
  });

  it('ready: claim the first phase in topological order', () => {
    expect(nextAction(sprint, tops(done('think', 'plan', 'build')), 'me', NOW)).toMatchObject({
      action: 'claim',
      phase: 'review',
      command: 'git conductor claim review',
      lease_left_s: null,
    });
    expect(nextAction(sprint, tops({}), 'me', NOW)).toMatchObject({ action: 'claim', phase: 'think' });
  });

  it("someone else's expired lease: claim it, as a takeover", () => {
    const a = nextAction(sprint, tops({ ...done('think'), plan: claimRec('other', -120_000) }), 'me', NOW);
    expect(a).toMatchObject({ action: 'claim', phase: 'plan' });
    expect(a.reason).toMatch(/other@box.*expired.*take it over/);
  });

  it('waiting: names the phase the next one needs, its holder and their lease', () => {
    const a = nextAction(sprint, tops({ ...done('think'), plan: claimRec('other', 20 * 60_000) }), 'me', NOW);
    expect(a).toMatchObject({ action: 'wait', phase: 'plan', lease_left_s: 1200, holder: { agent: 'other', host: 'box' } });
    expect(a.reason).toMatch(/plan is held by other@box.*build needs it/);
    // All three fan-out phases held by others: wait for the first of them, for ship.
    const fan = nextAction(
      sprint,
      tops({ ...done('think', 'plan', 'build'), review: claimRec('a'), security: claimRec('b'), qa: claimRec('c') }),
      'me',
      NOW,
    );
    expect(fan).toMatchObject({ action: 'wait', phase: 'review' });
    expect(fan.reason).toContain('ship needs it');
  });

  it('waiting on a concurrency class: a ready write phase while another write phase runs', () => {
    const two = sprintOf([
      { name: 'a', concurrency: 'write' },
      { name: 'b', concurrency: 'write' },
    ]);
    expect(nextAction(two, tops({ a: claimRec('other') }), 'me', NOW)).toMatchObject({ action: 'wait', phase: 'a' });
  });

  it('halted: names the halting phase and its reason; a holder continues, told of the halt', () => {
    const t = tops({
      ...done('think', 'plan', 'build'),
      review: doneRec('r', { halt: 'review has 1 blocking finding(s) that need a human' }),
      qa: claimRec('me'),
    });
    const a = nextAction(sprint, t, 'other', NOW);
    expect(a).toMatchObject({ action: 'halted', phase: 'review', command: 'git conductor artifact show review' });
    expect(a.reason).toMatch(/sprint halted by review: review has 1 blocking finding/);
    const holder = nextAction(sprint, t, 'me', NOW);
    expect(holder).toMatchObject({ action: 'continue', phase: 'qa' });
    expect(holder.reason).toMatch(/the sprint is halted by review/);
  });

  it('done: every phase done, or the sprint archived', () => {
    const all = done(...sprint.phases.map((p) => p.name));
    expect(nextAction(sprint, tops(all), 'me', NOW)).toMatchObject({ action: 'done', phase: null, command: null, lease_left_s: null });
    expect(nextAction(sprintOf(undefined, 'archived'), tops({}), 'me', NOW)).toMatchObject({ action: 'done' });
    // A halt a human overrode leaves its phase done.
    const overridden = { ...all, security: doneRec('boss', { kind: 'override', reason: 'override', overridden: 'a high finding' }) };
    expect(nextAction(sprint, tops(overridden), 'me', NOW)).toMatchObject({ action: 'done' });
  });
});
