/** next: the first ready phase (printed, or nothing), and next --claim taking it. */
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';

describe('next --claim', () => {
  it('claims the first ready phase, then finds nothing while it runs, then moves on once it is done', async () => {
    const repo = await makeRepo();
    const run = (...args: string[]) => conductor([...args, '--json'], { cwd: repo });
    expect(run('start').code).toBe(0);
    const first = run('next', '--claim', '--agent', 'a').json;
    expect(first.phase).toBe('think');
    expect(first.claimed).toMatchObject({ phase: 'think', agent: 'a', kind: 'claim' });
    expect(run('status').json.phases.think).toMatchObject({ state: 'running', agent: 'a' });
    expect(run('next', '--claim', '--agent', 'b').json.phase).toBeNull();
    expect(run('complete', 'think', '--agent', 'a').code).toBe(0);
    expect(run('next', '--claim', '--agent', 'b').json.claimed).toMatchObject({ phase: 'plan', agent: 'b' });
  });
});

describe('next', () => {
  it('prints the phase name, or nothing', async () => {
    const repo = await makeRepo();
    const run = (...args: string[]) => conductor(args, { cwd: repo });
    expect(run('start', '--json').code).toBe(0);
    expect(run('next').stdout).toBe('think\n');
    expect(run('claim', 'think', '--agent', 'a', '--json').code).toBe(0);
    expect(run('next')).toMatchObject({ code: 0, stdout: '' });
  });
});
