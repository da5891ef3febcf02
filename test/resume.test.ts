/** resume: one action for this agent, in every state (no sprint, ready, holding, waiting, halted, done), and across clones. */
import { describe, expect, it } from 'vitest';
import { agentIn, checkpointArtifact } from './helpers/checkpoints.js';
import { makeBare, makeClone } from './helpers/remote.js';
import { makeRepo } from './helpers/repo.js';

describe('resume on one machine', () => {
  it('no sprint, ready, holding, waiting, halted', async () => {
    const repo = await makeRepo();
    const ana = agentIn(repo, 'ana');
    const ben = agentIn(repo, 'ben');
    expect(ana.run('resume').json.error).toMatchObject({ code: 'E_NO_SPRINT', exit_code: 3 });
    expect(ana.run('start').code).toBe(0);

    expect(ana.run('resume').json).toMatchObject({
      action: 'claim',
      phase: 'think',
      command: 'git conductor claim think',
      lease_left_s: null,
      agent: 'ana',
    });
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
    expect(ben.human('resume').stdout).toMatch(
      /^wait think: think is held by ana@\S+, lease ends in 30m \(plan needs it\); ask again later\n/,
    );

    ana.run('complete', 'think');
    for (const p of ['plan', 'build']) ana.finish(p);
    ana.finish('review', {
      summary: { blocking: 1 },
      findings: [{ id: 'R1', severity: 'blocking', description: 'drops data on refresh' }],
    });
    const halted = ben.run('resume');
    expect(halted.code).toBe(0);
    expect(halted.json).toMatchObject({ action: 'halted', phase: 'review', command: 'git conductor artifact show review' });
    expect(halted.json.reason).toContain('blocking finding');
  });

  it('done: once the last phase is completed', async () => {
    const repo = await makeRepo();
    const ana = agentIn(repo, 'ana');
    expect(ana.run('start', '--phases', '[{"name":"only","depends_on":[]}]').code).toBe(0);
    expect(ana.finish('only').sprint_done).toBe(true);
    expect(ana.run('resume').json).toMatchObject({ action: 'done', phase: null, command: null });
    expect(ana.human('resume').stdout.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('resume across clones', () => {
  it("waits on B for A's phase, naming A; says claim once A completes it and B's view has it", () => {
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
    expect(a.run(['complete', 'think', '--artifact', checkpointArtifact(a.dir, 'think', 'ana')]).code).toBe(0);
    expect(b.run(['resume']).json.action).toBe('wait'); // b's view is as of its last fetch
    expect(b.run(['resume', '--fetch']).json).toMatchObject({ action: 'claim', phase: 'plan', command: 'git conductor claim plan' });
  });
});
