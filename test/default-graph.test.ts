/** The default graph walked through the real CLI from a subdirectory: each completion unlocks the next phases. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';
import { artifactText } from './helpers/artifacts.js';

describe('a sprint on one machine', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await makeRepo();
    expect(conductor(['start', '--json'], { cwd: repo }).code).toBe(0);
  });

  it('walks the default graph from a subdirectory, unlocking phases as they complete', () => {
    const sub = join(repo, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    const run = (args: string[]) => conductor([...args, '--json'], { cwd: sub });
    expect(run(['next']).json.phase).toBe('think');
    expect(run(['claim', 'plan', '--agent', 'a']).code).toBe(4);
    expect(run(['claim', 'think', '--agent', 'a']).code).toBe(0);
    expect(run(['claim', 'think', '--agent', 'b']).code).toBe(3);
    writeFileSync(join(repo, 'think.json'), artifactText('think'));
    const done = run(['complete', 'think', '--agent', 'a', '--artifact', join(repo, 'think.json')]);
    expect(done.code).toBe(0);
    expect(done.json.unlocked).toEqual(['plan']);
    const s = run(['status']).json;
    expect(s.phases.think.state).toBe('done');
    expect(s.phases.plan.state).toBe('ready');
    expect(s.phases.build.state).toBe('pending');
  });
});
