/** Artifacts that carry a context_checkpoint naming their author, and finishing a phase with one, in a clone or a repository. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { artifact } from './artifacts.js';
import { conductor } from './cli.js';
import type { Clone } from './remote.js';

/** Writes `.conductor/<phase>.json` with a checkpoint naming its author; returns its path. */
export function checkpointArtifact(dir: string, phase: string, by: string, extra: Record<string, unknown> = {}): string {
  mkdirSync(join(dir, '.conductor'), { recursive: true });
  const file = join(dir, '.conductor', `${phase}.json`);
  const context_checkpoint = {
    summary: `${phase}: checkpoint by ${by}`,
    key_files: [`src/${phase}.ts:1`],
    decisions_made: [`${phase} decision`],
    open_questions: [`${phase} question?`],
  };
  // The phase's template artifact (it fits the contract), with a checkpoint that says who wrote it.
  writeFileSync(file, JSON.stringify(artifact(phase, { context_checkpoint, ...extra })));
  return file;
}

/** Claims and completes `phase` in a clone, as its agent, with a checkpoint artifact; the complete result. */
export function finishOn(c: Clone, phase: string, extra?: Record<string, unknown>) {
  const claimed = c.run(['claim', phase]);
  expect(claimed.code, claimed.stdout).toBe(0);
  const done = c.run(['complete', phase, '--artifact', checkpointArtifact(c.dir, phase, c.agent, extra)]);
  expect(done.code, done.stdout).toBe(0);
  return done.json;
}

/** One agent in a repository: `run` (--json), `human` (as a person sees it), `finish` (claim and complete with an artifact). */
export function agentIn(repo: string, agent: string) {
  const run = (...args: string[]) => conductor([...args, '--json'], { cwd: repo, agent });
  const human = (...args: string[]) => conductor(args, { cwd: repo, agent });
  const finish = (phase: string, body: Record<string, unknown> = {}) => {
    expect(run('claim', phase).code).toBe(0);
    mkdirSync(join(repo, '.conductor'), { recursive: true });
    writeFileSync(join(repo, '.conductor', `${phase}.json`), JSON.stringify(artifact(phase, body)));
    const r = run('complete', phase, '--artifact', `.conductor/${phase}.json`);
    expect(r.code, r.stdout).toBe(0);
    return r.json;
  };
  return { run, human, finish };
}
