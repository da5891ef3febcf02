// Start-up of the handoff commands (context, resume, journal) on the default
// graph, as ratios to `status` measured in the same run (each timed run paired
// with a `status` run, order shuffled each round). Target: at most 1.3x status.
//   node scripts/bench-handoff.mjs [--quick]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, makeRepo, measure, quick, report, ROOT, timeNode } from './lib/bench-kit.mjs';

const lib = await import(join(ROOT, 'dist', 'index.mjs'));

/** Mid-sprint, as an agent joining ship's dependencies finds it: five phases done with checkpoints, qa held. */
async function midSprint() {
  const cwd = makeRepo();
  await lib.start({ cwd, agent: 'lead' });
  mkdirSync(join(cwd, '.conductor'));
  for (const phase of ['think', 'plan', 'build', 'review', 'security']) {
    const file = join(cwd, '.conductor', `${phase}.json`);
    const cp = {
      summary: `${phase}: what the next phase must know, in a sentence or two`,
      key_files: ['src/a.ts:10', 'src/b.ts:20'],
      decisions_made: ['one decision', 'another'],
      open_questions: ['one question'],
    };
    const template = JSON.parse(readFileSync(join(ROOT, 'templates', 'artifacts', `${phase}.json`), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...template, context_checkpoint: cp }));
    await lib.claim({ cwd, phase, agent: 'lead' });
    await lib.complete({ cwd, phase, agent: 'lead', artifact: file });
  }
  await lib.claim({ cwd, phase: 'qa', agent: 'tester' });
  return cwd;
}

const cwd = await midSprint();
const cli =
  (...args) =>
  () =>
    timeNode([CLI, ...args], cwd);
const cases = [
  { name: 'context', run: cli('context') },
  { name: 'context --phase ship', run: cli('context', '--phase', 'ship') },
  { name: 'resume', run: cli('resume', '--agent', 'tester') },
  { name: 'journal', run: cli('journal') },
];
const result = await measure(cases, { baseline: cli('status'), cwd });
const pass = report(
  `git-conductor handoff commands, default graph${quick ? ' (quick: few runs, noisy)' : ''}`,
  result,
  1.3,
  'git conductor status',
);
console.log(pass ? 'PASS: every command within 1.3x status' : 'FAIL: some command above 1.3x status (informative; exit code stays 0)');
