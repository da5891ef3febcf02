/** The reflog trace of pushes that skipped the gate: never earlier than the sprint, even within one second. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loggedPushes } from '../src/hooks/push-reflog.js';
import { git } from './helpers/git.js';
import { makeRepo, tempDir } from './helpers/repo.js';

describe('pushes found in the reflog', () => {
  it('counts a push only when it surely happened at or after the start, to the millisecond for the newest one', async () => {
    const repo = await makeRepo();
    const bare = join(tempDir(), 'origin.git');
    git(repo, 'init', '-q', '--bare', bare);
    git(repo, 'remote', 'add', 'origin', `file://${bare}`);
    const log = join(repo, '.git', 'logs', 'refs', 'remotes', 'origin', 'main');
    git(repo, 'push', '-q', 'origin', 'main');
    const firstAt = statSync(log).mtimeMs;
    const firstSecond = Number(/> (\d+) /.exec(readFileSync(log, 'utf8'))![1]) * 1000;
    // A sprint started just after this push, within the same second: the push came first.
    const justAfter = Math.min(Math.floor(firstAt) + 1, firstSecond + 999);
    expect(loggedPushes(join(repo, '.git'), 'origin', justAfter)).toEqual([]);
    expect(loggedPushes(join(repo, '.git'), 'origin', Math.floor(firstAt))).toHaveLength(1);
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'more');
    git(repo, 'push', '-q', 'origin', 'main');
    const second = git(repo, 'rev-parse', 'HEAD');
    // The first push is no longer the newest line: only its second is known, so it never counts within that second.
    const found = loggedPushes(join(repo, '.git'), 'origin', justAfter);
    expect(found.map((p) => p.oid)).toEqual([second]);
    expect(found[0]!.latest).toBe(found[0]!.at);
  });
});
