import { describe, expect, it } from 'vitest';
import { ConductorError } from '../../src/core/errors.js';
import { decideClaim, requireHolder, viewPhase } from '../../src/core/phase-state.js';
import { claimRec, done, doneRec, NOW, releaseRec, sprintOf, tops } from './fixtures.js';

function refusal(f: () => unknown): ConductorError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConductorError);
    expect((e as Error).message).not.toContain('\n');
    return e as ConductorError;
  }
  throw new Error('expected a refusal, the call succeeded');
}

const s = sprintOf();
const afterBuild = done('think', 'plan', 'build');

describe('decideClaim', () => {
  it('grants a ready, unclaimed phase', () => {
    expect(decideClaim(s, 'think', 'a', tops({}), NOW)).toMatchObject({ kind: 'claim' });
  });

  it('grants a released phase as a fresh claim', () => {
    expect(decideClaim(s, 'think', 'b', tops({ think: releaseRec('a') }), NOW)).toMatchObject({ kind: 'claim' });
  });

  it('treats a re-claim by the holder as a renewal', () => {
    expect(decideClaim(s, 'think', 'a', tops({ think: claimRec('a') }), NOW)).toMatchObject({ kind: 'renew' });
    // Even after the lease ran out: nobody else took it, so it is still theirs.
    expect(decideClaim(s, 'think', 'a', tops({ think: claimRec('a', -5000) }), NOW)).toMatchObject({ kind: 'renew' });
  });

  it('hands an expired lease to another agent as a takeover, remembering the previous holder', () => {
    const prev = claimRec('a', -500);
    expect(decideClaim(s, 'think', 'b', tops({ think: prev }), NOW)).toMatchObject({ kind: 'takeover', previous: prev });
  });

  it('refuses an unknown phase with 2, listing the phases', () => {
    const e = refusal(() => decideClaim(s, 'deploy', 'a', tops({}), NOW));
    expect([e.code, e.exitCode]).toEqual(['E_UNKNOWN_PHASE', 2]);
    expect(e.message).toContain('phases are think, plan, build, review, security, qa, ship');
  });

  it('refuses a phase held by another live lease with 3, naming the holder', () => {
    const e = refusal(() => decideClaim(s, 'think', 'b', tops({ think: claimRec('a') }), NOW));
    expect([e.code, e.exitCode]).toEqual(['E_HELD', 3]);
    expect(e.message).toContain('held by a@box');
  });

  it('refuses a done phase with 3, even to the agent that did it', () => {
    for (const agent of ['a', 'b']) {
      const e = refusal(() => decideClaim(s, 'think', agent, tops({ think: doneRec('a') }), NOW));
      expect([e.code, e.exitCode]).toEqual(['E_ALREADY_DONE', 3]);
    }
  });

  it('refuses with 4 while a dependency is not done, naming every missing one', () => {
    const e = refusal(() => decideClaim(s, 'ship', 'a', tops({ ...afterBuild, review: doneRec() }), NOW));
    expect([e.code, e.exitCode]).toEqual(['E_DEPENDENCY', 4]);
    expect(e.message).toContain('security, qa not done yet');
    expect(e.data.missing).toEqual(['security', 'qa']);
  });

  it('counts a claimed dependency as not done', () => {
    const e = refusal(() => decideClaim(s, 'plan', 'a', tops({ think: claimRec('a') }), NOW));
    expect(e.code).toBe('E_DEPENDENCY');
  });

  it('refuses in an archived sprint with 3', () => {
    const e = refusal(() => decideClaim(sprintOf(undefined, 'archived'), 'think', 'a', tops({}), NOW));
    expect([e.code, e.exitCode]).toEqual(['E_SPRINT_ARCHIVED', 3]);
  });

  it('refuses with 4 once a completed phase halted the sprint', () => {
    const t = tops({ ...afterBuild, review: doneRec('r', { halt: 'review has 1 blocking finding(s) that need a human' }) });
    const e = refusal(() => decideClaim(s, 'qa', 'a', t, NOW));
    expect([e.code, e.exitCode]).toEqual(['E_HALTED', 4]);
    expect(e.message).toContain('halted by review: review has 1 blocking finding');
  });

  describe('concurrency classes', () => {
    const g = sprintOf([
      { name: 'w1' },
      { name: 'w2' },
      { name: 'r1', concurrency: 'read' },
      { name: 'r2', concurrency: 'read' },
      { name: 'x', concurrency: 'exclusive' },
    ]);
    const ok = (phase: string, running: string[]) =>
      decideClaim(g, phase, 'me', tops(Object.fromEntries(running.map((n) => [n, claimRec('other')]))), NOW);
    const no = (phase: string, running: string[]) => {
      const e = refusal(() => ok(phase, running));
      expect([e.code, e.exitCode]).toEqual(['E_CONCURRENCY', 4]);
      return e.message;
    };

    it('lets reads run together and beside one write', () => {
      expect(ok('r1', ['r2', 'w1']).kind).toBe('claim');
      expect(ok('w1', ['r1', 'r2']).kind).toBe('claim');
    });

    it('keeps write phases apart', () => {
      expect(no('w2', ['w1'])).toContain('phase "w2" (write) cannot run while "w1" (write) is running');
    });

    it('runs an exclusive phase alone, both ways', () => {
      expect(no('x', ['r1'])).toContain('"x" (exclusive) cannot run while "r1" (read)');
      expect(no('r1', ['x'])).toContain('"r1" (read) cannot run while "x" (exclusive)');
      expect(no('w1', ['x'])).toContain('"x" (exclusive)');
    });

    it('ignores expired leases when judging classes', () => {
      expect(decideClaim(g, 'w2', 'me', tops({ w1: claimRec('other', -500) }), NOW).kind).toBe('claim');
    });
  });
});

describe('requireHolder', () => {
  it('returns the holder record', () => {
    const r = claimRec('a');
    expect(requireHolder(s, 'think', 'a', tops({ think: r }), 'complete')).toBe(r);
  });

  it('refuses a non-holder with 3, naming the holder and how to check', () => {
    const e = refusal(() => requireHolder(s, 'think', 'b', tops({ think: claimRec('a') }), 'complete'));
    expect([e.code, e.exitCode]).toEqual(['E_NOT_HOLDER', 3]);
    expect(e.message).toContain('cannot complete "think": it is held by a@box');
    expect(e.message).toContain('whoami');
  });

  it('refuses an unclaimed or released phase with 3', () => {
    for (const t of [tops({}), tops({ think: releaseRec('a') })]) {
      const e = refusal(() => requireHolder(s, 'think', 'a', t, 'renew'));
      expect([e.code, e.exitCode]).toEqual(['E_NOT_CLAIMED', 3]);
      expect(e.message).toContain("claim it first with 'git conductor claim think'");
    }
  });

  it('refuses a done phase with 3 (re-complete)', () => {
    const e = refusal(() => requireHolder(s, 'think', 'a', tops({ think: doneRec('a') }), 'complete'));
    expect([e.code, e.exitCode]).toEqual(['E_ALREADY_DONE', 3]);
  });

  it('refuses an unknown phase with 2', () => {
    expect(refusal(() => requireHolder(s, 'nope', 'a', tops({}), 'abort')).exitCode).toBe(2);
  });
});

describe('viewPhase', () => {
  const think = s.phases[0]!;
  const plan = s.phases[1]!;
  it('derives pending, ready, running (live or expired) and done', () => {
    expect(viewPhase(plan, tops({}), NOW).state).toBe('pending');
    expect(viewPhase(think, tops({}), NOW).state).toBe('ready');
    expect(viewPhase(think, tops({ think: releaseRec('a') }), NOW).state).toBe('ready');
    expect(viewPhase(think, tops({ think: claimRec('a') }), NOW)).toMatchObject({ state: 'running', agent: 'a', expired: false });
    expect(viewPhase(think, tops({ think: claimRec('a', -500) }), NOW)).toMatchObject({ state: 'running', expired: true });
    expect(viewPhase(think, tops({ think: doneRec('a') }), NOW)).toMatchObject({ state: 'done', agent: 'a' });
    expect(viewPhase(plan, tops({ think: doneRec('a') }), NOW).state).toBe('ready');
  });
});
