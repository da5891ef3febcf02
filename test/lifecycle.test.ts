/** Every command through the real CLI, in real repositories: the life of a sprint. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LEAN_ENV } from './helpers/race.js';
import { artifact as valid } from './helpers/artifacts.js';
import { cli, makeRepo } from './helpers/repo.js';
import { auditEvents, snapshot, stateDir } from './helpers/state.js';

type Env = Record<string, string | undefined>;
const sh = (cwd: string, args: string[], env: Env = {}) => cli(args, { cwd, env: { ...LEAN_ENV, ...env } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until a claim's lease has run out: short leases, but tests never assume how fast the machine is. */
const untilExpired = (claim: { expires_at: string }) => sleep(Math.max(0, Date.parse(claim.expires_at) - Date.now()) + 50);

let repo: string;
const ok = (...args: string[]) => {
  const r = sh(repo, [...args, '--json']);
  expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.json;
};
/** Refused with this exit code and error code, and nothing in the state changed. */
const no = (exit: number, code: string, ...args: string[]) => {
  const before = snapshot(repo);
  const r = sh(repo, [...args, '--json']);
  expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(exit);
  expect(r.json.error.code).toBe(code);
  expect(snapshot(repo)).toEqual(before);
  return r.json.error.message as string;
};
const finish = (phase: string, agent = 'lead', artifact?: unknown) => {
  ok('claim', phase, '--agent', agent);
  if (artifact === undefined) return ok('complete', phase, '--agent', agent);
  writeFileSync(join(repo, `${phase}.json`), JSON.stringify(artifact));
  return ok('complete', phase, '--agent', agent, '--artifact', `${phase}.json`);
};
const sprintFile = (id: string) => JSON.parse(readFileSync(join(stateDir(repo), 'sprints', id, 'sprint.json'), 'utf8'));

beforeEach(async () => {
  repo = await makeRepo();
});

describe('leases', () => {
  beforeEach(() => ok('start'));

  it('claim records agent, host, time and a one-hour lease; a given pid is recorded', () => {
    const c = ok('claim', 'think', '--agent', 'a', '--pid', '4242');
    expect(Date.parse(c.expires_at) - Date.parse(c.claimed_at)).toBe(3_600_000);
    expect(c).toMatchObject({ phase: 'think', agent: 'a', kind: 'claim' });
    const rec = JSON.parse(readFileSync(join(stateDir(repo), 'sprints', c.sprint_id, 'phases', 'think', '000001', 'record.json'), 'utf8'));
    expect(rec).toMatchObject({ kind: 'claim', agent: 'a', host: c.host, at: c.claimed_at, expires_at: c.expires_at, pid: 4242 });
    const plain = ok('claim', 'think', '--agent', 'a');
    expect(JSON.parse(readFileSync(join(stateDir(repo), 'sprints', c.sprint_id, 'phases', 'think', '000002', 'record.json'), 'utf8')).pid).toBeUndefined();
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

  it('abort: the holder releases; others are refused (3) unless --force', () => {
    ok('claim', 'think', '--agent', 'a');
    no(3, 'E_NOT_HOLDER', 'abort', 'think', '--agent', 'b');
    expect(ok('abort', 'think', '--agent', 'a')).toMatchObject({ released: { agent: 'a' }, by: 'a', forced: false });
    expect(ok('status').phases.think.state).toBe('ready');
    no(3, 'E_NOT_CLAIMED', 'abort', 'think', '--agent', 'a');
    ok('claim', 'think', '--agent', 'a');
    expect(ok('abort', 'think', '--agent', 'b', '--force')).toMatchObject({ released: { agent: 'a' }, by: 'b', forced: true });
    expect(ok('claim', 'think', '--agent', 'b').kind).toBe('claim');
  });

  it('unstuck: refused for a live lease (3), done for an expired one, forced for a live one', async () => {
    no(3, 'E_NOT_CLAIMED', 'unstuck', 'plan');
    // The live-lease check is the very next command after the claim: one process start must fit in the lease.
    const c = ok('claim', 'think', '--agent', 'a', '--ttl', '5s');
    expect(no(3, 'E_LEASE_LIVE', 'unstuck', 'think', '--agent', 'b')).toContain('--force');
    await untilExpired(c);
    expect(ok('unstuck', 'think', '--agent', 'b')).toMatchObject({ released: { agent: 'a' }, forced: false });
    ok('claim', 'think', '--agent', 'c');
    expect(ok('unstuck', 'think', '--agent', 'b', '--force')).toMatchObject({ released: { agent: 'c' }, forced: true });
    expect(ok('status').phases.think.state).toBe('ready');
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

  it('stores the artifact bytes with their sha256: later edits of the file change nothing', () => {
    const text = JSON.stringify(valid('think', { risks: ['x'] }), null, 3);
    mkdirSync(join(repo, '.conductor'));
    writeFileSync(join(repo, '.conductor', 'think.json'), text);
    ok('claim', 'think', '--agent', 'a');
    const done = ok('complete', 'think', '--agent', 'a', '--artifact', '.conductor/think.json');
    expect(done.artifact).toEqual({ sha256: createHash('sha256').update(text).digest('hex'), bytes: text.length, source: '.conductor/think.json' });
    writeFileSync(join(repo, '.conductor', 'think.json'), JSON.stringify(valid('think', { summary: 'rewritten' })));
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
    expect(finish('review', 'r', valid('review', { summary: { blocking: 0 }, findings: [{ severity: 'should_fix', description: 'later' }] })).unlocked).toEqual([]);
    expect(finish('security', 's', valid('security', { summary: { high: 1 }, findings: [{ severity: 'high', description: 'xss', status: 'fixed' }] })).unlocked).toEqual([]);
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
    ['review', valid('review', { summary: { blocking: 1 }, findings: [{ severity: 'blocking', description: 'needs a decision' }] }), 'review has 1 blocking finding(s) not fixed (fix them, or mark one "wontfix" with a reason)'],
    ['security', valid('security', { summary: { critical: 1 }, findings: [{ severity: 'critical', description: 'sql injection' }] }), 'security found 1 critical and 0 high finding(s) not fixed'],
    ['qa', valid('qa', { summary: { status: 'partial', tests_run: 10, tests_passed: 7, tests_failed: 3 } }), 'qa failure rate 30% (3 of 10) is over the 20% threshold'],
    ['qa', valid('qa', { summary: { status: 'fail', tests_run: 100, tests_passed: 94, tests_failed: 6 } }), 'qa reported status "fail" (6 of 100 tests failed)'],
    ['review', valid('review', { budget: { limit: 1000, used: 1000 } }), 'budget exhausted (1000 of 1000 used)'],
    ['security', valid('security', { consecutive_failures: 3, stuck_on: 'the login test' }), 'circuit breaker: 3 consecutive failed attempts on the login test'],
    ['qa', valid('qa', { consecutive_failures: 5, stuck_on: 'red \u001b[31m\nalert' }), 'circuit breaker: 5 consecutive failed attempts on red ?[31m?alert'],
  ])('%s artifact %# halts the sprint', (phase, artifact, reason) => {
    const done = finish(phase, 'x', artifact);
    expect(done.halt).toBe(reason);
    expect(ok('status').halted).toEqual({ phase, reason });
    const other = ['review', 'security', 'qa'].find((p) => p !== phase)!;
    expect(no(4, 'E_HALTED', 'claim', other, '--agent', 'y')).toContain(`halted by ${phase}: ${reason}`);
    expect(ok('next').phase).toBeNull();
    expect(auditEvents(repo).filter((e) => e.event === 'halt')).toEqual([expect.objectContaining({ phase, detail: reason })]);
  });
});

describe('sprints', () => {
  it('start archives the previous sprint', () => {
    const first = ok('start').sprint_id;
    ok('claim', 'think', '--agent', 'a');
    const second = ok('start');
    expect(second.archived).toBe(first);
    expect(sprintFile(first)).toMatchObject({ status: 'archived', archived_at: expect.any(String) });
    const s = ok('status');
    expect(s.sprint_id).toBe(second.sprint_id);
    expect(s.phases.think.state).toBe('ready');
  });

  it('clean --days removes archived sprints older than N days, never the active one', () => {
    const ids = [ok('start').sprint_id, ok('start').sprint_id, ok('start').sprint_id];
    const active = ok('start').sprint_id;
    // Age the first two: archived 10 and 3 days ago.
    ids.slice(0, 2).forEach((id, i) => {
      const f = join(stateDir(repo), 'sprints', id, 'sprint.json');
      const s = JSON.parse(readFileSync(f, 'utf8'));
      s.archived_at = new Date(Date.now() - [10, 3][i]! * 86_400_000).toISOString();
      writeFileSync(f, JSON.stringify(s));
    });
    expect(ok('clean')).toEqual({ removed: [ids[0]], kept: 3 });
    expect(ok('clean', '--days', '2')).toEqual({ removed: [ids[1]], kept: 2 });
    expect(ok('clean', '--days', '0')).toEqual({ removed: [ids[2]], kept: 1 });
    expect(ok('status').sprint_id).toBe(active);
    const cleans = auditEvents(repo).filter((e) => e.event === 'clean');
    expect(cleans.map((e) => e.detail)).toEqual([
      'removed 1 archived sprint(s) older than 7 day(s)',
      'removed 1 archived sprint(s) older than 2 day(s)',
      'removed 1 archived sprint(s) older than 0 day(s)',
    ]);
  });

  it('log shows every kind of event, in order, as JSON and as text', async () => {
    ok('start', '--phases', JSON.stringify([{ name: 'a' }, { name: 'b', concurrency: 'read' }, { name: 'c', concurrency: 'read' }, { name: 'review', depends_on: ['a'], concurrency: 'read' }]));
    ok('claim', 'a', '--agent', 'x');
    ok('renew', 'a', '--agent', 'x');
    ok('complete', 'a', '--agent', 'x');
    ok('claim', 'b', '--agent', 'x');
    ok('abort', 'b', '--agent', 'x');
    ok('claim', 'c', '--agent', 'x', '--ttl', '1s');
    await untilExpired(ok('claim', 'b', '--agent', 'x', '--ttl', '1s'));
    ok('unstuck', 'c', '--agent', 'y');
    ok('claim', 'b', '--agent', 'y');
    finish('review', 'z', valid('review', { summary: { blocking: 1 }, findings: [{ severity: 'blocking', description: 'x' }] }));
    ok('clean');
    const kinds = ok('log').entries.map((e: { event: string }) => e.event);
    expect(kinds).toEqual(['start', 'claim', 'renew', 'complete', 'claim', 'abort', 'claim', 'claim', 'unstuck', 'takeover', 'claim', 'complete', 'halt', 'clean']);
    const sprint = ok('status').sprint_id;
    expect(ok('log', '--sprint', sprint).entries).toHaveLength(13);
    const text = sh(repo, ['log']).stdout.trim().split('\n');
    expect(text).toHaveLength(14);
    expect(text[9]).toMatch(/^\S+Z takeover b +y@\S+ from x@/);
  });
});

describe('where the phase graph comes from', () => {
  const names = (r: { phases: { name: string }[] }) => r.phases.map((p) => p.name);

  it('the project config .git-conductor.json (phases and lease_ttl)', () => {
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ phases: [{ name: 'design' }, { name: 'code', depends_on: ['design'] }], lease_ttl: '15m' }));
    const s = ok('start');
    expect([s.source, names(s)]).toEqual(['project', ['design', 'code']]);
    expect(s.phases[0]).toEqual({ name: 'design', depends_on: [], concurrency: 'write' });
    const c = ok('claim', 'design', '--agent', 'a');
    expect(Date.parse(c.expires_at) - Date.parse(c.claimed_at)).toBe(900_000);
    // --phases wins over the project config.
    expect(ok('start', '--phases', '[{"name":"solo"}]')).toMatchObject({ source: 'inline', phases: [{ name: 'solo' }] });
  });

  it('.nanostack/config.json phase_graph, with the known phases keeping their classes', () => {
    mkdirSync(join(repo, '.nanostack'));
    writeFileSync(join(repo, '.nanostack', 'config.json'), JSON.stringify({ other: 1, phase_graph: [{ name: 'plan' }, { name: 'build', depends_on: ['plan'] }, { name: 'review', depends_on: ['build'] }, { name: 'ship', depends_on: ['review'] }, { name: 'docs', depends_on: ['plan'] }] }));
    const s = ok('start');
    expect(s.source).toBe('nanostack');
    expect(s.phases.map((p: { name: string; concurrency: string }) => `${p.name}:${p.concurrency}`)).toEqual(['plan:read', 'build:write', 'review:read', 'ship:exclusive', 'docs:write']);
    // The project config wins over nanostack.
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ phases: [{ name: 'only' }] }));
    expect(ok('start').source).toBe('project');
  });

  it('a --phases file, bare array or {"phases": [...]}', () => {
    writeFileSync(join(repo, 'g1.json'), '[{"name":"one"}]');
    writeFileSync(join(repo, 'g2.json'), '{"phases":[{"name":"two"}]}');
    expect(ok('start', '--phases', 'g1.json')).toMatchObject({ source: 'file', phases: [{ name: 'one' }] });
    expect(ok('start', '--phases', 'g2.json')).toMatchObject({ source: 'file', phases: [{ name: 'two' }] });
  });

  it('the default graph otherwise, with its batches', () => {
    expect(ok('start').source).toBe('default');
    const lines = sh(repo, ['batch']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { batch: 1, type: 'read', phases: ['think'] },
      { batch: 2, type: 'read', phases: ['plan'] },
      { batch: 3, type: 'write', phases: ['build'] },
      { batch: 4, type: 'read', phases: ['review', 'security', 'qa'] },
      { batch: 5, type: 'exclusive', phases: ['ship'] },
    ]);
  });
});

describe('concurrency classes through the CLI', () => {
  beforeEach(() => ok('start', '--phases', JSON.stringify([{ name: 'w1' }, { name: 'w2' }, { name: 'r1', concurrency: 'read' }, { name: 'r2', concurrency: 'read' }, { name: 'x', concurrency: 'exclusive' }])));

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

describe('output', () => {
  it('status --json has the documented shape; the human table has every phase', () => {
    ok('start');
    ok('claim', 'think', '--agent', 'a');
    const s = ok('status');
    expect(Object.keys(s.phases)).toEqual(['think', 'plan', 'build', 'review', 'security', 'qa', 'ship']);
    expect(s.phases.think).toMatchObject({ state: 'running', agent: 'a', at: expect.any(String), expires_at: expect.any(String) });
    expect(s.phases.plan.state).toBe('pending');
    const text = sh(repo, ['status']).stdout;
    expect(text).toMatch(/^sprint \S+ {2}active/);
    expect(text).toMatch(/think +running +a@/);
    expect(text).toMatch(/plan +pending +needs think/);
    expect(text).not.toContain('\u001b');
  });

  it('next prints the phase name, or nothing; whoami the agent', () => {
    ok('start');
    expect(sh(repo, ['next']).stdout).toBe('think\n');
    ok('claim', 'think', '--agent', 'a');
    expect(sh(repo, ['next'])).toMatchObject({ code: 0, stdout: '' });
    expect(sh(repo, ['whoami'], { CONDUCTOR_AGENT: 'robot-1' }).stdout).toBe('robot-1\n');
    expect(ok('whoami', '--agent', 'me')).toMatchObject({ agent: 'me', source: '--agent' });
  });
});
