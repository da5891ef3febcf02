/** abort and unstuck: who may release a claim, when a lease must have run out first, and abort --force as the repair of a corrupt entry. */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { entryFile, makeBare, makeClone } from './helpers/remote.js';
import { makeRepo } from './helpers/repo.js';
import { repoPerTest, untilExpired } from './helpers/sprint.js';
import { artifactText } from './helpers/artifacts.js';

const t = repoPerTest();
const { ok, no } = t;

describe('releasing a claim', () => {
  beforeEach(() => ok('start'));

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
});

const phaseDir = (repo: string, phase: string) => {
  const sprints = join(repo, '.git', 'conductor', 'sprints');
  return join(
    sprints,
    readdirSync(sprints).find((n) => !n.startsWith('.'))!,
    'phases',
    phase,
  );
};

describe('abort --force over a corrupt entry', () => {
  it('refuses when the bad entry was a completion with a stored artifact, and changes nothing', async () => {
    const repo = await makeRepo();
    const run = (...a: string[]) => conductor([...a, '--json'], { cwd: repo });
    run('start');
    run('claim', 'think', '--agent', 'a');
    writeFileSync(join(repo, 'think.json'), artifactText('think'));
    expect(run('complete', 'think', '--agent', 'a', '--artifact', 'think.json').code).toBe(0);
    writeFileSync(join(phaseDir(repo, 'think'), '000002', 'record.json'), '{"trunc');
    const r = run('abort', 'think', '--force', '--agent', 'b');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('E_CORRUPT_STATE');
    expect(r.json.error.message).toMatch(/completion/);
    expect(readdirSync(phaseDir(repo, 'think')).filter((n) => /^\d+$/.test(n))).toEqual(['000001', '000002']);
  });

  it('still repairs a corrupt claim', async () => {
    const repo = await makeRepo();
    const run = (...a: string[]) => conductor([...a, '--json'], { cwd: repo });
    run('start');
    run('claim', 'think', '--agent', 'a');
    writeFileSync(join(phaseDir(repo, 'think'), '000001', 'record.json'), 'garbage');
    expect(run('abort', 'think', '--force', '--agent', 'b').code).toBe(0);
    expect(run('claim', 'think', '--agent', 'b').code).toBe(0);
  });
});

const TWO = JSON.stringify([
  { name: 'review', depends_on: [], concurrency: 'read' },
  { name: 'qa', depends_on: [], concurrency: 'read' },
]);

describe('a corrupt local entry with a remote', () => {
  it('fails only the commands that read it, as without a remote; abort --force repairs it and publishes the repair', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprint = a.run(['start', '--phases', TWO]).json.sprint_id;
    expect(a.run(['claim', 'review']).code).toBe(0);
    writeFileSync(entryFile(a, sprint, 'review', 1), '{bad');
    for (const args of [['status'], ['claim', 'qa']]) {
      const r = a.run(args);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(1);
      expect(r.json.error.code).toBe('E_CORRUPT_STATE');
      expect(r.json.error.message).toContain('abort review --force');
    }
    const fixed = a.run(['abort', 'review', '--force']);
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(a.run(['status']).json.phases.review.state).toBe('ready');
    b.git(['fetch', '-q']);
    expect(b.run(['status']).json.phases.review.state).toBe('ready');
    expect(b.run(['claim', 'review']).code).toBe(0);
    // The corrupt entry stays below the top: importing and publishing past it still work.
    expect(a.run(['status', '--fetch']).json.phases.review).toMatchObject({ state: 'running', agent: 'bob' });
    expect(b.run(['abort', 'review']).code).toBe(0);
    expect(a.run(['claim', 'review']).code).toBe(0);
    expect(b.run(['status', '--fetch']).json.phases.review).toMatchObject({ state: 'running', agent: 'alice' });
  });
});
