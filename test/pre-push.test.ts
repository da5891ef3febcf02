/** pre-push: the ship gate refuses protected refs until review, qa and security are done. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git, gitRun, hasRef } from './helpers/git.js';
import { commit, hookEnv, sprintRepo } from './helpers/hooks.js';
import { makeRepo } from './helpers/repo.js';
import { artifactText, exampleFile } from './helpers/artifacts.js';

const push = (repo: string, args: string[], env: Record<string, string | undefined> = {}) =>
  gitRun(repo, ['push', 'origin', ...args], { env: hookEnv({ CONDUCTOR_AGENT: 'shipper', ...env }) });

describe('pre-push ship gate', () => {
  let repo: string;
  let remote: string;
  beforeAll(async () => {
    ({ repo, remote } = await sprintRepo());
    expect(conductor(['claim', 'review', '--json'], { cwd: repo, agent: 'rita' }).code).toBe(0);
  });

  it('refuses the default branch and v* tags while review, qa and security are not done, naming who holds what', () => {
    const r = push(repo, ['main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('push of refs/heads/main refused');
    expect(r.stderr).toMatch(/review: running, held by rita@\S+ since/);
    expect(r.stderr).toContain('security: ready, nobody holds it');
    expect(r.stderr).toContain('qa: ready, nobody holds it');
    expect(r.stderr).toContain('git-conductor - pre-push failed (code 4)');
    expect(hasRef(remote, 'refs/heads/main')).toBe(false);
    git(repo, 'tag', 'v1.0.0');
    expect(push(repo, ['v1.0.0']).code).not.toBe(0);
    expect(hasRef(remote, 'refs/tags/v1.0.0')).toBe(false);
  });

  it('never gates other branches, other tags or conductor refs', () => {
    expect(push(repo, ['main:refs/heads/feature/x']).code).toBe(0);
    git(repo, 'tag', 'nightly-1');
    expect(push(repo, ['nightly-1']).code).toBe(0);
    expect(push(repo, ['main:refs/conductor/probe']).code).toBe(0);
    expect(hasRef(remote, 'refs/heads/feature/x') && hasRef(remote, 'refs/tags/nightly-1') && hasRef(remote, 'refs/conductor/probe')).toBe(
      true,
    );
  });

  it('lets a deliberate bypass through and records it in the audit log', () => {
    const r = push(repo, ['main:refs/heads/main'], { CONDUCTOR_SHIP_BYPASS: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ship gate bypassed for refs/heads/main');
    const bypass = conductor(['log', '--json'], { cwd: repo }).json.entries.filter((e: any) => e.event === 'bypass');
    expect(bypass).toHaveLength(1);
    expect(bypass[0]).toMatchObject({ phase: 'ship', agent: 'shipper' });
    expect(bypass[0].detail).toMatch(/push of refs\/heads\/main@[0-9a-f]{40} to origin while review: running/);
    // Take it back so the next test starts from an unshipped remote.
    git(repo, 'push', '-q', '--no-verify', 'origin', ':refs/heads/main');
  });

  it('fails closed when the CLI cannot be found, and CONDUCTOR_HOOKS=0 skips the gate', () => {
    git(repo, 'config', '--unset', 'conductor.cli');
    const r = gitRun(repo, ['push', 'origin', 'main'], { env: hookEnv({}, { cli: false }) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('so the ship gate cannot check this push');
    expect(r.stderr).toContain('CONDUCTOR_HOOKS=0');
    expect(hasRef(remote, 'refs/heads/main')).toBe(false);
    const off = gitRun(repo, ['push', 'origin', 'main'], { env: hookEnv({ CONDUCTOR_HOOKS: '0' }, { cli: false }) });
    expect(off.code).toBe(0);
    expect(hasRef(remote, 'refs/heads/main')).toBe(true);
    git(repo, 'push', '-q', '--no-verify', 'origin', ':refs/heads/main');
  });

  it('allows the push once review, qa and security are done', () => {
    expect(commit(repo, 'rita', ['review', 'Conductor-Phase: review'], { '.conductor/review.json': artifactText('review') }).code).toBe(0);
    for (const p of ['qa', 'security']) {
      expect(conductor(['claim', p, '--json'], { cwd: repo, agent: 'tess' }).code).toBe(0);
      expect(conductor(['complete', p, '--artifact', exampleFile(repo, p), '--json'], { cwd: repo, agent: 'tess' }).code).toBe(0);
    }
    const r = push(repo, ['main', 'v1.0.0']);
    expect(r.stderr).not.toContain('refused');
    expect(r.code).toBe(0);
    expect(hasRef(remote, 'refs/heads/main') && hasRef(remote, 'refs/tags/v1.0.0')).toBe(true);
  });
});

describe('ship gate rules', () => {
  it('refuses while the sprint is halted, even with every prerequisite done', async () => {
    const { repo, remote } = await sprintRepo();
    for (const p of ['review', 'qa', 'security']) expect(conductor(['claim', p, '--json'], { cwd: repo, agent: 'a' }).code).toBe(0);
    writeFileSync(
      join(repo, 'sec.json'),
      artifactText('security', { summary: { critical: 1 }, findings: [{ severity: 'critical', description: 'sql injection' }] }),
    );
    expect(conductor(['complete', 'security', '--artifact', 'sec.json', '--json'], { cwd: repo, agent: 'a' }).code).toBe(0);
    expect(conductor(['complete', 'review', '--artifact', exampleFile(repo, 'review'), '--json'], { cwd: repo, agent: 'a' }).code).toBe(0);
    expect(conductor(['complete', 'qa', '--artifact', exampleFile(repo, 'qa'), '--json'], { cwd: repo, agent: 'a' }).code).toBe(0);
    const r = push(repo, ['main']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('halted by security: security found 1 critical and 0 high finding(s) not fixed');
    expect(hasRef(remote, 'refs/heads/main')).toBe(false);
  });

  it('protects what protected_refs in .git-conductor.json names instead of the defaults', async () => {
    const { repo, remote } = await sprintRepo();
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ protected_refs: ['release/*', 'refs/tags/prod-*'] }));
    expect(push(repo, ['main']).code).toBe(0);
    const release = push(repo, ['main:refs/heads/release/2.0']);
    expect(release.code).not.toBe(0);
    expect(release.stderr).toContain('push of refs/heads/release/2.0 refused');
    git(repo, 'tag', 'prod-7');
    expect(push(repo, ['prod-7']).code).not.toBe(0);
    expect(hasRef(remote, 'refs/heads/release/2.0') || hasRef(remote, 'refs/tags/prod-7')).toBe(false);
  });

  it("follows the remote's default branch besides main and master, and passes everything when no sprint is active", async () => {
    const { repo, remote } = await sprintRepo();
    git(repo, 'push', '-q', '--no-verify', 'origin', 'main:trunk');
    git(repo, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    commit(repo, 'a', ['more work']);
    expect(push(repo, ['main:trunk']).code).not.toBe(0);
    // main and master stay protected beside the remote's own default branch: naming more never lets a push through.
    expect(push(repo, ['main']).code).not.toBe(0);
    expect(push(repo, ['main:refs/heads/side']).code).toBe(0);
    const fresh = await makeRepo();
    git(fresh, 'remote', 'add', 'origin', `file://${remote}`);
    expect(conductor(['hooks', 'install'], { cwd: fresh }).code).toBe(0);
    expect(gitRun(fresh, ['push', 'origin', 'main:refs/heads/other'], { env: hookEnv() }).code).toBe(0);
    expect(readFileSync(join(fresh, '.git', 'hooks', 'pre-push'), 'utf8')).toContain('git-conductor pre-push');
  });

  it('records a push that skipped the hook (--no-verify) at the next push, once, from the reflog', async () => {
    const { repo } = await sprintRepo();
    expect(gitRun(repo, ['push', '--no-verify', 'origin', 'main'], { env: hookEnv() }).code).toBe(0);
    const skipped = git(repo, 'rev-parse', 'HEAD');
    const next = push(repo, ['main:refs/heads/feature']);
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`an earlier push of refs/heads/main@${skipped} skipped the ship gate`);
    commit(repo, 'a', ['bypassed on purpose']);
    expect(push(repo, ['main'], { CONDUCTOR_SHIP_BYPASS: '1' }).code).toBe(0);
    expect(push(repo, ['main:refs/heads/feature2']).stderr).not.toContain('earlier push');
    const bypasses = conductor(['log', '--json'], { cwd: repo }).json.entries.filter((e: any) => e.event === 'bypass');
    expect(bypasses).toHaveLength(2);
    expect(bypasses[0].detail).toMatch(
      /skipped the ship gate \(--no-verify or CONDUCTOR_HOOKS=0; found in the reflog of refs\/remotes\/origin\/main\) while review not done, security not done, qa not done/,
    );
    expect(bypasses[1].detail).toContain('CONDUCTOR_SHIP_BYPASS=1');
  });
});
