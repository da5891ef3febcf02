/** complete: only the holder completes, the artifact stored with its sha256, artifacts that halt the sprint, and the last completion archiving it. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { conductor, conductorAsync } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';
import { repoPerTest } from './helpers/sprint.js';
import { auditEvents } from './helpers/state.js';
import { artifact as valid } from './helpers/artifacts.js';

const t = repoPerTest();
const { ok, no, finish, sprintFile } = t;

describe('completion', () => {
  beforeEach(() => ok('start'));

  it('only the holder completes (3); a done phase cannot be completed or claimed again (3)', () => {
    no(3, 'E_NOT_CLAIMED', 'complete', 'think', '--agent', 'a');
    ok('claim', 'think', '--agent', 'a');
    no(3, 'E_NOT_HOLDER', 'complete', 'think', '--agent', 'b');
    expect(ok('complete', 'think', '--agent', 'a').unlocked).toEqual(['plan']);
    no(3, 'E_ALREADY_DONE', 'complete', 'think', '--agent', 'a');
    no(3, 'E_ALREADY_DONE', 'claim', 'think', '--agent', 'a');
    no(3, 'E_ALREADY_DONE', 'claim', 'think', '--agent', 'b');
    no(3, 'E_ALREADY_DONE', 'abort', 'think', '--agent', 'a', '--force');
    no(3, 'E_ALREADY_DONE', 'renew', 'think', '--agent', 'a');
  });

  it('review, qa and security cannot complete without an artifact (2): their findings decide shipping', () => {
    for (const p of ['think', 'plan', 'build']) finish(p);
    for (const p of ['review', 'qa', 'security']) {
      ok('claim', p, '--agent', 'a');
      expect(no(2, 'E_BAD_ARTIFACT', 'complete', p, '--agent', 'a')).toContain(`${p} needs an artifact`);
      // Someone who does not hold it is told that first.
      no(3, 'E_NOT_HOLDER', 'complete', p, '--agent', 'b');
    }
  });

  it('stores the artifact bytes with their sha256: later edits of the file change nothing', () => {
    const text = JSON.stringify(valid('think', { risks: ['x'] }), null, 3);
    mkdirSync(join(t.repo, '.conductor'));
    writeFileSync(join(t.repo, '.conductor', 'think.json'), text);
    ok('claim', 'think', '--agent', 'a');
    const done = ok('complete', 'think', '--agent', 'a', '--artifact', '.conductor/think.json');
    expect(done.artifact).toEqual({
      sha256: createHash('sha256').update(text).digest('hex'),
      bytes: text.length,
      source: '.conductor/think.json',
    });
    writeFileSync(join(t.repo, '.conductor', 'think.json'), JSON.stringify(valid('think', { summary: 'rewritten' })));
    const shown = ok('artifact', 'show', 'think');
    expect(shown.content).toEqual(valid('think', { risks: ['x'] }));
    expect(shown.sha256).toBe(done.artifact.sha256);
    no(3, 'E_NO_ARTIFACT', 'artifact', 'show', 'plan');
  });

  it('completing every phase of the default graph archives the sprint', () => {
    const id = ok('status').sprint_id;
    expect(finish('think').unlocked).toEqual(['plan']);
    expect(finish('plan').unlocked).toEqual(['build']);
    no(4, 'E_DEPENDENCY', 'claim', 'ship', '--agent', 'x');
    expect(finish('build').unlocked).toEqual(['review', 'security', 'qa']);
    expect(no(4, 'E_DEPENDENCY', 'claim', 'ship', '--agent', 'x')).toContain('review, security, qa not done yet');
    expect(
      finish('review', 'r', valid('review', { summary: { blocking: 0 }, findings: [{ severity: 'should_fix', description: 'later' }] }))
        .unlocked,
    ).toEqual([]);
    expect(
      finish(
        'security',
        's',
        valid('security', { summary: { high: 1 }, findings: [{ severity: 'high', description: 'xss', status: 'fixed' }] }),
      ).unlocked,
    ).toEqual([]);
    const qa = finish('qa', 'q', valid('qa', { summary: { status: 'partial', tests_run: 10, tests_passed: 8, tests_failed: 2 } }));
    expect(qa).toMatchObject({ unlocked: ['ship'], sprint_done: false });
    expect(qa.halt).toBeUndefined();
    const ship = finish('ship');
    expect(ship).toMatchObject({ sprint_done: true, unlocked: [] });
    expect(sprintFile(id)).toMatchObject({ status: 'archived' });
    const s = ok('status');
    expect(s.status).toBe('archived');
    expect(Object.values(s.phases).every((p: any) => p.state === 'done')).toBe(true);
    expect(ok('next').phase).toBeNull();
    no(3, 'E_SPRINT_ARCHIVED', 'claim', 'think', '--agent', 'z');
  });
});

describe('halts', () => {
  beforeEach(() => {
    ok('start');
    for (const p of ['think', 'plan', 'build']) finish(p);
  });

  it.each([
    [
      'review',
      valid('review', { summary: { blocking: 1 }, findings: [{ severity: 'blocking', description: 'needs a decision' }] }),
      'review has 1 blocking finding(s) not fixed (fix them, or mark one "wontfix" with a reason)',
    ],
    [
      'security',
      valid('security', { summary: { critical: 1 }, findings: [{ severity: 'critical', description: 'sql injection' }] }),
      'security found 1 critical and 0 high finding(s) not fixed',
    ],
    [
      'qa',
      valid('qa', { summary: { status: 'partial', tests_run: 10, tests_passed: 7, tests_failed: 3 } }),
      'qa failure rate 30% (3 of 10) is over the 20% threshold',
    ],
    [
      'qa',
      valid('qa', { summary: { status: 'fail', tests_run: 100, tests_passed: 94, tests_failed: 6 } }),
      'qa reported status "fail" (6 of 100 tests failed)',
    ],
    ['review', valid('review', { budget: { limit: 1000, used: 1000 } }), 'budget exhausted (1000 of 1000 used)'],
    [
      'security',
      valid('security', { consecutive_failures: 3, stuck_on: 'the login test' }),
      'circuit breaker: 3 consecutive failed attempts on the login test',
    ],
    [
      'qa',
      valid('qa', { consecutive_failures: 5, stuck_on: 'red \u001b[31m\nalert' }),
      'circuit breaker: 5 consecutive failed attempts on red ?[31m?alert',
    ],
  ])('%s artifact %# halts the sprint', (phase, artifact, reason) => {
    const done = finish(phase, 'x', artifact);
    expect(done.halt).toBe(reason);
    expect(ok('status').halted).toMatchObject({ gate: 'phase', phase, reason });
    const other = ['review', 'security', 'qa'].find((p) => p !== phase)!;
    expect(no(4, 'E_HALTED', 'claim', other, '--agent', 'y')).toContain(`halted by ${phase}: ${reason}`);
    expect(ok('next').phase).toBeNull();
    expect(auditEvents(t.repo).filter((e) => e.event === 'halt')).toEqual([expect.objectContaining({ phase, detail: reason })]);
  });
});

describe('completing the last phases at the same moment', () => {
  it('archives the sprint whichever completion lands last (8 trials)', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const repo = await makeRepo();
      const run = (...a: string[]) => conductor([...a, '--json'], { cwd: repo });
      expect(run('start', '--phases', '[{"name":"x","concurrency":"read"},{"name":"y","concurrency":"read"}]').code).toBe(0);
      expect(run('claim', 'x', '--agent', 'a').code).toBe(0);
      expect(run('claim', 'y', '--agent', 'b').code).toBe(0);
      const [x, y] = await Promise.all([
        conductorAsync(['complete', 'x', '--agent', 'a', '--json'], { cwd: repo }),
        conductorAsync(['complete', 'y', '--agent', 'b', '--json'], { cwd: repo }),
      ]);
      expect([x.code, y.code]).toEqual([0, 0]);
      expect(x.json.sprint_done || y.json.sprint_done).toBe(true);
      expect(run('status').json.status).toBe('archived');
    }
  });
});
