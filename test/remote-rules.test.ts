/**
 * Every rule on every path across clones: the concurrency class re-checked for a renewal of an expired lease and for
 * an offline claim that `sync` publishes, a phase never published into a sprint the remote's head does not name, one
 * bad ref not blocking `next --claim`, and claimants of unrelated write phases never all backing off.
 */
import { describe, expect, it } from 'vitest';
import { git } from './helpers/git.js';
import { raceEach } from './helpers/race.js';
import { independentPhases, makeBare, makeClone, type Clone } from './helpers/remote.js';
import { untilExpired } from './helpers/sprint.js';

const TWO_WRITES = JSON.stringify([{ name: 'w1' }, { name: 'w2' }, { name: 'after', depends_on: ['w1', 'w2'] }]);

/** The subjects of a phase's commits on the remote itself, newest first, e.g. ["rollback w1 by vera@host", ...]. */
const remoteLog = (bare: string, sprint: string, phase: string): string[] => {
  try {
    return git(bare, 'log', '--format=%s', `refs/conductor/sprints/${sprint}/phases/${phase}`).split('\n');
  } catch {
    return [];
  }
};
/** Phases whose newest entry on the remote is a claim. */
const heldOnRemote = (bare: string, sprint: string, phases: string[]) =>
  phases.filter((p) => /^(claim|renew|takeover) /.test(remoteLog(bare, sprint, p)[0] ?? ''));

describe('renewing your own expired lease across clones', () => {
  it('is refused (4) while a teammate holds an excluding write phase, even from a stale view; the remote never holds both', async () => {
    const { bare, url } = makeBare();
    const vera = makeClone(url, 'vera');
    const paul = makeClone(url, 'paul');
    const sprint = vera.run(['start', '--phases', TWO_WRITES]).json.sprint_id as string;
    const v = vera.run(['claim', 'w1', '--ttl', '2s']).json;
    await untilExpired(v);
    const p = paul.run(['claim', 'w2']);
    expect(p.code, p.stdout).toBe(0);
    // vera's view predates paul's claim: her renewal passes the first check, is published, then re-checked.
    for (const verb of ['renew', 'claim']) {
      const r = vera.run([verb, 'w1']);
      expect([r.code, r.json.error?.code], `${verb}: ${r.stdout}`).toEqual([4, 'E_CONCURRENCY']);
      expect(heldOnRemote(bare, sprint, ['w1', 'w2'])).toEqual(['w2']);
    }
  });
});

describe('an offline write claim and sync', () => {
  it('sync rolls the offline claim back instead of publishing a second live write claim (exit 3)', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprint = a.run(['start', '--phases', TWO_WRITES]).json.sprint_id as string;
    expect(b.run(['status', '--fetch']).code).toBe(0);
    expect(a.run(['claim', 'w1', '--offline']).code).toBe(0);
    expect(b.run(['claim', 'w2']).code).toBe(0);
    const s = a.run(['sync']);
    expect([s.code, s.json.error?.code], s.stdout).toEqual([3, 'E_SYNC_CONFLICT']);
    expect(s.json.error.message).toMatch(/claim of w1 by alice.*lost to claim of w2 by bob/);
    expect(heldOnRemote(bare, sprint, ['w1', 'w2'])).toEqual(['w2']);
    expect(remoteLog(bare, sprint, 'w1').map((l) => l.split(' by ')[0])).toEqual(['rollback w1', 'claim w1']);
    expect(a.run(['status']).json.phases.w1.state).toBe('ready');
    expect(a.run(['sync']).code).toBe(0);
  });

  it('two clones syncing excluding offline claims at the same instant: never both live on the remote (5 trials)', async () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprint = a.run(['start', '--phases', TWO_WRITES]).json.sprint_id as string;
    expect(b.run(['status', '--fetch']).code).toBe(0);
    const outcomes: string[] = [];
    for (let t = 1; t <= 5; t++) {
      expect(a.run(['claim', 'w1', '--offline']).code).toBe(0);
      expect(b.run(['claim', 'w2', '--offline']).code).toBe(0);
      const rs = await raceEach([a, b].map((c) => ({ cwd: c.dir, args: ['sync', '--json'], env: c.env() })));
      for (const r of rs) expect([0, 3], `${r.stdout}${r.stderr}`).toContain(r.code);
      const held = heldOnRemote(bare, sprint, ['w1', 'w2']);
      expect(held.length, `trial ${t}`).toBeLessThanOrEqual(1);
      outcomes.push(held.join('') || 'none');
      for (const c of [a, b]) c.run(['sync']);
      for (const [c, p] of [
        [a, 'w1'],
        [b, 'w2'],
      ] as const)
        c.run(['abort', p]);
      for (const c of [a, b]) expect(c.run(['status', '--fetch']).code).toBe(0);
    }
    console.log(`offline claims synced at once, held on the remote per trial: ${outcomes.join(' ')}`);
  });
});

describe('an offline claim claimed again online', () => {
  it('is checked like a new claim, not kept as a renewal: refused (4) while an excluding phase is held on the remote', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprint = a.run(['start', '--phases', TWO_WRITES]).json.sprint_id as string;
    expect(b.run(['status', '--fetch']).code).toBe(0);
    expect(a.run(['claim', 'w1']).code).toBe(0);
    expect(b.run(['claim', 'w2', '--offline']).code).toBe(0);
    const r = b.run(['claim', 'w2']);
    expect([r.code, r.json.error?.code], r.stdout).toEqual([4, 'E_CONCURRENCY']);
    expect(heldOnRemote(bare, sprint, ['w1', 'w2'])).toEqual(['w1']);
  });
});

describe('a phase of a sprint the remote does not name', () => {
  it('an online claim after an offline start is refused with E_DIVERGED and publishes nothing; sync publishes the start and says so', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const s1 = a.run(['start']).json.sprint_id as string;
    expect(b.run(['status', '--fetch']).json.sprint_id).toBe(s1);
    const s2 = b.run(['start', '--offline']).json.sprint_id as string;
    const c = b.run(['claim', 'think']);
    expect([c.code, c.json.error?.code], c.stdout).toEqual([3, 'E_DIVERGED']);
    expect(c.json.error.message).toContain(s1);
    expect(git(bare, 'for-each-ref', `refs/conductor/sprints/${s2}`)).toBe('');
    expect(b.run(['status']).json.phases.think.state).toBe('ready');
    // The teammate's claim in S1 is the only claim of think anywhere.
    expect(a.run(['claim', 'think']).code).toBe(0);
    const sync = b.run(['sync']);
    expect(sync.code, sync.stdout).toBe(0);
    expect(sync.json.published).toContain('head');
    expect(a.run(['status', '--fetch']).json.sprint_id).toBe(s2);
  });
});

describe('next --claim past a bad ref', () => {
  it('an invalid ref on the first ready phase is reported and the next candidate claimed', () => {
    const { url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprint = victim.run(['start', '--phases', independentPhases(3)]).json.sprint_id as string;
    const evil = makeClone(url, 'mallory', { init: false });
    // A commit with an empty tree: no record.json, so the ref is invalid.
    const tree = evil.git(['hash-object', '-t', 'tree', '-w', '/dev/null']);
    const commit = evil.git(['commit-tree', tree, '-m', 'claim']);
    evil.git(['push', '-q', url, `${commit}:refs/conductor/sprints/${sprint}/phases/p1`]);
    const r = victim.run(['next', '--claim']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.claimed.phase).toBe('p2');
    expect(r.json.skipped).toEqual([expect.objectContaining({ phase: 'p1', code: 'E_BAD_REMOTE_REF' })]);
  });
});

describe('liveness: claimants of unrelated write phases', () => {
  const CLONES = 8;
  const TRIALS = 6;
  it(`${CLONES} clones each claiming a different write phase at once: exactly one wins in every one of ${TRIALS} trials`, async () => {
    const { bare, url } = makeBare();
    const clones: Clone[] = Array.from({ length: CLONES }, (_, i) => makeClone(url, `agent-${i}`));
    const phases = Array.from({ length: CLONES }, (_, i) => `w${i}`);
    const sprint = clones[0]!.run(['start', '--phases', JSON.stringify(phases.map((name) => ({ name })))]).json.sprint_id as string;
    for (const c of clones) expect(c.run(['status', '--fetch']).code).toBe(0);
    const winnersPerTrial: number[] = [];
    for (let t = 1; t <= TRIALS; t++) {
      const rs = await raceEach(clones.map((c, i) => ({ cwd: c.dir, args: ['claim', phases[i]!, '--json'], env: c.env() })));
      const codes = rs.map((r) => `${r.code}${r.code ? `:${r.json?.error?.code}` : ''}`).join(' ');
      for (const r of rs) expect([0, 3, 4], `trial ${t}: ${codes}\n${r.stderr}`).toContain(r.code);
      const won = rs.map((r, i) => (r.code === 0 ? i : -1)).filter((i) => i >= 0);
      winnersPerTrial.push(won.length);
      expect(heldOnRemote(bare, sprint, phases), `trial ${t}: ${codes}`).toEqual(won.map((i) => phases[i]));
      expect(won.length, `trial ${t}: ${codes}`).toBe(1);
      for (const i of won) expect(clones[i]!.run(['abort', phases[i]!]).code).toBe(0);
      for (const c of clones) c.run(['status', '--fetch']);
    }
    console.log(`${CLONES} clones, unrelated write phases: winners per trial ${winnersPerTrial.join(' ')}`);
  });
});
