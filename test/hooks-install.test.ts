/** Installing next to other hooks: chained, idempotent, reversible to the byte; husky 9; worktrees; other managers. */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { as, commit, git, gitOk, hookEnv, phaseOf } from './helpers/hooks.js';
import { cli, makeRepo, tempDir } from './helpers/repo.js';
import { artifactText } from './helpers/artifacts.js';
import { testEnv } from './helpers/env.js';

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
  as('b', ['start'], repo);
  for (const p of ['think', 'plan', 'build']) {
    as('b', ['claim', p], repo);
    as('b', ['complete', p], repo);
  }
}

describe('hooks install next to existing hooks', () => {
  it('chains the user pre-commit, post-commit and pre-push hooks, keeps pre-push stdin and exit code, and uninstall restores them byte for byte', async () => {
    const repo = await makeRepo();
    const remote = join(tempDir('conductor-remote-'), 'o.git');
    gitOk(['init', '-q', '--bare', remote], repo);
    gitOk(['remote', 'add', 'origin', remote], repo);
    const hooks = join(repo, '.git', 'hooks');
    const log = join(repo, '..', `${repo.split('/').pop()}-hooks.log`);
    userHook(join(hooks, 'pre-commit'), `echo pre-commit >> "${log}"`);
    userHook(join(hooks, 'post-commit'), `echo "post-commit $*" >> "${log}"`);
    userHook(join(hooks, 'pre-push'), `echo "pre-push $1" >> "${log}"\ncat >> "${log}"\nif [ -f "${log}.refuse" ]; then exit 7; fi`);
    const before = snapshot(hooks);

    const first = cli(['hooks', 'install', '--json'], { cwd: repo });
    expect(first.code).toBe(0);
    expect(first.json.hooks.map((h: any) => [h.hook, h.action])).toEqual([['post-commit', 'chained'], ['pre-push', 'chained']]);
    const installed = snapshot(hooks);
    const second = cli(['hooks', 'install', '--json'], { cwd: repo });
    expect(second.json.hooks.map((h: any) => h.action)).toEqual(['unchanged', 'unchanged']);
    expect(snapshot(hooks)).toEqual(installed);
    expect(cli(['hooks', 'status', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.state)).toEqual(['installed', 'installed']);

    await readyToShip(repo);
    as('r', ['claim', 'review'], repo);
    expect(commit(repo, 'r', ['review', 'Conductor-Phase: review'], { 'a.txt': 'a' }).code).toBe(0);
    expect(phaseOf(repo, 'review').state).toBe('done');
    const head = gitOk(['rev-parse', 'HEAD'], repo);

    // The user's pre-push still sees every stdin line; the gate refuses main (qa, security missing).
    const refused = git(['push', 'origin', 'main', 'main:refs/heads/topic'], repo, hookEnv());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('push of refs/heads/main refused');
    const topic = git(['push', 'origin', 'main:refs/heads/topic'], repo, hookEnv());
    expect(topic.code).toBe(0);
    // And the user's own refusal still counts, with its exit code.
    writeFileSync(`${log}.refuse`, '');
    const own = git(['push', 'origin', 'main:refs/heads/topic2'], repo, hookEnv());
    expect(own.code).not.toBe(0);
    expect(git(['rev-parse', '--verify', '-q', 'refs/heads/topic2'], remote).code).not.toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines).toContain('pre-commit');
    expect(lines).toContain('post-commit ');
    expect(lines).toContain(`refs/heads/main ${head} refs/heads/topic 0000000000000000000000000000000000000000`);
    expect(lines).toContain(`refs/heads/main ${head} refs/heads/topic2 0000000000000000000000000000000000000000`);
    expect(lines.filter((l) => l === 'pre-push origin')).toHaveLength(2); // not run for the refused push: the gate went first

    const un = cli(['hooks', 'uninstall', '--json'], { cwd: repo });
    expect(un.json.hooks.map((h: any) => h.action)).toEqual(['restored', 'restored']);
    expect(snapshot(hooks)).toEqual(before);
  });

  it('installs into the common hooks directory from a second worktree, and hooks fire there', async () => {
    const repo = await makeRepo();
    const wt = join(tempDir('conductor-wt-'), 'second');
    gitOk(['worktree', 'add', '-q', '-b', 'side', wt], repo);
    const r = cli(['hooks', 'install', '--json'], { cwd: wt });
    expect(r.json.hooks_dir).toBe(join(repo, '.git', 'hooks'));
    await readyToShip(repo);
    as('w', ['claim', 'qa'], wt);
    const c = commit(wt, 'w', ['qa from the worktree', 'Conductor-Phase: qa'], { '.conductor/qa.json': artifactText('qa', { summary: { status: 'pass', tests_run: 3, tests_passed: 3, tests_failed: 0 } }) });
    expect(c.stderr).toContain('completed qa with .conductor/qa.json');
    expect(phaseOf(repo, 'qa').commit).toBe(gitOk(['rev-parse', 'HEAD'], wt));
    expect(cli(['hooks', 'uninstall', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.action)).toEqual(['removed', 'removed']);
    expect(readdirSync(join(repo, '.git', 'hooks')).filter((f) => !f.endsWith('.sample'))).toEqual([]);
  });

  it('honours core.hooksPath', async () => {
    const repo = await makeRepo();
    gitOk(['config', 'core.hooksPath', '.githooks'], repo);
    const r = cli(['hooks', 'install', '--json'], { cwd: repo });
    expect(r.json.hooks_dir).toBe(join(repo, '.githooks'));
    expect(existsSync(join(repo, '.githooks', 'pre-push'))).toBe(true);
    expect(existsSync(join(repo, '.git', 'hooks', 'pre-push'))).toBe(false);
  });

  it('writes nothing under lefthook and prints the exact lines to add', async () => {
    const repo = await makeRepo();
    writeFileSync(join(repo, 'lefthook.yml'), 'pre-commit:\n  commands: {}\n');
    const before = snapshot(join(repo, '.git', 'hooks'));
    const r = cli(['hooks', 'install'], { cwd: repo });
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
    const husky = spawnSync(process.execPath, [resolve(__dirname, '../node_modules/husky/bin.js')], { cwd: repo, env: testEnv(), encoding: 'utf8' });
    expect(husky.status).toBe(0);
    expect(gitOk(['config', 'core.hooksPath'], repo)).toBe('.husky/_');
    const log = join(repo, '..', `${repo.split('/').pop()}-husky.log`);
    writeFileSync(join(repo, '.husky', 'pre-commit'), `echo husky-pre-commit >> "${log}"\n`);
    writeFileSync(join(repo, '.husky', 'pre-push'), `#!/usr/bin/env sh\nwhile read -r l; do echo "user saw $l" >> "${log}"; done\n`);
    const before = snapshot(join(repo, '.husky'));

    const r = cli(['hooks', 'install', '--json'], { cwd: repo });
    expect(r.json.mode).toBe('husky');
    expect(r.json.hooks.map((h: any) => [h.hook, h.action])).toEqual([['post-commit', 'created'], ['pre-push', 'chained']]);
    expect(cli(['hooks', 'install', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.action)).toEqual(['unchanged', 'unchanged']);
    expect(readFileSync(join(repo, '.husky', 'pre-push'), 'utf8')).toMatch(/^#!\/usr\/bin\/env sh\n# >>> git-conductor pre-push\n/);
    expect(existsSync(join(repo, '.husky', '_', 'pre-push.pre-conductor'))).toBe(false);

    await readyToShip(repo);
    as('r', ['claim', 'review'], repo);
    const c = commit(repo, 'r', ['review', 'Conductor-Phase: review'], { '.conductor/review.json': artifactText('review') });
    expect(c.code).toBe(0);
    expect(phaseOf(repo, 'review').state).toBe('done');
    const remote = join(tempDir('conductor-remote-'), 'o.git');
    gitOk(['init', '-q', '--bare', remote], repo);
    gitOk(['remote', 'add', 'origin', remote], repo);
    const refused = git(['push', 'origin', 'main'], repo, hookEnv());
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('push of refs/heads/main refused');
    expect(refused.stdout).toContain('husky - pre-push script failed (code 4)');
    expect(git(['push', 'origin', 'main:refs/heads/feature'], repo, hookEnv()).code).toBe(0);
    const seen = readFileSync(log, 'utf8');
    expect(seen).toContain('husky-pre-commit');
    expect(seen).toContain(`user saw refs/heads/main ${gitOk(['rev-parse', 'HEAD'], repo)} refs/heads/feature 0000000000000000000000000000000000000000`);

    expect(cli(['hooks', 'uninstall', '--json'], { cwd: repo }).json.hooks.map((h: any) => h.action)).toEqual(['removed', 'restored']);
    expect(snapshot(join(repo, '.husky'))).toEqual(before);
  });
});
