/**
 * Failures beside a command's own change, and the environment it runs in: an audit log on a full disk, GIT_DIR
 * and GIT_WORK_TREE from outside the work tree (hooks included), a read-only or full remote, and a forced
 * release racing a new claim.
 */
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor, spawnConductor } from './helpers/cli.js';
import { git, gitRun } from './helpers/git.js';
import { hookEnv } from './helpers/hooks.js';
import { makeBare, makeClone, serverHook } from './helpers/remote.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { untilExpired } from './helpers/sprint.js';
import { stateDir } from './helpers/state.js';

describe('the audit log on a full disk', () => {
  it('claim exits 0 when the claim stands and its audit line cannot be written (ENOSPC), warning on stderr and in the JSON', async () => {
    const repo = await makeRepo();
    expect(conductor(['start', '--json'], { cwd: repo, agent: 'ann' }).code).toBe(0);
    const audit = join(stateDir(repo), 'audit.jsonl');
    rmSync(audit, { force: true });
    symlinkSync('/dev/full', audit);
    const r = conductor(['claim', 'think', '--json'], { cwd: repo, agent: 'ann' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const audited = r.json.warnings.filter((w: { code: string }) => w.code === 'W_AUDIT');
    expect(audited.map((w: { message: string }) => w.message).join('\n')).toMatch(
      /could not write the audit log .*ENOSPC.*the claim of think stands/,
    );
    expect(r.stderr).toMatch(/warning: could not write the audit log/);
    rmSync(audit);
    expect(conductor(['status', '--json'], { cwd: repo }).json.phases.think).toMatchObject({ state: 'running', agent: 'ann' });
  });
});

describe('GIT_DIR and GIT_WORK_TREE from outside the work tree', () => {
  it('commands and both hooks work on the repository they name', async () => {
    const repo = await makeRepo();
    const remote = join(tempDir('conductor-remote-'), 'origin.git');
    git(repo, 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', `file://${remote}`);
    // Not an empty remote: a first push there is let through on purpose (pre-push.ts).
    git(repo, 'push', '-q', 'origin', 'HEAD:refs/heads/seed');
    const outside = tempDir('conductor-outside-');
    const env = { GIT_DIR: join(repo, '.git'), GIT_WORK_TREE: repo };
    const run = (...args: string[]) => conductor([...args, '--json'], { cwd: outside, agent: 'ann', env });
    expect(run('hooks', 'install').code).toBe(0);
    expect(run('start').code).toBe(0);
    const claim = run('claim', 'think');
    expect(claim.code, claim.stdout + claim.stderr).toBe(0);
    expect(run('status').json.phases.think.state).toBe('running');
    // The post-commit hook, from outside: the trailer completes the phase.
    writeFileSync(join(repo, 'notes.txt'), 'x');
    expect(gitRun(outside, ['add', 'notes.txt'], { env }).code).toBe(0);
    const c = gitRun(outside, ['commit', '-q', '-m', 'think it through', '-m', 'Conductor-Phase: think'], {
      env: hookEnv({ ...env, CONDUCTOR_AGENT: 'ann' }),
    });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toContain('completed think');
    expect(run('status').json.phases.think.state).toBe('done');
    // The pre-push hook, from outside: the gate judges (exit 4), it does not fail to find the repository (exit 2).
    const push = gitRun(outside, ['push', 'origin', 'main'], { env: hookEnv({ ...env, CONDUCTOR_AGENT: 'ann' }) });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('not ready to ship');
    expect(push.stderr).toContain('pre-push failed (code 4)');
  });
});

describe('a remote that takes nothing', () => {
  for (const [what, says] of [
    ['read-only', 'fatal: this repository is read-only'],
    ['full', 'error: No space left on device'],
  ]) {
    it(`a ${what} remote is diagnosed as such, not as refusing our refs namespace`, () => {
      const { bare, url } = makeBare();
      const a = makeClone(url, 'alice');
      expect(a.run(['start']).code).toBe(0);
      serverHook(bare, 'pre-receive', `echo "${says}" >&2; exit 1`);
      const r = a.run(['claim', 'think']);
      expect(r.code, r.stdout).toBe(5);
      expect(r.json.error.code).toBe('E_REMOTE_REFUSED');
      expect(r.json.error.message).toMatch(/looks read-only or full/);
      expect(r.json.error.message).toContain(says);
      expect(r.json.error.message).not.toMatch(/--namespace/);
    });
  }
});

describe('a forced release takes an expected holder', () => {
  it('abort --force never releases a claim made while it ran, and --holder releases only that holder', async () => {
    const repo = await makeRepo();
    const run = (agent: string, ...args: string[]) => conductor([...args, '--json'], { cwd: repo, agent });
    expect(run('ann', 'start', '--phases', '[{"name":"p"}]').code).toBe(0);
    const first = run('ann', 'claim', 'p', '--ttl', '1s');
    expect(first.code).toBe(0);
    await untilExpired(first.json);
    expect(run('ops', 'abort', 'p', '--force', '--holder', 'zed').json.error.code).toBe('E_NOT_HOLDER');
    // ops reads ann's expired claim and stalls just before its append lands; bob takes the phase over meanwhile.
    const forced = spawnConductor(['abort', 'p', '--force', '--json'], {
      cwd: repo,
      agent: 'ops',
      env: { CONDUCTOR_TEST_PAUSE: 'before-rename:2500' },
    });
    let out = '';
    let err = '';
    forced.stdout!.on('data', (d) => (out += d));
    await new Promise<void>((resolve) =>
      forced.stderr!.on('data', (d) => ((err += d), err.includes('paused at before-rename') && resolve())),
    );
    const takeover = run('bob', 'claim', 'p');
    expect(takeover.code, takeover.stdout).toBe(0);
    expect(takeover.json.kind).toBe('takeover');
    const code = await new Promise<number>((resolve) => forced.on('close', (c) => resolve(c ?? -1)));
    expect(code, out + err).toBe(3);
    expect(JSON.parse(out).error.code).toBe('E_LOST_RACE');
    expect(conductor(['status', '--json'], { cwd: repo }).json.phases.p).toMatchObject({ state: 'running', agent: 'bob' });
    // Told the holder it saw, the release goes through.
    const again = run('ops', 'abort', 'p', '--force', '--holder', 'bob');
    expect(again.code, again.stdout).toBe(0);
    expect(again.json.released.agent).toBe('bob');
  });
});
