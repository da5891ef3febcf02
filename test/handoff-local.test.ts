/** resume in every state, and the human forms of context, resume and journal, on one machine. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, makeRepo } from './helpers/repo.js';

function agent(repo: string, name: string) {
  const run = (...args: string[]) => cli([...args, '--json'], { cwd: repo, env: { CONDUCTOR_AGENT: name } });
  const human = (...args: string[]) => cli(args, { cwd: repo, env: { CONDUCTOR_AGENT: name } });
  const finish = (phase: string, body: Record<string, unknown> = {}) => {
    expect(run('claim', phase).code).toBe(0);
    mkdirSync(join(repo, '.conductor'), { recursive: true });
    writeFileSync(join(repo, '.conductor', `${phase}.json`), JSON.stringify({ summary: `${phase} done`, ...body }));
    const r = run('complete', phase, '--artifact', `.conductor/${phase}.json`);
    expect(r.code, r.stdout).toBe(0);
    return r.json;
  };
  return { run, human, finish };
}

describe('resume: one action, in every state', () => {
  it('no sprint, ready, holding, waiting, halted, done', async () => {
    const repo = await makeRepo();
    const ana = agent(repo, 'ana');
    const ben = agent(repo, 'ben');
    expect(ana.run('resume').json.error).toMatchObject({ code: 'E_NO_SPRINT', exit_code: 3 });
    expect(ana.run('start').code).toBe(0);

    expect(ana.run('resume').json).toMatchObject({ action: 'claim', phase: 'think', command: 'git conductor claim think', lease_left_s: null, agent: 'ana' });
    expect(ana.run('claim', 'think', '--ttl', '30m').code).toBe(0);
    const holding = ana.run('resume').json;
    expect(holding).toMatchObject({ action: 'continue', phase: 'think', command: 'git conductor context --phase think' });
    expect(holding.lease_left_s).toBeGreaterThan(1700);
    expect(holding.as_of).toBeUndefined(); // no coordination remote
    expect(ben.run('resume').json).toMatchObject({ action: 'wait', phase: 'think', holder: { agent: 'ana' } });

    const text = ana.human('resume');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^continue think: you hold think; its lease ends in 30m/);
    expect(lines[1]).toBe('  → git conductor context --phase think');
    expect(ben.human('resume').stdout).toMatch(/^wait think: think is held by ana@\S+, lease ends in 30m \(plan needs it\); ask again later\n/);

    ana.run('complete', 'think');
    for (const p of ['plan', 'build']) ana.finish(p);
    ana.finish('review', { findings: [{ severity: 'high', blocking: true, title: 'drops data on refresh' }] });
    const halted = ben.run('resume');
    expect(halted.code).toBe(0);
    expect(halted.json).toMatchObject({ action: 'halted', phase: 'review', command: 'git conductor artifact show review' });
    expect(halted.json.reason).toContain('blocking finding');
  });

  it('done: the last phase completed', async () => {
    const repo = await makeRepo();
    const ana = agent(repo, 'ana');
    expect(ana.run('start', '--phases', '[{"name":"only","depends_on":[]}]').code).toBe(0);
    const last = ana.finish('only', { context_checkpoint: { summary: 'all of it', key_files: [], decisions_made: [], open_questions: [] } });
    expect(last.sprint_done).toBe(true);
    expect(last.journal.files).toHaveLength(1);
    expect(ana.run('resume').json).toMatchObject({ action: 'done', phase: null, command: null });
    expect(ana.human('resume').stdout.trimEnd().split('\n')).toHaveLength(1);
    // The journal of the active-but-finished sprint is the one written at completion.
    expect(ana.run('journal').json.markdown).toContain('- **Summary:** all of it');
  });
});

describe('context and journal, human forms and bad input', () => {
  it('context prints the digest; an empty sprint says so; journal --out refuses a missing directory', async () => {
    const repo = await makeRepo();
    const ana = agent(repo, 'ana');
    expect(ana.run('start').code).toBe(0);
    expect(ana.human('context').stdout).toMatch(/^context: sprint \S+ \(active\); 0 of 7 phases done, newest first\n$/);
    ana.finish('think', { context_checkpoint: { summary: 'the \u001b[2Jwedge', key_files: ['a.ts:1'], decisions_made: [], open_questions: [] } });
    const text = ana.human('context', '--phase', 'plan').stdout;
    expect(text).toContain('context for plan');
    expect(text).toContain('- summary: the [2Jwedge'); // ESC stripped, the rest is text
    expect(text).not.toMatch(/\u001b/);
    expect(ana.run('context', '--budget', 'lots').json.error).toMatchObject({ code: 'E_USAGE', exit_code: 2 });
    const out = ana.run('journal', '--out', 'no/such/dir/j.md');
    expect(out.json.error).toMatchObject({ code: 'E_BAD_OUT', exit_code: 2 });
    expect(ana.human('journal', '--out', 'j.md').stdout).toMatch(/^✓ wrote the journal of sprint \S+ to .*j\.md\n$/);
    // Without a coordination remote, log is this clone's audit log as it always was.
    const log = ana.run('log').json;
    expect(log.entries.map((e: { event: string }) => e.event)).toEqual(['start', 'claim', 'complete']);
    expect(log.as_of).toBeUndefined();
  });
});
