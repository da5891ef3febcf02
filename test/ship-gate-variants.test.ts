/**
 * The ship gate on every way a push can reach the release branch: a default branch that is not main/master (by
 * URL, by a second remote), `master:main` with no origin/HEAD, a stale view of the coordination remote, and
 * core.hooksPath moved after install (locally, globally, per worktree). Real git: bare remotes, `git push` with
 * the installed hooks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git, gitRun, hasRef } from './helpers/git.js';
import { hookEnv } from './helpers/hooks.js';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';
import { tempDir } from './helpers/repo.js';
import { auditEvents } from './helpers/state.js';
import { artifactText } from './helpers/artifacts.js';

const REFUSED = /push of refs\/heads\/\S+ refused: sprint \S+ is not ready to ship/;

/** A work repository on `branch` pushed once (before any gate) to a bare remote whose HEAD is `remoteHead`; hooks installed; a sprint started. */
function repoOn(branch: string, remoteHead: string, env: Record<string, string> = {}) {
  const { bare, url } = makeBare();
  git(bare, 'symbolic-ref', 'HEAD', `refs/heads/${remoteHead}`);
  const repo = join(tempDir(), 'work');
  git('/', 'init', '-q', '-b', branch, repo);
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'initial');
  git(repo, 'remote', 'add', 'origin', url);
  git(repo, 'push', '-q', 'origin', `${branch}:${remoteHead}`);
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'more work');
  const cli = (...args: string[]) => conductor([...args, '--json'], { cwd: repo, agent: 'ann', env });
  expect(cli('hooks', 'install').code).toBe(0);
  expect(cli('start').code).toBe(0);
  const push = (...args: string[]) => gitRun(repo, ['push', ...args], { env: hookEnv({ CONDUCTOR_AGENT: 'ann', ...env }) });
  return { bare, url, repo, cli, push };
}

describe('the ship gate knows the destination its push goes to', () => {
  it("refuses a push to the remote's default branch `trunk` by raw URL, which no local config names", () => {
    const r = repoOn('trunk', 'trunk');
    const before = git(r.bare, 'rev-parse', 'refs/heads/trunk');
    const refused = r.push(r.url, 'trunk');
    expect(refused.code, refused.stderr).not.toBe(0);
    expect(refused.stderr).toMatch(REFUSED);
    expect(git(r.bare, 'rev-parse', 'refs/heads/trunk')).toBe(before);
    // Other branches still pass.
    expect(r.push(r.url, 'trunk:refs/heads/feature').code).toBe(0);
  });

  it('refuses the same push through a second remote to the same repository', () => {
    const r = repoOn('trunk', 'trunk');
    git(r.repo, 'remote', 'add', 'mirror', r.url);
    const refused = r.push('mirror', 'trunk');
    expect(refused.code, refused.stderr).not.toBe(0);
    expect(refused.stderr).toMatch(REFUSED);
    const viaOrigin = r.push('origin', 'trunk');
    expect(viaOrigin.code).not.toBe(0);
  });

  it('judges `master:main` with no origin/HEAD by the ref it updates on the remote', () => {
    const r = repoOn('master', 'main');
    expect(gitRun(r.repo, ['symbolic-ref', '-q', 'refs/remotes/origin/HEAD']).code).not.toBe(0);
    const refused = r.push('origin', 'master:main');
    expect(refused.code, refused.stderr).not.toBe(0);
    expect(refused.stderr).toContain('push of refs/heads/main refused');
  });
});

const done = (c: Clone, phase: string) => {
  mkdirSync(join(c.dir, '.conductor'), { recursive: true });
  writeFileSync(join(c.dir, '.conductor', `${phase}.json`), artifactText(phase));
  expect(c.run(['claim', phase]).code).toBe(0);
  expect(c.run(['complete', phase, '--artifact', `.conductor/${phase}.json`]).code).toBe(0);
};

describe('the ship gate never allows on a stale view', () => {
  it('fetches before allowing: a clone that last saw a sprint ready to ship is refused once a teammate started a new one', () => {
    const { bare, url } = makeBare();
    const alice = makeClone(url, 'alice');
    const bob = makeClone(url, 'bob');
    // The remote already has a branch: a first push to an empty remote is let through on purpose (pre-push.ts).
    alice.git(['push', '-q', 'origin', 'HEAD:refs/heads/seed']);
    expect(alice.run(['start']).code).toBe(0);
    for (const p of ['think', 'plan', 'build', 'review', 'qa', 'security']) done(alice, p);
    const seen = bob.run(['status', '--fetch']);
    expect(seen.json.phases.security.state).toBe('done');
    const second = alice.run(['start']);
    expect(second.code).toBe(0);
    const branch = bob.git(['rev-parse', '--abbrev-ref', 'HEAD']);
    const refused = gitRun(bob.dir, ['push', 'origin', branch], { env: hookEnv({ CONDUCTOR_AGENT: 'bob' }) });
    expect(refused.code, refused.stderr).not.toBe(0);
    expect(refused.stderr).toContain(`sprint ${second.json.sprint_id} is not ready to ship`);
    expect(hasRef(bare, `refs/heads/${branch}`)).toBe(false);
  });
});

describe('the fetch before allowing is bounded by the hook budget', () => {
  it('a coordination remote that hangs on fetch: the push is judged on the last fetched view within CONDUCTOR_HOOK_TIMEOUT_MS, and says so', () => {
    const { url } = makeBare();
    const alice = makeClone(url, 'alice');
    alice.git(['push', '-q', 'origin', 'HEAD:refs/heads/seed']);
    expect(alice.run(['start']).code).toBe(0);
    // Fetches from origin hang; pushes go to the real repository.
    alice.git(['config', 'protocol.ext.allow', 'always']);
    alice.git(['remote', 'set-url', 'origin', 'ext::sh -c exec% sleep% 12% 2>/dev/null% </dev/null']);
    alice.git(['remote', 'set-url', '--push', 'origin', url]);
    const branch = alice.git(['rev-parse', '--abbrev-ref', 'HEAD']);
    const t0 = Date.now();
    const r = gitRun(alice.dir, ['push', 'origin', branch], {
      env: hookEnv({ CONDUCTOR_AGENT: 'alice', CONDUCTOR_HOOK_TIMEOUT_MS: '2000' }),
    });
    const took = Date.now() - t0;
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toContain('not ready to ship');
    expect(r.stderr).toContain('judged on the last fetched view');
    expect(took).toBeGreaterThan(1500);
    expect(took).toBeLessThan(10_000);
  }, 60_000);
});

describe('core.hooksPath moved after install is noticed', () => {
  const expectNoticed = (r: { cli: (...a: string[]) => { stderr: string; json: any } }, repo: string) => {
    const s = r.cli('status');
    expect(s.stderr).toMatch(/warning: git now runs hooks from \S+ \(core\.hooksPath\), not \S+: .*hooks install/);
    const doc = r.cli('doctor');
    expect(doc.json.checks.find((c: { name: string }) => c.name === 'hooks')).toMatchObject({ ok: false });
    expect(auditEvents(repo).filter((e) => e.event === 'hooks')).toHaveLength(1);
    // Reported on every command until fixed, audited once; install again fixes it.
    expect(r.cli('status').stderr).toMatch(/warning: git now runs hooks/);
    expect(r.cli('hooks', 'install').code).toBe(0);
    expect(r.cli('status').stderr).not.toMatch(/warning/);
    expect(auditEvents(repo).filter((e) => e.event === 'hooks')).toHaveLength(1);
  };

  it('in the local config', () => {
    const r = repoOn('main', 'main');
    git(r.repo, 'config', 'core.hooksPath', join(tempDir(), 'elsewhere'));
    expectNoticed(r, r.repo);
  });

  it('in the global config', () => {
    const global = join(tempDir(), 'gitconfig');
    writeFileSync(global, '');
    const r = repoOn('main', 'main', { GIT_CONFIG_GLOBAL: global });
    expect(r.cli('status').stderr).not.toMatch(/warning/);
    gitRun(r.repo, ['config', '--global', 'core.hooksPath', join(tempDir(), 'elsewhere')], { env: { GIT_CONFIG_GLOBAL: global } });
    expectNoticed(r, r.repo);
  });

  it('in one worktree only: that worktree is told, the others are not', () => {
    const r = repoOn('main', 'main');
    const wt = join(tempDir(), 'wt2');
    git(r.repo, 'worktree', 'add', '-q', '-b', 'side', wt);
    git(r.repo, 'config', 'extensions.worktreeConfig', 'true');
    expect(r.cli('status').stderr).not.toMatch(/warning/);
    git(wt, 'config', '--worktree', 'core.hooksPath', join(tempDir(), 'elsewhere'));
    expect(r.cli('status').stderr).not.toMatch(/warning/);
    const there = conductor(['status', '--json'], { cwd: wt, agent: 'ann' });
    expect(there.stderr).toMatch(/warning: git now runs hooks from \S+elsewhere/);
  });
});
