// `npm run bench`: start-up latency of the everyday commands, as ratios to
// `node -e 0` measured in the same run. Target: each at most 1.3x the floor.
//   node scripts/bench.mjs [--quick] [--core-only] [--cli path/to/cli.cjs]
// --cli times another build of the CLI (e.g. an older one, for before/after).
// --against path/to/cli.cjs times that build too, in the same rounds, paired with the same floor
// runs (rows marked [against]): a before/after comparison that the machine's load affects alike.
// Afterwards it runs every other scripts/bench-*.mjs (same flags) unless
// --core-only, so a new benchmark only has to exist to be part of the run.
// Always exits 0: the numbers inform, the machine's noise should not fail a build.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CLI as BUILT_CLI, makeRepo, measure, quick, report, ROOT, timeNode } from './lib/bench-kit.mjs';

const cliFlag = process.argv.indexOf('--cli');
const CLI = cliFlag > 0 ? resolve(process.argv[cliFlag + 1]) : BUILT_CLI;
const againstFlag = process.argv.indexOf('--against');
const AGAINST = againstFlag > 0 ? resolve(process.argv[againstFlag + 1]) : undefined;

const lib = await import(join(ROOT, 'dist', 'index.mjs'));
const ME = 'bench-agent';

/** The default graph, mid-sprint: think, plan, build done; review held by someone else. */
async function sevenPhases() {
  const cwd = makeRepo();
  await lib.start({ cwd, agent: 'lead' });
  for (const phase of ['think', 'plan', 'build']) {
    await lib.claim({ cwd, phase, agent: 'lead' });
    await lib.complete({ cwd, phase, agent: 'lead' });
  }
  await lib.claim({ cwd, phase: 'review', agent: 'reviewer' });
  return { cwd, claimTarget: 'security' };
}

/**
 * 20 layers of 10 read phases, each depending on two phases of the layer
 * before; the first half done, three phases of layer 10 held by others.
 */
async function twoHundredPhases() {
  const cwd = makeRepo();
  const name = (l, i) => `l${String(l).padStart(2, '0')}-p${i}`;
  const phases = [];
  for (let l = 0; l < 20; l++) {
    for (let i = 0; i < 10; i++) {
      phases.push({ name: name(l, i), concurrency: 'read', depends_on: l ? [name(l - 1, i), name(l - 1, (i + 1) % 10)] : [] });
    }
  }
  await lib.start({ cwd, agent: 'lead', phases: JSON.stringify(phases) });
  for (const p of phases.slice(0, 100)) {
    await lib.claim({ cwd, phase: p.name, agent: 'lead' });
    await lib.complete({ cwd, phase: p.name, agent: 'lead' });
  }
  for (let i = 0; i < 3; i++) await lib.claim({ cwd, phase: name(10, i), agent: `other-${i}` });
  return { cwd, claimTarget: name(10, 5) };
}

function casesFor(label, { cwd, claimTarget }, build = CLI, tag = '') {
  const cli =
    (...args) =>
    () =>
      timeNode([build, ...args], cwd);
  return [
    { name: `status (${label})${tag}`, run: cli('status') },
    { name: `next (${label})${tag}`, run: cli('next', '--agent', ME) },
    {
      name: `claim (${label})${tag}`,
      run: cli('claim', claimTarget, '--agent', ME),
      // Release first, so every timed run is a fresh claim, not a renewal.
      before: async () => {
        const held = (await lib.status({ cwd })).phases[claimTarget];
        if (held.state === 'running') await lib.abort({ cwd, phase: claimTarget, agent: ME, force: true });
      },
    },
  ];
}

const graphs = [
  ['7 phases', await sevenPhases()],
  ['200 phases', await twoHundredPhases()],
];
const result = await measure(
  graphs.flatMap(([label, g]) => [...casesFor(label, g), ...(AGAINST ? casesFor(label, g, AGAINST, ' [against]') : [])]),
);
const pass = report(
  `git-conductor start-up${quick ? ' (quick: few runs, noisy)' : ''}${CLI === BUILT_CLI ? '' : ` of ${CLI}`}${AGAINST ? `; [against]: ${AGAINST}` : ''}`,
  result,
);
console.log(pass ? 'PASS: every command within the target' : 'FAIL: some command above the target (informative; exit code stays 0)');

if (!process.argv.includes('--core-only')) {
  const here = join(ROOT, 'scripts');
  const others = readdirSync(here)
    .filter((f) => /^bench-.+\.mjs$/.test(f))
    .sort();
  for (const f of others) {
    console.log(`\n== ${basename(f)}`);
    const r = spawnSync(process.execPath, [join(here, f), ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) console.log(`(${basename(f)} exited ${r.status ?? r.signal})`);
  }
}
