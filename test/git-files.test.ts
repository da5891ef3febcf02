import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classicLayout } from '../src/git/files-layout.js';
import { readRefs } from '../src/git/ref-files.js';
import { writeCommit } from '../src/remote/objects.js';
import { gitSync, makeRepo } from './helpers/repo.js';

const PREFIX = 'refs/conductor-remotes/origin/';

describe('reading refs and writing objects without a git process', () => {
  it('lists the same refs and objects as git for-each-ref: loose, packed, and loose over packed', async () => {
    const repo = await makeRepo();
    const git = join(repo, '.git');
    const c1 = gitSync(['commit-tree', gitSync(['mktree'], repo), '-m', 'one'], repo);
    const c2 = gitSync(['commit-tree', gitSync(['mktree'], repo), '-p', c1, '-m', 'two'], repo);
    gitSync(['update-ref', `${PREFIX}head`, c1], repo);
    gitSync(['update-ref', `${PREFIX}sprints/s/phases/a`, c1], repo);
    gitSync(['update-ref', 'refs/heads/other', c1], repo);
    gitSync(['pack-refs', '--all'], repo);
    gitSync(['update-ref', `${PREFIX}sprints/s/phases/a`, c2], repo); // loose, newer than its packed copy
    gitSync(['update-ref', `${PREFIX}sprints/s/phases/b`, c2], repo);
    gitSync(['symbolic-ref', `${PREFIX}sprints/s/phases/sym`, 'refs/heads/other'], repo);
    writeFileSync(join(git, `${PREFIX}sprints/s/phases/b.lock`), 'junk');
    const viaGit = gitSync(['for-each-ref', '--format=%(refname) %(objectname)', PREFIX], repo).split('\n');
    const direct = readRefs(git, PREFIX)!;
    expect(direct.filter((r) => r.oid).map((r) => `${r.ref} ${r.oid}`)).toEqual(viaGit.filter((l) => !l.includes('/sym ')));
    expect(direct.find((r) => r.ref.endsWith('/sym'))).toEqual({ ref: `${PREFIX}sprints/s/phases/sym`, oid: undefined });
    expect(readRefs(git, 'refs/nothing-here/')).toEqual([]);
  });

  it('writes loose objects git reads back and fsck accepts, the same ids as git would compute', async () => {
    const repo = await makeRepo();
    const file = join(repo, 'record.json');
    writeFileSync(file, '{"a":1}\n');
    const spec = { files: [{ name: 'record.json', path: file }], parent: undefined, message: 'claim x by a@h', author: { name: 'a', email: 'a@h' }, at: '2026-01-01T00:00:00.000Z' };
    const commit = writeCommit(repo, spec, join(repo, '.git'));
    expect(writeCommit(repo, spec, join(repo, '.git'))).toBe(commit); // again: already there, same name
    expect(gitSync(['cat-file', '-t', commit], repo)).toBe('commit');
    expect(gitSync(['show', `${commit}:record.json`], repo)).toBe('{"a":1}');
    expect(gitSync(['hash-object', file], repo)).toBe(gitSync(['rev-parse', `${commit}:record.json`], repo));
    gitSync(['fsck', '--strict', '--no-dangling'], repo);
    // Through git instead (no common dir given): the same commit id.
    const other = await makeRepo();
    expect(writeCommit(other, spec)).toBe(commit);
  });

  it('leaves repositories outside the classic layout to git', async () => {
    const repo = await makeRepo();
    expect(classicLayout(join(repo, '.git'))).toBe(true);
    const shared = await makeRepo();
    gitSync(['config', 'core.sharedRepository', 'group'], shared);
    expect(classicLayout(join(shared, '.git'))).toBe(false);
    expect(readRefs(join(shared, '.git'), PREFIX)).toBeUndefined();
  });
});
