/** init, deinit and doctor: the coordination remote and the hooks set up, reversed and checked. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git, hasRef } from './helpers/git.js';
import { makeBare, makeClone, serverHook } from './helpers/remote.js';
import { makeRepo, tempDir } from './helpers/repo.js';

async function repoWithRemote(): Promise<string> {
  const bare = join(tempDir(), 'origin.git');
  git(tempDir(), 'init', '-q', '--bare', bare);
  const repo = await makeRepo();
  git(repo, 'remote', 'add', 'origin', `file://${bare}`);
  return repo;
}

describe('init and the hooks', () => {
  it('installs the post-commit and pre-push hooks, and init twice changes nothing', async () => {
    const repo = await repoWithRemote();
    const first = conductor(['init', '--json'], { cwd: repo });
    expect(first.code).toBe(0);
    expect(first.json.hooks.hooks.map((h: { hook: string }) => h.hook).sort()).toEqual(['post-commit', 'pre-push']);
    for (const h of ['post-commit', 'pre-push']) expect(existsSync(join(repo, '.git', 'hooks', h))).toBe(true);
    const again = conductor(['init', '--json'], { cwd: repo });
    expect(again.code).toBe(0);
    expect(again.json.added_refspec).toBe(false);
    expect(git(repo, 'config', '--get-all', 'remote.origin.fetch').split('\n')).toHaveLength(2);
  });

  it('--no-hooks leaves the hooks directory alone', async () => {
    const repo = await repoWithRemote();
    const r = conductor(['init', '--no-hooks', '--json'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.json.hooks).toBeUndefined();
    expect(existsSync(join(repo, '.git', 'hooks', 'post-commit'))).toBe(false);
  });

  it('deinit removes the hooks init installed (an earlier hook comes back as it was), unless --keep-hooks', async () => {
    const repo = await repoWithRemote();
    const own = '#!/bin/sh\necho mine\n';
    writeFileSync(join(repo, '.git', 'hooks', 'pre-push'), own, { mode: 0o755 });
    expect(conductor(['init'], { cwd: repo }).code).toBe(0);
    const out = conductor(['deinit'], { cwd: repo });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('no longer coordinating through origin');
    expect(out.stdout).toMatch(/post-commit\s+removed/);
    expect(existsSync(join(repo, '.git', 'hooks', 'post-commit'))).toBe(false);
    expect(readFileSync(join(repo, '.git', 'hooks', 'pre-push'), 'utf8')).toBe(own);
    expect(conductor(['init'], { cwd: repo }).code).toBe(0);
    const kept = conductor(['deinit', '--keep-hooks', '--json'], { cwd: repo });
    expect(kept.code).toBe(0);
    expect(kept.json.hooks).toBeUndefined();
    expect(readFileSync(join(repo, '.git', 'hooks', 'post-commit'), 'utf8')).toContain('git-conductor');
  });
});

describe('init, deinit and doctor with a remote', () => {
  it('init is idempotent, deinit reverses it; doctor detects a host refusing custom refs and the fallback namespace works', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    expect(a.run(['init']).json.added_refspec).toBe(false);
    expect(
      a
        .git(['config', '--get-all', 'remote.origin.fetch'])
        .split('\n')
        .filter((l) => l.includes('conductor')),
    ).toHaveLength(1);
    expect(a.run(['doctor']).json.ok).toBe(true);
    serverHook(
      bare,
      'pre-receive',
      `while read old new ref; do case "$ref" in refs/conductor/*) echo "custom refs are not allowed" >&2; exit 1;; esac; done; exit 0`,
    );
    const d = a.run(['doctor']);
    expect(d.code).toBe(1);
    expect(d.json.ok).toBe(false);
    expect(JSON.stringify(d.json.checks)).toContain('--namespace refs/heads/conductor');
    const refused = a.run(['start']);
    expect(refused.code).toBe(5);
    expect(refused.json.error.code).toBe('E_REMOTE_REFUSED');
    expect(a.run(['init', '--namespace', 'refs/heads/conductor']).code).toBe(0);
    expect(a.run(['doctor']).json.ok).toBe(true);
    const sprintId = a.run(['start']).json.sprint_id;
    expect(a.run(['claim', 'think']).code).toBe(0);
    expect(hasRef(bare, `refs/heads/conductor/sprints/${sprintId}/phases/think`)).toBe(true);
    const b = makeClone(url, 'bob', { init: false });
    expect(b.run(['init', '--namespace', 'refs/heads/conductor']).code).toBe(0);
    expect(b.run(['status']).json.phases.think.agent).toBe('alice');
    const off = b.run(['deinit']);
    expect(off.json.deleted_tracking_refs).toBeGreaterThan(0);
    expect(b.git(['config', '--get-all', 'remote.origin.fetch'])).not.toContain('conductor');
    expect(b.git(['for-each-ref', 'refs/conductor-remotes'])).toBe('');
    expect(b.run(['status']).json.remote).toBeUndefined();
  });
});

describe('doctor', () => {
  it('refuses a malformed remote name with exit 2', async () => {
    const r = conductor(['doctor', '--remote', 'a b', '--json'], { cwd: await makeRepo() });
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('E_BAD_REMOTE');
  });
});
