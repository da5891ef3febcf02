import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAgent } from '../src/core/agent.js';
import { AGENT_ID_RE } from '../src/core/schemas.js';
import { cli, cliAsync, makeRepo } from './helpers/repo.js';

const phaseDir = (repo: string, phase: string) => {
  const sprints = join(repo, '.git', 'conductor', 'sprints');
  return join(sprints, readdirSync(sprints).find((n) => !n.startsWith('.'))!, 'phases', phase);
};

describe('completing the last phases at the same moment', () => {
  it('archives the sprint whichever completion lands last (8 trials)', async () => {
    for (let trial = 0; trial < 8; trial++) {
      const repo = await makeRepo();
      const run = (...a: string[]) => cli([...a, '--json'], { cwd: repo });
      expect(run('start', '--phases', '[{"name":"x","concurrency":"read"},{"name":"y","concurrency":"read"}]').code).toBe(0);
      expect(run('claim', 'x', '--agent', 'a').code).toBe(0);
      expect(run('claim', 'y', '--agent', 'b').code).toBe(0);
      const [x, y] = await Promise.all([cliAsync(['complete', 'x', '--agent', 'a', '--json'], { cwd: repo }), cliAsync(['complete', 'y', '--agent', 'b', '--json'], { cwd: repo })]);
      expect([x.code, y.code]).toEqual([0, 0]);
      expect(x.json.sprint_done || y.json.sprint_done).toBe(true);
      expect(run('status').json.status).toBe('archived');
    }
  });
});

describe('abort --force over a corrupt entry', () => {
  it('refuses when the bad entry was a completion with a stored artifact, and changes nothing', async () => {
    const repo = await makeRepo();
    const run = (...a: string[]) => cli([...a, '--json'], { cwd: repo });
    run('start');
    run('claim', 'think', '--agent', 'a');
    writeFileSync(join(repo, 'think.json'), '{"summary":"x"}');
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
    const run = (...a: string[]) => cli([...a, '--json'], { cwd: repo });
    run('start');
    run('claim', 'think', '--agent', 'a');
    writeFileSync(join(phaseDir(repo, 'think'), '000001', 'record.json'), 'garbage');
    expect(run('abort', 'think', '--force', '--agent', 'b').code).toBe(0);
    expect(run('claim', 'think', '--agent', 'b').code).toBe(0);
  });
});

describe('doctor', () => {
  it('refuses a malformed remote name with exit 2', async () => {
    const r = cli(['doctor', '--remote', 'a b', '--json'], { cwd: await makeRepo() });
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('E_BAD_REMOTE');
  });
});

describe('the default agent id', () => {
  it('is valid for user names that start with punctuation', () => {
    for (const user of ['_svc', '.hidden', '--', 'ü']) {
      const { id } = resolveAgent({ env: {}, user, worktree: '/w', anchor: { key: 's', kind: 'harness', stable: true, what: 'p' } });
      expect(id).toMatch(AGENT_ID_RE);
    }
  });
});
