/** Reading refs and writing objects straight from and to the git directory: the same results as git itself. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classicLayout } from '../src/git/files-layout.js';
import { readRefs } from '../src/git/ref-files.js';
import { writeCommit } from '../src/remote/objects.js';
import { git } from './helpers/git.js';
import { makeRepo } from './helpers/repo.js';

const PREFIX = 'refs/conductor-remotes/origin/';

describe('reading refs and writing objects without a git process', () => {
  it('lists the same refs and objects as git for-each-ref: loose, packed, and loose over packed', async () => {
    const repo = await makeRepo();
    const gitDir = join(repo, '.git');
    const c1 = git(repo, 'commit-tree', git(repo, 'mktree'), '-m', 'one');
    const c2 = git(repo, 'commit-tree', git(repo, 'mktree'), '-p', c1, '-m', 'two');
    git(repo, 'update-ref', `${PREFIX}head`, c1);
    git(repo, 'update-ref', `${PREFIX}sprints/s/phases/a`, c1);
    git(repo, 'update-ref', 'refs/heads/other', c1);
    git(repo, 'pack-refs', '--all');
    git(repo, 'update-ref', `${PREFIX}sprints/s/phases/a`, c2); // loose, newer than its packed copy
    git(repo, 'update-ref', `${PREFIX}sprints/s/phases/b`, c2);
    git(repo, 'symbolic-ref', `${PREFIX}sprints/s/phases/sym`, 'refs/heads/other');
    writeFileSync(join(gitDir, `${PREFIX}sprints/s/phases/b.lock`), 'junk');
    const viaGit = git(repo, 'for-each-ref', '--format=%(refname) %(objectname)', PREFIX).split('\n');
    const direct = readRefs(gitDir, PREFIX)!;
    expect(direct.filter((r) => r.oid).map((r) => `${r.ref} ${r.oid}`)).toEqual(viaGit.filter((l) => !l.includes('/sym ')));
    expect(direct.find((r) => r.ref.endsWith('/sym'))).toEqual({ ref: `${PREFIX}sprints/s/phases/sym`, oid: undefined });
    expect(readRefs(gitDir, 'refs/nothing-here/')).toEqual([]);
  });

  it('writes loose objects git reads back and fsck accepts, the same ids as git would compute', async () => {
    const repo = await makeRepo();
    const file = join(repo, 'record.json');
    writeFileSync(file, '{"a":1}\n');
    const spec = {
      files: [{ name: 'record.json', path: file }],
      parent: undefined,
      message: 'claim x by a@h',
      author: { name: 'a', email: 'a@h' },
      at: '2026-01-01T00:00:00.000Z',
    };
    const commit = writeCommit(repo, spec, join(repo, '.git'));
    expect(writeCommit(repo, spec, join(repo, '.git'))).toBe(commit); // again: already there, same name
    expect(git(repo, 'cat-file', '-t', commit)).toBe('commit');
    expect(git(repo, 'show', `${commit}:record.json`)).toBe('{"a":1}');
    expect(git(repo, 'hash-object', file)).toBe(git(repo, 'rev-parse', `${commit}:record.json`));
    git(repo, 'fsck', '--strict', '--no-dangling');
    // Through git instead (no common dir given): the same commit id.
    const other = await makeRepo();
    expect(writeCommit(other, spec)).toBe(commit);
  });

  it('leaves repositories outside the classic layout to git', async () => {
    const repo = await makeRepo();
    expect(classicLayout(join(repo, '.git'))).toBe(true);
    const shared = await makeRepo();
    git(shared, 'config', 'core.sharedRepository', 'group');
    expect(classicLayout(join(shared, '.git'))).toBe(false);
    expect(readRefs(join(shared, '.git'), PREFIX)).toBeUndefined();
  });
});
