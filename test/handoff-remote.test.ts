/**
 * Context handoff across machines: clones of one bare remote, the real CLI.
 * Checkpoints written on one clone are read on another after a fetch; the
 * digest keeps to its budget and names what it left out; archived sprints stay
 * reachable; a tampered artifact is refused; `log` shows teammates' entries.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';
import { phaseDir, stateDir } from './helpers/state.js';

const DEFAULT_ORDER = ['think', 'plan', 'build', 'review', 'security', 'qa', 'ship'];

function artifact(c: Clone, phase: string, extra: Record<string, unknown> = {}): string {
  mkdirSync(join(c.dir, '.conductor'), { recursive: true });
  const file = join(c.dir, '.conductor', `${phase}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      phase,
      summary: `${phase} summary by ${c.agent}`,
      context_checkpoint: { summary: `${phase}: checkpoint by ${c.agent}`, key_files: [`src/${phase}.ts:1`], decisions_made: [`${phase} decision`], open_questions: [`${phase} question?`] },
      ...extra,
    }),
  );
  return file;
}

function finish(c: Clone, phase: string, extra?: Record<string, unknown>) {
  const claimed = c.run(['claim', phase]);
  expect(claimed.code, claimed.stdout).toBe(0);
  const done = c.run(['complete', phase, '--artifact', artifact(c, phase, extra)]);
  expect(done.code, done.stdout).toBe(0);
  return done.json;
}

describe('context across clones', () => {
  it('checkpoints from clone A read newest first on clone B after a plain fetch; --phase keeps only upstream phases', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    expect(a.run(['start']).code).toBe(0);
    for (const p of ['think', 'plan', 'build', 'review']) finish(a, p);
    b.git(['fetch', '-q']);

    const all = b.run(['context']);
    expect(all.code, all.stdout).toBe(0);
    expect(all.json.included.map((x: { phase: string }) => x.phase)).toEqual(['review', 'build', 'plan', 'think']);
    expect(all.json.included[0]).toMatchObject({ agent: 'ana', checkpoint: true });
    expect(all.json.digest).toContain('review: checkpoint by ana');
    expect(all.json.digest.indexOf('review (done')).toBeLessThan(all.json.digest.indexOf('think (done'));
    expect(Date.now() - Date.parse(all.json.as_of)).toBeLessThan(120_000);
    expect(all.json.digest).toContain(`as of ${all.json.as_of}`);

    // security depends on build only: review is done, but not upstream of it.
    const sec = b.run(['context', '--phase', 'security']);
    expect(sec.json.included.map((x: { phase: string }) => x.phase)).toEqual(['build', 'plan', 'think']);
    expect(sec.json.digest).not.toContain('review');
    expect(b.run(['context', '--phase', 'plan']).json.included.map((x: { phase: string }) => x.phase)).toEqual(['think']);
    const ship = b.run(['context', '--phase', 'ship']).json;
    expect(ship.included.map((x: { phase: string }) => x.phase)).toEqual(['review', 'build', 'plan', 'think']);
    expect(ship.waiting).toEqual(['security', 'qa']);
    expect(b.run(['context', '--phase', 'nope']).json.error.code).toBe('E_UNKNOWN_PHASE');

    // The budget covers the whole output, and what was cut is named with the command that shows it.
    for (const budget of [400, 700]) {
      const small = b.run(['context', '--budget', String(budget)]).json;
      expect(small.digest.length).toBeLessThanOrEqual(budget);
      expect(small.chars).toBe(small.digest.length);
      expect(small.omitted).toContain('think');
      expect(small.digest).toMatch(/left out to fit the budget \(oldest first\): .*think/);
      expect(small.digest).toContain("git conductor artifact show <phase>");
    }
    const human = b.run(['context', '--budget', '400']);
    expect(human.code).toBe(0);
    expect(b.run(['context', '--budget', '10']).json.error).toMatchObject({ code: 'E_BAD_BUDGET', exit_code: 2 });
  });

  it('refuses a tampered artifact, naming the file, rather than summarising it', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const sprint = a.run(['start']).json.sprint_id;
    finish(a, 'think');
    const file = join(phaseDir(a.dir, sprint, 'think'), '000002', 'artifact.json');
    const bytes = readFileSync(file, 'utf8');
    writeFileSync(file, bytes.replace('think summary', 'THINK summary')); // same length, other bytes
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
    writeFileSync(join(a.dir, '.git-conductor.json'), JSON.stringify({ journal_path: 'docs/journal-{sprint}.md' }));
    mkdirSync(join(a.dir, 'docs'));
    const s1 = a.run(['start']).json.sprint_id;
    finish(a, 'think');
    b.git(['fetch', '-q']);
    expect(b.run(['status']).json.phases.think.state).toBe('done'); // b follows s1 up to here
    let last;
    for (const p of DEFAULT_ORDER.slice(1)) last = finish(a, p);
    expect(last.sprint_done).toBe(true);
    // Written when the last phase completed: in the state directory, and at journal_path.
    const own = join(stateDir(a.dir), 'sprints', s1, 'journal.md');
    const tracked = join(a.dir, 'docs', `journal-${s1}.md`);
    expect(last.journal.files).toEqual([own, tracked]);
    expect(readFileSync(tracked, 'utf8')).toBe(readFileSync(own, 'utf8'));
    expect(readFileSync(own, 'utf8')).toBe(a.run(['journal', '--sprint', s1]).json.markdown);
    expect(readFileSync(own, 'utf8')).toContain('7 of 7 done');

    const s2 = a.run(['start']).json.sprint_id;
    b.git(['fetch', '-q']);
    expect(b.run(['status']).json.sprint_id).toBe(s2);
    const old = b.run(['context', '--sprint', s1]);
    expect(old.code, old.stdout).toBe(0);
    expect(old.json).toMatchObject({ sprint_id: s1, sprint_status: 'archived' });
    // Newest first: completed on a in graph order.
    expect(old.json.included.map((x: { phase: string }) => x.phase)).toEqual([...DEFAULT_ORDER].reverse());
    // The journal of the archived sprint reads the same on the clone that never completed a phase of it.
    expect(b.run(['journal', '--sprint', s1]).json.markdown).toBe(a.run(['journal', '--sprint', s1]).json.markdown);

    const c = makeClone(url, 'cy');
    const fromRefs = c.run(['context', '--sprint', s1, '--phase', 'ship', '--budget', '5000']);
    expect(fromRefs.code, fromRefs.stdout).toBe(0);
    expect(fromRefs.json.included.map((x: { phase: string }) => x.phase).slice(3)).toEqual(['build', 'plan', 'think']);
    expect(fromRefs.json.digest).toContain('ship depends on');
    expect(c.run(['context', '--sprint', '20990101-000000-abcdef']).json.error).toMatchObject({ code: 'E_NO_SPRINT', exit_code: 3 });
    expect(c.run(['context', '--sprint', '../../etc']).json.error).toMatchObject({ code: 'E_BAD_SPRINT_ID', exit_code: 2 });
    expect(existsSync(join(stateDir(c.dir), 'sprints', s1))).toBe(false); // read from the refs, nothing imported
  });
});

describe('resume and log across clones', () => {
  it("resume on B waits for A's phase, naming A; after A completes it, B claims; log on A lists B's claims once, with B's machine", () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    const sprint = a.run(['start']).json.sprint_id;
    expect(a.run(['claim', 'think']).code).toBe(0);
    b.git(['fetch', '-q']);
    const wait = b.run(['resume']);
    expect(wait.code).toBe(0);
    expect(wait.json).toMatchObject({ action: 'wait', phase: 'think', holder: { agent: 'ana' }, sprint_id: sprint });
    expect(wait.json.lease_left_s).toBeGreaterThan(3000);
    expect(wait.json.as_of).toBeTruthy();
    expect(b.run(['resume', '--agent', 'ana']).json).toMatchObject({ action: 'continue', phase: 'think' });
    expect(a.run(['complete', 'think', '--artifact', artifact(a, 'think')]).code).toBe(0);
    expect(b.run(['resume']).json.action).toBe('wait'); // b's view is as of its last fetch
    expect(b.run(['resume', '--fetch']).json).toMatchObject({ action: 'claim', phase: 'plan', command: 'git conductor claim plan' });
    expect(b.run(['claim', 'plan']).code).toBe(0);

    a.git(['fetch', '-q']);
    const log = a.run(['log']).json;
    const bens = log.entries.filter((e: { agent?: string }) => e.agent === 'ben');
    expect(bens).toMatchObject([{ event: 'claim', phase: 'plan', sprint_id: sprint, origin: 'remote' }]);
    expect(bens[0].host).toBeTruthy();
    // a's own changes are in its audit log and in the refs: listed once.
    expect(log.entries.filter((e: { event: string; phase?: string }) => e.event === 'claim' && e.phase === 'think')).toMatchObject([{ agent: 'ana', origin: 'both' }]);
    expect(log.entries.filter((e: { event: string }) => e.event === 'start')).toHaveLength(1);
    const times = log.entries.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
    // --local: this clone's audit log only, as before.
    expect(a.run(['log', '--local']).json.entries.some((e: { agent?: string }) => e.agent === 'ben')).toBe(false);
    // b sees a's completion and its own claim.
    const onB = b.run(['log', '--sprint', sprint]).json.entries.map((e: { event: string; phase?: string; agent?: string }) => `${e.event} ${e.phase ?? ''} ${e.agent}`);
    expect(onB).toEqual(['start  ana', 'claim think ana', 'complete think ana', 'claim plan ben']);
  });
});
