/** Clones racing for one phase through one remote: exactly one winner, and every loser rolled back and told who won. */
import { describe, expect, it } from 'vitest';
import { conductorAsync } from './helpers/cli.js';
import { git } from './helpers/git.js';
import { independentPhases, makeBare, makeClone, type Clone } from './helpers/remote.js';

const CLONES = 8;
const TRIALS = 30;

describe('clones racing through one remote', () => {
  it(`${CLONES} clones claiming the same phase: exactly one winner in each of ${TRIALS} trials, losers rolled back to the winner`, async () => {
    const { bare, url } = makeBare();
    const clones: Clone[] = Array.from({ length: CLONES }, (_, i) => makeClone(url, `agent-${i}`, { init: i === 0 }));
    expect(clones[0]!.run(['start', '--phases', independentPhases(TRIALS)]).code).toBe(0);
    for (const c of clones.slice(1)) expect(c.run(['init']).code).toBe(0);

    for (let t = 1; t <= TRIALS; t++) {
      const phase = `p${t}`;
      const results = await Promise.all(clones.map((c) => c.runAsync(['claim', phase])));
      const winners = results.map((r, i) => (r.code === 0 ? i : -1)).filter((i) => i >= 0);
      expect(winners, `trial ${t}: ${results.map((r) => r.code + (r.code ? ':' + r.json?.error?.code : '')).join(' ')}`).toHaveLength(1);
      const winner = clones[winners[0]!]!;
      for (const [i, r] of results.entries()) {
        if (i === winners[0]) continue;
        expect(r.code, r.stdout).toBe(3);
        expect(r.json.error.message).toContain(winner.agent);
      }
      // The remote holds exactly one entry: the winner's claim.
      expect(git(bare, 'log', '--format=%s', `refs/conductor/sprints/${results[winners[0]!]!.json.sprint_id}/phases/${phase}`)).toBe(
        `claim ${phase} by ${winner.agent}@${results[winners[0]!]!.json.host}`,
      );
      // Every loser's local view (no fetch) shows the winner: its own claim was rolled back.
      if (t % 5 === 1) {
        const views = await Promise.all(clones.map((c) => c.runAsync(['status'])));
        for (const v of views) {
          expect(v.json.phases[phase].agent).toBe(winner.agent);
          expect(v.json.phases[phase].unpublished).toBeUndefined();
        }
      }
    }
  });

  it('three agents on each of three clones: every loser, same-clone ones included, names the winner', async () => {
    const trials = 8;
    const { url } = makeBare();
    const clones = ['ana', 'ben', 'cy'].map((a, i) => makeClone(url, a, { init: i === 0 }));
    expect(clones[0]!.run(['start', '--phases', independentPhases(trials)]).code).toBe(0);
    for (const c of clones.slice(1)) expect(c.run(['init']).code).toBe(0);
    const racers = clones.flatMap((c) => [1, 2, 3].map((k) => ({ dir: c.dir, agent: `${c.agent}-${k}` })));
    for (let t = 1; t <= trials; t++) {
      // A same-clone loser may meet the local winner's entry while it is still being pushed (and may yet lose):
      // it must wait for the outcome rather than name a holder that never held the phase.
      const results = await Promise.all(racers.map((r) => conductorAsync(['claim', `p${t}`, '--json'], { cwd: r.dir, agent: r.agent })));
      const winners = results.filter((r) => r.code === 0);
      expect(winners, `trial ${t}: ${results.map((r) => r.code + (r.code ? ':' + r.json?.error?.code : '')).join(' ')}`).toHaveLength(1);
      const winner = winners[0]!.json.agent as string;
      for (const r of results.filter((x) => x.code !== 0)) {
        expect(r.code, r.stdout).toBe(3);
        expect(r.json.error.message, `trial ${t}: ${r.stdout}`).toContain(`${winner}@`);
      }
    }
  });

  it('two clones claiming different phases at the same moment both win', async () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    expect(a.run(['start', '--phases', independentPhases(2)]).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      const [ra, rb] = await Promise.all([a.runAsync(['claim', 'p1']), b.runAsync(['claim', 'p2'])]);
      expect([ra.code, rb.code], ra.stderr + ra.stdout + rb.stdout).toEqual([0, 0]);
      expect((await Promise.all([a.runAsync(['abort', 'p1']), b.runAsync(['abort', 'p2'])])).map((r) => r.code)).toEqual([0, 0]);
    }
    const s = b.run(['status', '--fetch']).json;
    expect(s.phases.p1.state).toBe('ready');
    expect(s.phases.p2.state).toBe('ready');
  });
});
