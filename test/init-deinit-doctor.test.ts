import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git } from './helpers/git.js';
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
