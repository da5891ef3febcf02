/** pre-push: the ship gate refuses protected refs until review, qa and security are done. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { as, commit, git, gitOk, hookEnv, sprintRepo } from './helpers/hooks.js';
import { cli, makeRepo } from './helpers/repo.js';
import { artifactText } from './helpers/artifacts.js';

const remoteHas = (remote: string, ref: string) => git(['rev-parse', '--verify', '-q', ref], remote).code === 0;
const push = (repo: string, args: string[], env: Record<string, string | undefined> = {}) => git(['push', 'origin', ...args], repo, hookEnv({ CONDUCTOR_AGENT: 'shipper', ...env }));

describe('pre-push ship gate', () => {
  let repo: string;
  let remote: string;
  beforeAll(async () => {
    ({ repo, remote } = await sprintRepo());
    expect(as('rita', ['claim', 'review'], repo).code).toBe(0);
  });

  it('refuses the default branch and v* tags while review, qa and security are not done, naming who holds what', () => {
    const r = push(repo, ['main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('push of refs/heads/main refused');
    expect(r.stderr).toMatch(/review: running, held by rita@\S+ since/);
    expect(r.stderr).toContain('security: ready, nobody holds it');
    expect(r.stderr).toContain('qa: ready, nobody holds it');
    expect(r.stderr).toContain('git-conductor - pre-push failed (code 4)');
    expect(remoteHas(remote, 'refs/heads/main')).toBe(false);
    gitOk(['tag', 'v1.0.0'], repo);
    expect(push(repo, ['v1.0.0']).code).not.toBe(0);
    expect(remoteHas(remote, 'refs/tags/v1.0.0')).toBe(false);
  });

  it('never gates other branches, other tags or conductor refs', () => {
    expect(push(repo, ['main:refs/heads/feature/x']).code).toBe(0);
    gitOk(['tag', 'nightly-1'], repo);
    expect(push(repo, ['nightly-1']).code).toBe(0);
    expect(push(repo, ['main:refs/conductor/probe']).code).toBe(0);
    expect(remoteHas(remote, 'refs/heads/feature/x') && remoteHas(remote, 'refs/tags/nightly-1') && remoteHas(remote, 'refs/conductor/probe')).toBe(true);
  });

  it('lets a deliberate bypass through and records it in the audit log', () => {
    const r = push(repo, ['main:refs/heads/main'], { CONDUCTOR_SHIP_BYPASS: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ship gate bypassed for refs/heads/main');
    const bypass = cli(['log', '--json'], { cwd: repo }).json.entries.filter((e: any) => e.event === 'bypass');
    expect(bypass).toHaveLength(1);
    expect(bypass[0]).toMatchObject({ phase: 'ship', agent: 'shipper' });
    expect(bypass[0].detail).toMatch(/push of refs\/heads\/main@[0-9a-f]{40} to origin while review: running/);
    // Take it back so the next test starts from an unshipped remote.
    gitOk(['push', '-q', '--no-verify', 'origin', ':refs/heads/main'], repo);
  });

  it('fails closed when the CLI cannot be found, and CONDUCTOR_HOOKS=0 skips the gate', () => {
    const r = git(['push', 'origin', 'main'], repo, hookEnv({}, { cli: false }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('CLI not found on PATH, so the ship gate cannot check this push');
    expect(r.stderr).toContain('CONDUCTOR_HOOKS=0');
    expect(remoteHas(remote, 'refs/heads/main')).toBe(false);
    const off = git(['push', 'origin', 'main'], repo, hookEnv({ CONDUCTOR_HOOKS: '0' }, { cli: false }));
    expect(off.code).toBe(0);
    expect(remoteHas(remote, 'refs/heads/main')).toBe(true);
    gitOk(['push', '-q', '--no-verify', 'origin', ':refs/heads/main'], repo);
  });

  it('allows the push once review, qa and security are done', () => {
    expect(commit(repo, 'rita', ['review', 'Conductor-Phase: review'], { '.conductor/review.json': artifactText('review') }).code).toBe(0);
    for (const p of ['qa', 'security']) {
      expect(as('tess', ['claim', p], repo).code).toBe(0);
      expect(as('tess', ['complete', p], repo).code).toBe(0);
    }
    const r = push(repo, ['main', 'v1.0.0']);
    expect(r.stderr).not.toContain('refused');
    expect(r.code).toBe(0);
    expect(remoteHas(remote, 'refs/heads/main') && remoteHas(remote, 'refs/tags/v1.0.0')).toBe(true);
  });
});

describe('ship gate rules', () => {
  it('refuses while the sprint is halted, even with every prerequisite done', async () => {
    const { repo, remote } = await sprintRepo();
    for (const p of ['review', 'qa', 'security']) expect(as('a', ['claim', p], repo).code).toBe(0);
    writeFileSync(join(repo, 'sec.json'), artifactText('security', { summary: { critical: 1 }, findings: [{ severity: 'critical', description: 'sql injection' }] }));
    expect(as('a', ['complete', 'security', '--artifact', 'sec.json'], repo).code).toBe(0);
    expect(as('a', ['complete', 'review'], repo).code).toBe(0);
    expect(as('a', ['complete', 'qa'], repo).code).toBe(0);
    const r = push(repo, ['main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('halted by security: security found 1 critical and 0 high finding(s) not fixed');
    expect(remoteHas(remote, 'refs/heads/main')).toBe(false);
  });

  it('protects what protected_refs in .git-conductor.json names instead of the defaults', async () => {
    const { repo, remote } = await sprintRepo();
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ protected_refs: ['release/*', 'refs/tags/prod-*'] }));
    expect(push(repo, ['main']).code).toBe(0);
    const release = push(repo, ['main:refs/heads/release/2.0']);
    expect(release.code).not.toBe(0);
    expect(release.stderr).toContain('push of refs/heads/release/2.0 refused');
    gitOk(['tag', 'prod-7'], repo);
    expect(push(repo, ['prod-7']).code).not.toBe(0);
    expect(remoteHas(remote, 'refs/heads/release/2.0') || remoteHas(remote, 'refs/tags/prod-7')).toBe(false);
  });

  it("follows the remote's default branch, and passes everything when no sprint is active", async () => {
    const { repo, remote } = await sprintRepo();
    gitOk(['push', '-q', '--no-verify', 'origin', 'main:trunk'], repo);
    gitOk(['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk'], repo);
    commit(repo, 'a', ['more work']);
    expect(push(repo, ['main:trunk']).code).not.toBe(0);
    expect(push(repo, ['main']).code).toBe(0);
    const fresh = await makeRepo();
    gitOk(['remote', 'add', 'origin', `file://${remote}`], fresh);
    expect(cli(['hooks', 'install'], { cwd: fresh }).code).toBe(0);
    expect(git(['push', 'origin', 'main:refs/heads/other'], fresh, hookEnv()).code).toBe(0);
    expect(readFileSync(join(fresh, '.git', 'hooks', 'pre-push'), 'utf8')).toContain('git-conductor pre-push');
  });

  it('records a push that skipped the hook (--no-verify) at the next push, once, from the reflog', async () => {
    const { repo } = await sprintRepo();
    expect(git(['push', '--no-verify', 'origin', 'main'], repo, hookEnv()).code).toBe(0);
    const skipped = gitOk(['rev-parse', 'HEAD'], repo);
    const next = push(repo, ['main:refs/heads/feature']);
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`an earlier push of refs/heads/main@${skipped} skipped the ship gate`);
    commit(repo, 'a', ['bypassed on purpose']);
    expect(push(repo, ['main'], { CONDUCTOR_SHIP_BYPASS: '1' }).code).toBe(0);
    expect(push(repo, ['main:refs/heads/feature2']).stderr).not.toContain('earlier push');
    const bypasses = cli(['log', '--json'], { cwd: repo }).json.entries.filter((e: any) => e.event === 'bypass');
    expect(bypasses).toHaveLength(2);
    expect(bypasses[0].detail).toMatch(/skipped the ship gate \(--no-verify or CONDUCTOR_HOOKS=0; found in the reflog of refs\/remotes\/origin\/main\) while review not done, security not done, qa not done/);
    expect(bypasses[1].detail).toContain('CONDUCTOR_SHIP_BYPASS=1');
  });
});
