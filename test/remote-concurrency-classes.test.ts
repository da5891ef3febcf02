/** Concurrency classes across machines: two write phases are never both held, even when claimed at the same instant. */
import { describe, expect, it } from 'vitest';
import { git } from './helpers/git.js';
import { raceEach } from './helpers/race.js';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';

const CLONES = 4;
const TRIALS = 20;
/** Two write phases that depend on nothing: the only pair of this graph that can race across classes. */
const TWO_WRITES = JSON.stringify([{ name: 'w1' }, { name: 'w2' }, { name: 'after', depends_on: ['w1', 'w2'] }]);

/** The newest entry of a phase on the remote itself, e.g. "claim w1 by agent-0@host". */
const remoteTop = (bare: string, sprint: string, phase: string) => {
  try {
    return git(bare, 'log', '-1', '--format=%s', `refs/conductor/sprints/${sprint}/phases/${phase}`);
  } catch {
    return 'none';
  }
};

describe('concurrency classes across machines', () => {
  it(`${CLONES} clones claiming two independent write phases at the same instant: never both won, in ${TRIALS} trials`, async () => {
    const { bare, url } = makeBare();
    const clones: Clone[] = Array.from({ length: CLONES }, (_, i) => makeClone(url, `agent-${i}`));
    const started = clones[0]!.run(['start', '--phases', TWO_WRITES]);
    expect(started.code, started.stdout).toBe(0);
    const sprint = started.json.sprint_id as string;
    const outcomes = { one: 0, none: 0, both: 0 };
    for (let t = 1; t <= TRIALS; t++) {
      // Half the clones go for w1, half for w2, all released at once.
      const racers = await raceEach(clones.map((c, i) => ({ cwd: c.dir, args: ['claim', i % 2 ? 'w2' : 'w1', '--json'], env: c.env() })));
      const codes = racers.map((r) => `${r.code}${r.code ? `:${r.json?.error?.code}` : ''}`).join(' ');
      for (const r of racers) expect([0, 3, 4], `trial ${t}: ${codes}\n${r.stderr}${r.stdout}`).toContain(r.code);
      const winners = racers.map((r, i) => ({ r, clone: clones[i]! })).filter((x) => x.r.code === 0);
      const won = new Set(winners.map((x) => x.r.json.phase as string));
      expect(winners.length, `trial ${t}: one winner per phase at most (${codes})`).toBe(won.size);
      outcomes[won.size === 2 ? 'both' : won.size === 1 ? 'one' : 'none']++;
      // The remote agrees with the exit codes: exactly the won phases end in a claim there.
      const held = ['w1', 'w2'].filter((p) => remoteTop(bare, sprint, p).startsWith('claim '));
      expect(held, `trial ${t}: ${codes}`).toEqual([...won].sort());
      // Everyone backed off the phase it did not keep: its own entry on the remote, if any, is a rollback.
      for (const [i, r] of racers.entries())
        if (r.code === 4) expect(r.json.error.code, `clone ${i}`).toMatch(/^E_(CONCURRENCY|LOST_RACE)$/);
      for (const w of winners) expect(w.clone.run(['abort', w.r.json.phase]).code).toBe(0);
    }
    console.log(`two write phases on ${CLONES} clones, ${TRIALS} trials: ${JSON.stringify(outcomes)}`);
    expect(outcomes.both).toBe(0);
    // Not a queue: at least some trials were real races that someone won.
    expect(outcomes.one).toBeGreaterThan(0);
    const log = git(bare, 'log', '--format=%s', `refs/conductor/sprints/${sprint}/phases/w1`, `refs/conductor/sprints/${sprint}/phases/w2`);
    console.log(`rollbacks published: ${log.split('\n').filter((l) => l.startsWith('rollback ')).length}`);
  });

  it('a claim that conflicts with a phase claimed on another machine since the last fetch is rolled back (exit 4)', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprint = a.run(['start', '--phases', TWO_WRITES]).json.sprint_id as string;
    expect(b.run(['status', '--fetch']).code).toBe(0);
    expect(a.run(['claim', 'w1']).code).toBe(0);
    // b's view predates a's claim, so its pre-check passes; its claim of w2 is published, then re-checked.
    const r = b.run(['claim', 'w2']);
    expect([r.code, r.json.error.code], r.stdout).toEqual([4, 'E_CONCURRENCY']);
    expect(r.json.error.message).toContain('"w1"');
    expect(remoteTop(bare, sprint, 'w2')).toMatch(/^rollback w2 by bob@/);
    expect(
      git(bare, 'log', '--format=%s', `refs/conductor/sprints/${sprint}/phases/w2`)
        .split('\n')
        .map((l) => l.split(' by ')[0]),
    ).toEqual(['rollback w2', 'claim w2']);
    const s = b.run(['status']).json;
    expect([s.phases.w1.state, s.phases.w1.agent, s.phases.w2.state]).toEqual(['running', 'alice', 'ready']);
  });
});
