/** Installing next to other hooks: chained, idempotent, reversible to the byte; husky 9; worktrees; other managers. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git, gitRun } from './helpers/git.js';
import { commit, hookEnv, phaseOf } from './helpers/hooks.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { testEnv } from './helpers/env.js';
import { artifactText } from './helpers/artifacts.js';

/** Every file under `dir`: path -> mode and bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[p.slice(dir.length)] = `${(st.mode & 0o777).toString(8)} ${readFileSync(p, 'base64')}`;
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function userHook(file: string, body: string): void {
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

async function readyToShip(repo: string): Promise<void> {
  conductor(['start', '--json'], { cwd: repo, agent: 'b' });
  for (const p of ['think', 'plan', 'build']) {
    conductor(['claim', p, '--json'], { cwd: repo, agent: 'b' });
    conductor(['complete', p, '--json'], { cwd: repo, agent: 'b' });
  }
}

describe('hooks install next to existing hooks', () => {
  it('chains the user pre-commit, post-commit and pre-push hooks, keeps pre-push stdin and exit code, and uninstall restores them byte for byte', async () => {
    const repo = await makeRepo();
    const remote = join(tempDir('conductor-remote-'), 'o.git');
    git(repo, 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', remote);
    git(repo, 'push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/seed'); // not empty: a first push would pass the gate
    const hooks = join(repo, '.git', 'hooks');
    const log = join(repo, '..', `${repo.split('/').pop()}-hooks.log`);
    userHook(join(hooks, 'pre-commit'), `echo pre-commit >> "${log}"`);
    userHook(join(hooks, 'post-commit'), `echo "post-commit $*" >> "${log}"`);
    userHook(join(hooks, 'pre-push'), `echo "pre-push $1" >> "${log}"\ncat >> "${log}"\nif [ -f "${log}.refuse" ]; then exit 7; fi`);
    const before = snapshot(hooks);

    const first = conductor(['hooks', 'install', '--json'], { cwd: repo });
    expect(first.code).toBe(0);
    expect(first.json.hooks.map((h: any) => [h.hook, h.action])).toEqual([
      ['post-commit', 'chained'],
      ['pre-push', 'chained'],
    ]);
    const installed = snapshot(hooks);
    const second = conductor(['hooks', 'install', '--json'], { cwd: repo });
    expect(second.json.hooks.map((h: any) => h.action)).toEqual(['unchanged', 'unchanged']);
    expect(snapshot(hooks)).toEqual(installed);
    expect(conductor(['hooks', 'status', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.state)).toEqual(['installed', 'installed']);

    await readyToShip(repo);
    conductor(['claim', 'review', '--json'], { cwd: repo, agent: 'r' });
    expect(
      commit(repo, 'r', ['review', 'Conductor-Phase: review'], { 'a.txt': 'a', '.conductor/review.json': artifactText('review') }).code,
    ).toBe(0);
    expect(phaseOf(repo, 'review').state).toBe('done');
    const head = git(repo, 'rev-parse', 'HEAD');

    // The user's pre-push still sees every stdin line; the gate refuses main (qa, security missing).
    const refused = gitRun(repo, ['push', 'origin', 'main', 'main:refs/heads/topic'], { env: hookEnv() });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('push of refs/heads/main refused');
    const topic = gitRun(repo, ['push', 'origin', 'main:refs/heads/topic'], { env: hookEnv() });
    expect(topic.code).toBe(0);
    // And the user's own refusal still counts, with its exit code.
    writeFileSync(`${log}.refuse`, '');
    const own = gitRun(repo, ['push', 'origin', 'main:refs/heads/topic2'], { env: hookEnv() });
    expect(own.code).not.toBe(0);
    expect(gitRun(remote, ['rev-parse', '--verify', '-q', 'refs/heads/topic2']).code).not.toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines).toContain('pre-commit');
    expect(lines).toContain('post-commit ');
    expect(lines).toContain(`refs/heads/main ${head} refs/heads/topic 0000000000000000000000000000000000000000`);
    expect(lines).toContain(`refs/heads/main ${head} refs/heads/topic2 0000000000000000000000000000000000000000`);
    expect(lines.filter((l) => l === 'pre-push origin')).toHaveLength(2); // not run for the refused push: the gate went first

    const un = conductor(['hooks', 'uninstall', '--json'], { cwd: repo });
    expect(un.json.hooks.map((h: any) => h.action)).toEqual(['restored', 'restored']);
    expect(snapshot(hooks)).toEqual(before);
  });

  it('installs into the common hooks directory from a second worktree, and hooks fire there', async () => {
    const repo = await makeRepo();
    const wt = join(tempDir('conductor-wt-'), 'second');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', wt);
    const r = conductor(['hooks', 'install', '--json'], { cwd: wt });
    expect(r.json.hooks_dir).toBe(join(repo, '.git', 'hooks'));
    await readyToShip(repo);
    conductor(['claim', 'qa', '--json'], { cwd: wt, agent: 'w' });
    const c = commit(wt, 'w', ['qa from the worktree', 'Conductor-Phase: qa'], {
      '.conductor/qa.json': artifactText('qa', { summary: { status: 'pass', tests_run: 3, tests_passed: 3, tests_failed: 0 } }),
    });
    expect(c.stderr).toContain('completed qa with .conductor/qa.json');
    expect(phaseOf(repo, 'qa').commit).toBe(git(wt, 'rev-parse', 'HEAD'));
    expect(conductor(['hooks', 'uninstall', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.action)).toEqual(['removed', 'removed']);
    expect(readdirSync(join(repo, '.git', 'hooks')).filter((f) => !f.endsWith('.sample'))).toEqual([]);
  });

  it('honours core.hooksPath', async () => {
    const repo = await makeRepo();
    git(repo, 'config', 'core.hooksPath', '.githooks');
    const r = conductor(['hooks', 'install', '--json'], { cwd: repo });
    expect(r.json.hooks_dir).toBe(join(repo, '.githooks'));
    expect(existsSync(join(repo, '.githooks', 'pre-push'))).toBe(true);
    expect(existsSync(join(repo, '.git', 'hooks', 'pre-push'))).toBe(false);
  });

  it('writes nothing under lefthook and prints the exact lines to add', async () => {
    const repo = await makeRepo();
    writeFileSync(join(repo, 'lefthook.yml'), 'pre-commit:\n  commands: {}\n');
    const before = snapshot(join(repo, '.git', 'hooks'));
    const r = conductor(['hooks', 'install'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('lefthook manages this repository');
    expect(r.stdout).toContain('run: git-conductor hook pre-push {1} {2}');
    expect(r.stdout).toContain('use_stdin: true');
    expect(snapshot(join(repo, '.git', 'hooks'))).toEqual(before);
  });
});

describe('hooks install with husky 9', () => {
  it('adds a marked block to the tracked .husky scripts, keeps the user pre-push and its stdin, and uninstall restores .husky exactly', async () => {
    const repo = await makeRepo();
    writeFileSync(join(repo, 'package.json'), '{"name":"app","private":true}\n');
    const husky = spawnSync(process.execPath, [resolve(__dirname, '../node_modules/husky/bin.js')], {
      cwd: repo,
      env: testEnv(),
      encoding: 'utf8',
    });
    expect(husky.status).toBe(0);
    expect(git(repo, 'config', 'core.hooksPath')).toBe('.husky/_');
    const log = join(repo, '..', `${repo.split('/').pop()}-husky.log`);
    writeFileSync(join(repo, '.husky', 'pre-commit'), `echo husky-pre-commit >> "${log}"\n`);
    writeFileSync(join(repo, '.husky', 'pre-push'), `#!/usr/bin/env sh\nwhile read -r l; do echo "user saw $l" >> "${log}"; done\n`);
    const before = snapshot(join(repo, '.husky'));

    const r = conductor(['hooks', 'install', '--json'], { cwd: repo });
    expect(r.json.mode).toBe('husky');
    expect(r.json.hooks.map((h: any) => [h.hook, h.action])).toEqual([
      ['post-commit', 'created'],
      ['pre-push', 'chained'],
    ]);
    expect(conductor(['hooks', 'install', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.action)).toEqual([
      'unchanged',
      'unchanged',
    ]);
    expect(readFileSync(join(repo, '.husky', 'pre-push'), 'utf8')).toMatch(/^#!\/usr\/bin\/env sh\n# >>> git-conductor pre-push\n/);
    expect(existsSync(join(repo, '.husky', '_', 'pre-push.pre-conductor'))).toBe(false);

    await readyToShip(repo);
    conductor(['claim', 'review', '--json'], { cwd: repo, agent: 'r' });
    const c = commit(repo, 'r', ['review', 'Conductor-Phase: review'], { '.conductor/review.json': artifactText('review') });
    expect(c.code).toBe(0);
    expect(phaseOf(repo, 'review').state).toBe('done');
    const remote = join(tempDir('conductor-remote-'), 'o.git');
    git(repo, 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', remote);
    git(repo, 'push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/seed'); // not empty: a first push would pass the gate
    const refused = gitRun(repo, ['push', 'origin', 'main'], { env: hookEnv() });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('push of refs/heads/main refused');
    expect(refused.stdout).toContain('husky - pre-push script failed (code 4)');
    expect(gitRun(repo, ['push', 'origin', 'main:refs/heads/feature'], { env: hookEnv() }).code).toBe(0);
    const seen = readFileSync(log, 'utf8');
    expect(seen).toContain('husky-pre-commit');
    expect(seen).toContain(
      `user saw refs/heads/main ${git(repo, 'rev-parse', 'HEAD')} refs/heads/feature 0000000000000000000000000000000000000000`,
    );

    expect(conductor(['hooks', 'uninstall', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.action)).toEqual([
      'removed',
      'restored',
    ]);
    expect(snapshot(join(repo, '.husky'))).toEqual(before);
  });
});
