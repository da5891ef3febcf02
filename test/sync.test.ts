/** sync: publishing what was done offline, the conflicts it meets, and what it reports about the remote's entries. */
import { describe, expect, it } from 'vitest';
import { git } from './helpers/git.js';
import { independentPhases, makeBare, makeClone } from './helpers/remote.js';

describe('sync after offline work', () => {
  it('offline claim, then a conflicting sync: the earlier remote claim wins, yours is rolled back and you are told', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprintId = a.run(['start', '--phases', independentPhases(2)]).json.sprint_id;
    expect(b.run(['status']).code).toBe(0);
    expect(a.run(['claim', 'p1', '--offline']).code).toBe(0);
    expect(a.run(['claim', 'p2', '--offline']).code).toBe(0);
    expect(a.run(['status']).json.remote.unpublished.sort()).toEqual(['p1', 'p2']);
    expect(b.run(['claim', 'p1']).code).toBe(0);
    const s = a.run(['sync']);
    expect(s.code).toBe(3);
    expect(s.json.error.code).toBe('E_SYNC_CONFLICT');
    expect(s.json.error.message).toContain('bob');
    expect(s.json.error.published).toEqual(['p2']);
    const view = a.run(['status']).json;
    expect(view.phases.p1.agent).toBe('bob');
    expect(view.phases.p2).toMatchObject({ agent: 'alice', state: 'running' });
    expect(view.phases.p2.unpublished).toBeUndefined();
    expect(git(bare, 'log', '--format=%s', `refs/conductor/sprints/${sprintId}/phases/p2`)).toMatch(/^claim p2 by alice@/);
    expect(a.run(['log']).json.entries.some((e: { event: string }) => e.event === 'rollback')).toBe(true);
    expect(a.run(['sync']).code).toBe(0); // settled: nothing left
  });
});

describe('sync reports what it cannot import', () => {
  it('reports a head whose sprint ref is missing, and imports none of it', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const first = a.run(['start']).json.sprint_id;
    const second = a.run(['start']).json.sprint_id;
    a.git(['push', '-q', '--no-verify', 'origin', '--delete', `refs/conductor/sprints/${second}/sprint`]);
    const b = makeClone(url, 'bob');
    expect(b.run(['status']).json.error.code).toBe('E_NO_SPRINT');
    const sync = b.run(['sync']);
    expect(sync.code, sync.stdout).toBe(0);
    expect(sync.json.problems.join('\n')).toContain(`names sprint ${second}, but its sprint ref is missing`);
    expect(b.run(['claim', 'think']).json.error.code).toBe('E_NO_SPRINT');
    expect(first).not.toBe(second);
  });
});

describe('a clone whose local sprint is not the remote one', () => {
  it('is told at init, status and sync, and publishes no phase of its own sprint', () => {
    const { url, bare } = makeBare();
    const a = makeClone(url, 'alice');
    const remoteSprint = a.run(['start']).json.sprint_id;
    const b = makeClone(url, 'bob', { init: false });
    const localSprint = b.run(['start']).json.sprint_id;
    expect(b.run(['claim', 'think']).code).toBe(0);
    const init = b.run(['init', '--no-hooks']);
    expect(init.code, init.stdout).toBe(0);
    expect(init.json.problems.join('\n')).toContain(`sprint ${localSprint}`);
    expect(b.run(['status']).json.remote.problems.join('\n')).toMatch(new RegExp(`${localSprint}.*${remoteSprint}`));
    const review = b.run(['abort', 'think']);
    expect(review.code, review.stdout).toBe(3);
    expect(review.json.error.code).toBe('E_DIVERGED');
    const sync = b.run(['sync']);
    expect(sync.code, sync.stdout).toBe(3);
    expect(sync.json.error.code).toBe('E_DIVERGED');
    const refs = a.git(['ls-remote', bare, `refs/conductor/sprints/${localSprint}/*`]);
    expect(refs).toBe('');
    // The way out the message names: start replaces the remote's sprint.
    const fresh = b.run(['start']);
    expect(fresh.code, fresh.stdout).toBe(0);
    expect(a.run(['status', '--fetch']).json.sprint_id).toBe(fresh.json.sprint_id);
    expect(b.run(['claim', 'think']).code).toBe(0);
  });
});
