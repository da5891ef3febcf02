/** One sprint shared by every worktree of a repository, each worktree with its own default agent. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git } from './helpers/git.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { artifact } from './helpers/artifacts.js';

const run = (cwd: string, ...args: string[]) => conductor([...args, '--json'], { cwd });

describe('one sprint shared by every worktree of a repository', () => {
  let main: string;
  let linked: string;
  beforeAll(async () => {
    main = await makeRepo();
    linked = join(tempDir('conductor-wt-'), 'feature');
    git(main, 'worktree', 'add', '-b', 'feature', linked);
    expect(run(main, 'start').code).toBe(0);
  });

  it('sees and respects a claim made in another worktree', () => {
    expect(run(main, 'claim', 'think', '--agent', 'alice').code).toBe(0);
    const s = run(linked, 'status').json;
    expect(s.phases.think).toMatchObject({ state: 'running', agent: 'alice' });
    const refused = run(linked, 'claim', 'think', '--agent', 'bob');
    expect(refused.code).toBe(3);
    expect(refused.json.error.code).toBe('E_HELD');
    expect(refused.json.error.message).toContain('alice');
    expect(run(linked, 'next').json.phase).toBeNull();
  });

  it('lets the holder finish from the other worktree, with an artifact from that worktree', () => {
    writeFileSync(
      join(linked, 'think.json'),
      JSON.stringify(artifact('think', { summary: { value_proposition: 'from the feature worktree' } })),
    );
    const done = run(linked, 'complete', 'think', '--agent', 'alice', '--artifact', 'think.json');
    expect(done.code, done.stdout).toBe(0);
    expect(done.json.unlocked).toEqual(['plan']);
    expect(run(main, 'status').json.phases.think.state).toBe('done');
    expect(run(main, 'artifact', 'show', 'think').json.content).toEqual(
      artifact('think', { summary: { value_proposition: 'from the feature worktree' } }),
    );
    expect(run(main, 'next').json.phase).toBe('plan');
  });

  it('writes nothing into either work tree, index or branch', () => {
    expect(git(main, 'status', '--porcelain')).toBe('');
    expect(git(linked, 'status', '--porcelain')).toBe('?? think.json');
    expect(git(main, 'for-each-ref', '--format=%(refname)').split('\n').sort()).toEqual(['refs/heads/feature', 'refs/heads/main']);
  });

  it('works from subdirectories of both worktrees', () => {
    const deepMain = join(main, 'a', 'b', 'c');
    const deepLinked = join(linked, 'x', 'y');
    mkdirSync(deepMain, { recursive: true });
    mkdirSync(deepLinked, { recursive: true });
    expect(run(deepLinked, 'claim', 'plan', '--agent', 'bob').code).toBe(0);
    expect(run(deepMain, 'status').json.phases.plan).toMatchObject({ state: 'running', agent: 'bob' });
    expect(run(deepMain, 'claim', 'plan', '--agent', 'carol').code).toBe(3);
    // A relative artifact path is resolved from where the command runs.
    writeFileSync(join(deepLinked, 'plan.json'), JSON.stringify(artifact('plan', { steps: [] })));
    expect(run(deepLinked, 'complete', 'plan', '--agent', 'bob', '--artifact', 'plan.json').code).toBe(0);
    expect(run(main, 'status').json.phases.plan.state).toBe('done');
  });

  it('gives each worktree its own default agent id, stable across invocations', () => {
    const a1 = run(main, 'whoami').json;
    const a2 = run(join(main, 'a'), 'whoami').json;
    const b = run(linked, 'whoami').json;
    expect(a1.agent).toBe(a2.agent);
    expect(a1.source).toContain('default');
    expect(b.agent).not.toBe(a1.agent);
    expect(run(linked, 'whoami').json.agent).toBe(b.agent);
    // So the default agent of one worktree cannot complete another worktree's claim.
    expect(run(main, 'claim', 'build').code).toBe(0);
    const other = run(linked, 'complete', 'build');
    expect(other.code).toBe(3);
    expect(other.json.error.code).toBe('E_NOT_HOLDER');
    expect(run(main, 'complete', 'build').code).toBe(0);
  });
});
