// Hook overhead: how much the installed hooks add to `git commit`, measured in
// one run against the same repository. Prints ratios to a commit without hooks
// and compares the added time with the CLI's own start-up time.
// Usage: npm run build && node scripts/bench-hooks.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeShim } from './lib/bench-kit.mjs';
import { delimiter, join, resolve } from 'node:path';

const RUNS = Number(process.argv[2]) || 15;
const CLI = resolve(new URL('..', import.meta.url).pathname, 'dist/cli.cjs');
const root = mkdtempSync(join(tmpdir(), 'conductor-bench-hooks-'));
const bin = writeShim(root, CLI);
const noHooks = join(root, 'no-hooks');
mkdirSync(noHooks);

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !k.startsWith('CONDUCTOR_')));
Object.assign(env, {
  PATH: `${bin}${delimiter}${process.env.PATH}`,
  CONDUCTOR_AGENT: 'bench',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
});
const repo = join(root, 'repo');
const sh = (cmd, args, cwd = repo) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r;
};
const time = (cmd, args) => {
  const t = process.hrtime.bigint();
  sh(cmd, args);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

mkdirSync(repo);
sh('git', ['init', '-q', '-b', 'main']);
sh('git', ['commit', '-q', '--allow-empty', '-m', 'init']);
sh(process.execPath, [CLI, 'hooks', 'install']);
// Independent read phases: one agent can hold them all, one completes per trailer commit.
const phases = Array.from({ length: 2 * (RUNS + 2) }, (_, i) => ({ name: `p${i}`, concurrency: 'read' }));
sh(process.execPath, [CLI, 'start', '--phases', JSON.stringify(phases)]);

const t = { floor: [], startup: [], complete: [], without: [], plain: [], trailer: [] };
mkdirSync(join(repo, '.conductor'));
for (let i = 0; i < RUNS + 2; i++) {
  // Interleaved, so drift in machine load hits every measurement alike; the first two runs warm up.
  const keep = i >= 2;
  const floor = time(process.execPath, ['-e', '0']);
  const startup = time(process.execPath, [CLI, '--version']);
  // The same bookkeeping done by hand, for comparison: `git conductor complete`.
  const other = `p${RUNS + 2 + i}`;
  sh(process.execPath, [CLI, 'claim', other]);
  writeFileSync(join(repo, `${other}.json`), JSON.stringify({ phase: other, summary: other }));
  const complete = time(process.execPath, [CLI, 'complete', other, '--artifact', `${other}.json`]);
  const without = time('git', ['-c', `core.hooksPath=${noHooks}`, 'commit', '-q', '--allow-empty', '-m', 'no hooks']);
  const plain = time('git', ['commit', '-q', '--allow-empty', '-m', 'hooks, no trailer']);
  sh(process.execPath, [CLI, 'claim', `p${i}`]);
  writeFileSync(join(repo, '.conductor', `p${i}.json`), JSON.stringify({ phase: `p${i}`, summary: `phase ${i}` }));
  sh('git', ['add', '.conductor']);
  const trailer = time('git', ['commit', '-q', '-m', `p${i} done`, '-m', `Conductor-Phase: p${i}`]);
  if (keep) Object.entries({ floor, startup, complete, without, plain, trailer }).forEach(([k, v]) => t[k].push(v));
}
const done = JSON.parse(sh(process.execPath, [CLI, 'status', '--json']).stdout).phases;
if (Object.values(done).filter((p) => p.state === 'done').length !== 2 * (RUNS + 2))
  throw new Error('a trailer commit did not complete its phase');
rmSync(root, { recursive: true, force: true });

const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
const f = (x) => x.toFixed(1).padStart(7) + ' ms';
console.log(`hook overhead, median of ${RUNS} runs`);
console.log(`  node -e 0                          ${f(m.floor)}`);
console.log(`  CLI start-up (--version)           ${f(m.startup)}`);
console.log(`  git conductor complete (by hand)   ${f(m.complete)}`);
console.log(`  git commit, no hooks               ${f(m.without)}`);
console.log(`  git commit, hooks, no trailer      ${f(m.plain)}   ratio ${(m.plain / m.without).toFixed(2)}x`);
console.log(`  git commit, hooks, completes phase ${f(m.trailer)}   ratio ${(m.trailer / m.without).toFixed(2)}x`);
console.log(
  `  added by hooks: ${(m.plain - m.without).toFixed(1)} ms without a trailer, ${(m.trailer - m.without).toFixed(1)} ms completing a phase`,
);
console.log(`  no-trailer overhead / CLI start-up: ${((m.plain - m.without) / m.startup).toFixed(2)}x (target: at most 1)`);
console.log(
  `  completing overhead / 'git conductor complete': ${((m.trailer - m.without) / m.complete).toFixed(2)}x (the hook is one CLI run doing the same work)`,
);
