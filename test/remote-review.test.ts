/** Remote-mode corner cases: fresh clones, corrupt local entries, divergence, offline conflicts, crafted done records. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';

const ORPHAN = 'refs/conductor/sprints/99991231-235959-ffffff/phases/x';

describe('a fresh clone finds the sprint the remote head names', () => {
  it('ignores a sprint ref that sorts after the active one', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const sprint = a.run(['start']).json.sprint_id;
    a.git(['push', '-q', '--no-verify', 'origin', `HEAD:${ORPHAN}`]);
    const b = makeClone(url, 'bob');
    const s = b.run(['status']);
    expect(s.code, s.stdout).toBe(0);
    expect(s.json.sprint_id).toBe(sprint);
    expect(b.run(['claim', 'think']).code).toBe(0);
  });

  it('imports a three-entry head without naming a sprint that is missing here', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    a.run(['start']);
    a.run(['start']);
    const third = a.run(['start']).json.sprint_id;
    a.git(['push', '-q', '--no-verify', 'origin', `HEAD:${ORPHAN}`]);
    const b = makeClone(url, 'bob');
    const s = b.run(['status']);
    expect(s.code, s.stdout).toBe(0);
    expect(s.json.sprint_id).toBe(third);
  });

  it("reports a head whose sprint ref is missing, and imports none of it", () => {
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

const TWO = JSON.stringify([
  { name: 'review', depends_on: [], concurrency: 'read' },
  { name: 'qa', depends_on: [], concurrency: 'read' },
]);
const entryFile = (c: Clone, sprint: string, phase: string, seq: number) => join(c.dir, '.git', 'conductor', 'sprints', sprint, 'phases', phase, String(seq).padStart(6, '0'), 'record.json');

describe('a corrupt local entry with a remote', () => {
  it('fails only the commands that read it, as without a remote; abort --force repairs it and publishes the repair', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprint = a.run(['start', '--phases', TWO]).json.sprint_id;
    expect(a.run(['claim', 'review']).code).toBe(0);
    writeFileSync(entryFile(a, sprint, 'review', 1), '{bad');
    for (const args of [['status'], ['claim', 'qa']]) {
      const r = a.run(args);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(1);
      expect(r.json.error.code).toBe('E_CORRUPT_STATE');
      expect(r.json.error.message).toContain("abort review --force");
    }
    const fixed = a.run(['abort', 'review', '--force']);
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(a.run(['status']).json.phases.review.state).toBe('ready');
    b.git(['fetch', '-q']);
    expect(b.run(['status']).json.phases.review.state).toBe('ready');
    expect(b.run(['claim', 'review']).code).toBe(0);
    // The corrupt entry stays below the top: importing and publishing past it still work.
    expect(a.run(['status', '--fetch']).json.phases.review).toMatchObject({ state: 'running', agent: 'bob' });
    expect(b.run(['abort', 'review']).code).toBe(0);
    expect(a.run(['claim', 'review']).code).toBe(0);
    expect(b.run(['status', '--fetch']).json.phases.review).toMatchObject({ state: 'running', agent: 'alice' });
  });

  it('start still replaces the sprint', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const sprint = a.run(['start', '--phases', TWO]).json.sprint_id;
    expect(a.run(['claim', 'review']).code).toBe(0);
    writeFileSync(entryFile(a, sprint, 'review', 1), '{bad');
    const s = a.run(['start']);
    expect(s.code, s.stdout).toBe(0);
    const b = makeClone(url, 'bob');
    expect(b.run(['status']).json.sprint_id).toBe(s.json.sprint_id);
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
