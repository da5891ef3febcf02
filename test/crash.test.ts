/**
 * kill -9 at every step of an append (test-only pause points in the lock
 * protocol), then show that the phase is never blocked for good.
 */
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { conductor, spawnConductor } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';
import { auditEvents, phaseDir, stateDir } from './helpers/state.js';

const POINTS = ['after-mkdir', 'before-rename', 'after-rename'] as const;

/** Runs the CLI until it announces the pause point, then kills it with SIGKILL. */
function crashAt(point: string, args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawnConductor(args, { cwd, env: { CONDUCTOR_TEST_PAUSE: point } });
    let err = '';
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`never paused at ${point}: ${err}${out}`));
    }, 20_000);
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes(`paused at ${point}\n`)) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') done();
      else fail(new Error(`exited ${code} before pausing at ${point}: ${err}${out}`));
    });
  });
}

const run = (repo: string, ...args: string[]) => conductor([...args, '--json'], { cwd: repo });
const listing = (dir: string) => readdirSync(dir).sort();
/** Moves a sprint's start (and archive time) into the past, as if it had been left there long ago. */
function backdate(file: string, ms: number) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  for (const k of ['started_at', 'archived_at']) if (s[k]) s[k] = new Date(Date.parse(s[k]) - ms).toISOString();
  writeFileSync(file, JSON.stringify(s));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a claimer killed with SIGKILL', () => {
  let repo: string;
  let sprint: string;
  beforeEach(async () => {
    repo = await makeRepo();
    const r = run(
      repo,
      'start',
      '--phases',
      JSON.stringify([
        { name: 'x', concurrency: 'read' },
        { name: 'y', concurrency: 'read' },
        { name: 'z', depends_on: ['x'] },
      ]),
    );
    expect(r.code).toBe(0);
    sprint = r.json.sprint_id;
  });

  for (const point of ['after-mkdir', 'before-rename'] as const) {
    it(`${point}: leaves only a staging directory, which blocks nobody`, async () => {
      await crashAt(point, ['claim', 'x', '--agent', 'dead', '--json'], repo);
      const dir = phaseDir(repo, sprint, 'x');
      const left = listing(dir);
      expect(left).toHaveLength(1);
      expect(left[0]).toMatch(/^\.stage-\d+-[0-9a-f]+$/);
      if (point === 'before-rename') expect(listing(join(dir, left[0]!))).toEqual(['record.json']);
      expect(run(repo, 'status').json.phases.x.state).toBe('ready');
      expect(run(repo, 'next').json.phase).toBe('x');
      const c = run(repo, 'claim', 'x', '--agent', 'alive');
      expect(c.code, c.stdout).toBe(0);
      expect(c.json.kind).toBe('claim');
      // A fresh leftover may belong to a live process: it stays until it is old.
      expect(listing(dir)).toEqual([left[0], '000001']);
      // The crashed agent's claim never happened: it is refused like anyone else.
      expect(run(repo, 'claim', 'x', '--agent', 'dead').code).toBe(3);
    });
  }

  it('after-rename: the claim landed; its lease expires, is taken over (audited), and unstuck releases the other', async () => {
    // Short leases; each is checked while live by the very next command, so one slow process start fits in it.
    await crashAt('after-rename', ['claim', 'x', '--agent', 'dead', '--ttl', '8s', '--json'], repo);
    const refused = run(repo, 'claim', 'x', '--agent', 'alive');
    expect([refused.code, refused.json.error.code], refused.stdout).toEqual([3, 'E_HELD']);
    await crashAt('after-rename', ['claim', 'y', '--agent', 'dead', '--ttl', '8s', '--json'], repo);
    const forceNeeded = run(repo, 'unstuck', 'y', '--agent', 'alive');
    expect([forceNeeded.code, forceNeeded.json.error.code], forceNeeded.stdout).toEqual([3, 'E_LEASE_LIVE']);
    const s = run(repo, 'status').json;
    expect([s.phases.x.state, s.phases.x.agent, s.phases.y.state, s.phases.y.agent]).toEqual(['running', 'dead', 'running', 'dead']);
    // Wait out the later of the two leases, from the recorded expiry rather than a guess at the machine's speed.
    await sleep(Math.max(0, Date.parse(s.phases.y.expires_at) - Date.now()) + 800 + 50); // past the end plus its grace (a tenth of the 8 s lease)
    expect(run(repo, 'status').json.phases.x.expired).toBe(true);
    const t = run(repo, 'claim', 'x', '--agent', 'alive');
    expect(t.code, t.stdout).toBe(0);
    expect(t.json).toMatchObject({ kind: 'takeover', previous: { agent: 'dead' } });
    const u = run(repo, 'unstuck', 'y', '--agent', 'alive');
    expect(u.code, u.stdout).toBe(0);
    expect(u.json).toMatchObject({ phase: 'y', released: { agent: 'dead' }, forced: false });
    expect(run(repo, 'claim', 'y', '--agent', 'other').json.kind).toBe('claim');
    const events = auditEvents(repo);
    expect(events.find((e) => e.event === 'takeover')).toMatchObject({ phase: 'x', agent: 'alive' });
    expect(events.find((e) => e.event === 'takeover')!.detail).toContain('from dead@');
    expect(events.find((e) => e.event === 'unstuck')).toMatchObject({ phase: 'y', agent: 'alive' });
    // The crashed process never audited its claims; the takeover still names it.
    expect(events.filter((e) => e.event === 'claim').map((e) => e.agent)).toEqual(['other']);
  });

  for (const point of POINTS) {
    it(`complete killed ${point}: the holder can still finish (or it is finished), nobody else can`, async () => {
      expect(run(repo, 'claim', 'x', '--agent', 'a').code).toBe(0);
      await crashAt(point, ['complete', 'x', '--agent', 'a', '--json'], repo);
      expect(run(repo, 'complete', 'x', '--agent', 'b').code).toBe(3);
      const again = run(repo, 'complete', 'x', '--agent', 'a');
      if (point === 'after-rename') {
        expect(again.code).toBe(3);
        expect(again.json.error.code).toBe('E_ALREADY_DONE');
      } else {
        expect(again.code, again.stdout).toBe(0);
        expect(again.json.unlocked).toEqual(['z']);
      }
      expect(run(repo, 'status').json.phases.x.state).toBe('done');
      expect(run(repo, 'claim', 'z', '--agent', 'b').code).toBe(0);
    });
  }

  for (const point of POINTS) {
    it(`start killed ${point}: the next start and claim still work`, async () => {
      await crashAt(point, ['start', '--json'], repo);
      const r = run(repo, 'start');
      expect(r.code, r.stdout).toBe(0);
      expect(run(repo, 'status').json.sprint_id).toBe(r.json.sprint_id);
      expect(run(repo, 'claim', 'think', '--agent', 'a').code).toBe(0);
      // Whatever the crash left behind is not the active sprint: clean removes it once it is
      // older than a start could take, and never the active one.
      const sprints = join(stateDir(repo), 'sprints');
      const leftovers = listing(sprints).filter((id) => id !== r.json.sprint_id);
      const unarchived = leftovers.filter((id) => JSON.parse(readFileSync(join(sprints, id, 'sprint.json'), 'utf8')).status === 'active');
      expect(unarchived).toHaveLength(1);
      expect(run(repo, 'clean', '--days', '0').json.removed).toEqual(leftovers.filter((id) => !unarchived.includes(id)));
      backdate(join(sprints, unarchived[0]!, 'sprint.json'), 11 * 60_000);
      const c = run(repo, 'clean', '--days', '0');
      expect(c.code, c.stdout).toBe(0);
      expect(c.json.removed).toEqual(unarchived);
      expect(listing(sprints)).toEqual([r.json.sprint_id]);
    });
  }

  it('old staging directories left by crashes are swept by the next append', async () => {
    await crashAt('before-rename', ['claim', 'x', '--agent', 'dead', '--json'], repo);
    const dir = phaseDir(repo, sprint, 'x');
    const [stage] = listing(dir);
    const old = new Date(Date.now() - 11 * 60_000);
    utimesSync(join(dir, stage!), old, old);
    expect(run(repo, 'claim', 'x', '--agent', 'a').code).toBe(0);
    expect(listing(dir)).toEqual(['000001']);
  });
});
