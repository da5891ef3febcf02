/**
 * context: the digest of checkpoints. Across clones of one bare remote (read on another clone after a fetch,
 * --phase, the budget and what it cut, archived sprints by --sprint, a tampered artifact refused), and its
 * human form and bad input on one machine.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentIn, finishOn } from './helpers/checkpoints.js';
import { makeBare, makeClone } from './helpers/remote.js';
import { makeRepo } from './helpers/repo.js';
import { phaseDir, stateDir } from './helpers/state.js';

const DEFAULT_ORDER = ['think', 'plan', 'build', 'review', 'security', 'qa', 'ship'];
const names = (included: { phase: string }[]) => included.map((x) => x.phase);

describe('context across clones', () => {
  it('checkpoints from clone A read newest first on clone B after a plain fetch; --phase keeps only upstream phases', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    expect(a.run(['start']).code).toBe(0);
    for (const p of ['think', 'plan', 'build', 'review']) finishOn(a, p);
    b.git(['fetch', '-q']);

    const all = b.run(['context']);
    expect(all.code, all.stdout).toBe(0);
    expect(names(all.json.included)).toEqual(['review', 'build', 'plan', 'think']);
    expect(all.json.included[0]).toMatchObject({ agent: 'ana', checkpoint: true });
    expect(all.json.digest).toContain('review: checkpoint by ana');
    expect(all.json.digest.indexOf('review (done')).toBeLessThan(all.json.digest.indexOf('think (done'));
    expect(Date.now() - Date.parse(all.json.as_of)).toBeLessThan(120_000);
    expect(all.json.digest).toContain(`as of ${all.json.as_of}`);

    // security depends on build only: review is done, but not upstream of it.
    const sec = b.run(['context', '--phase', 'security']);
    expect(names(sec.json.included)).toEqual(['build', 'plan', 'think']);
    expect(sec.json.digest).not.toContain('review');
    expect(names(b.run(['context', '--phase', 'plan']).json.included)).toEqual(['think']);
    const ship = b.run(['context', '--phase', 'ship']).json;
    expect(names(ship.included)).toEqual(['review', 'build', 'plan', 'think']);
    expect(ship.waiting).toEqual(['security', 'qa']);
    expect(b.run(['context', '--phase', 'nope']).json.error.code).toBe('E_UNKNOWN_PHASE');

    // The budget covers the whole output, and what was cut is named with the command that shows it.
    for (const budget of [400, 700]) {
      const small = b.run(['context', '--budget', String(budget)]).json;
      expect(small.digest.length).toBeLessThanOrEqual(budget);
      expect(small.chars).toBe(small.digest.length);
      expect(small.omitted).toContain('think');
      expect(small.digest).toMatch(/left out to fit the budget \(oldest first\): .*think/);
      expect(small.digest).toContain('git conductor artifact show <phase>');
    }
    expect(b.run(['context', '--budget', '10']).json.error).toMatchObject({ code: 'E_BAD_BUDGET', exit_code: 2 });
  });

  it('refuses a tampered artifact, naming the file, rather than summarising it', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const sprint = a.run(['start']).json.sprint_id;
    finishOn(a, 'think');
    const file = join(phaseDir(a.dir, sprint, 'think'), '000002', 'artifact.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('think: checkpoint', 'THINK: checkpoint')); // same length, other bytes
    const r = a.run(['context']);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatchObject({ code: 'E_CORRUPT_STATE', file });
    expect(r.json.error.message).toContain('sha256');
    expect(a.run(['journal']).json.error).toMatchObject({ code: 'E_CORRUPT_STATE', file });
  });

  it('archived sprints stay reachable with --sprint, on a clone that stopped following them and on one that never saw them', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    const s1 = a.run(['start']).json.sprint_id;
    finishOn(a, 'think');
    b.git(['fetch', '-q']);
    expect(b.run(['status']).json.phases.think.state).toBe('done'); // b follows s1 up to here
    for (const p of DEFAULT_ORDER.slice(1)) finishOn(a, p);
    const s2 = a.run(['start']).json.sprint_id;
    b.git(['fetch', '-q']);
    expect(b.run(['status']).json.sprint_id).toBe(s2);

    const old = b.run(['context', '--sprint', s1]);
    expect(old.code, old.stdout).toBe(0);
    expect(old.json).toMatchObject({ sprint_id: s1, sprint_status: 'archived' });
    expect(names(old.json.included)).toEqual([...DEFAULT_ORDER].reverse()); // newest first: a completed them in graph order
    // artifact show reads the active sprint only: what an archived sprint's digest leaves out is read with a bigger budget.
    const cut = b.run(['context', '--sprint', s1, '--budget', '600']).json;
    expect(cut.omitted.length).toBeGreaterThan(0);
    expect(cut.digest).toContain(`git conductor context --sprint ${s1} --budget 2400`);

    const c = makeClone(url, 'cy');
    const fromRefs = c.run(['context', '--sprint', s1, '--phase', 'ship', '--budget', '5000']);
    expect(fromRefs.code, fromRefs.stdout).toBe(0);
    expect(names(fromRefs.json.included).slice(3)).toEqual(['build', 'plan', 'think']);
    expect(fromRefs.json.digest).toContain('ship depends on');
    expect(existsSync(join(stateDir(c.dir), 'sprints', s1))).toBe(false); // read from the refs, nothing imported
    expect(c.run(['context', '--sprint', '20990101-000000-abcdef']).json.error).toMatchObject({ code: 'E_NO_SPRINT', exit_code: 3 });
    expect(c.run(['context', '--sprint', '../../etc']).json.error).toMatchObject({ code: 'E_BAD_SPRINT_ID', exit_code: 2 });
  });
});

describe('context on one machine', () => {
  it('prints the digest as plain text; an empty sprint says so; bad flags are usage errors', async () => {
    const repo = await makeRepo();
    const ana = agentIn(repo, 'ana');
    expect(ana.run('start').code).toBe(0);
    expect(ana.human('context').stdout).toMatch(/^context: sprint \S+ \(active\); 0 of 7 phases done, newest first\n$/);
    ana.finish('think', {
      context_checkpoint: { summary: 'the \u001b[2Jwedge', key_files: ['a.ts:1'], decisions_made: [], open_questions: [] },
    });
    const text = ana.human('context', '--phase', 'plan').stdout;
    expect(text).toContain('context for plan');
    expect(text).toContain('- summary: the [2Jwedge'); // ESC stripped, the rest is text
    expect(text).not.toMatch(/\u001b/);
    expect(ana.run('context', '--budget', 'lots').json.error).toMatchObject({ code: 'E_USAGE', exit_code: 2 });
  });
});
