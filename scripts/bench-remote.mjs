// Remote claim latency through a file:// bare remote, as ratios to what the
// machine needs anyway: `node -e 0` (the floor) and one raw `git push` of a
// small commit to the same bare remote, all measured in this run.
// Target: remote claim <= node floor + 4 raw pushes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(new URL('.', import.meta.url).pathname, '../dist/cli.cjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  CONDUCTOR_AGENT: 'bench',
  GIT_CONFIG_NOSYSTEM: '1',
};
for (const k of Object.keys(env)) if (/^(GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|CONDUCTOR_(?!AGENT))/.test(k)) delete env[k];

function run(cmd, args, cwd) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return { ms, out: r.stdout.trim() };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(join(tmpdir(), 'conductor-bench-'));
try {
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  run('git', ['init', '-q', '--bare', bare], root);
  run('git', ['clone', '-q', `file://${bare}`, work], root);
  run('git', ['commit', '-q', '--allow-empty', '-m', 'initial'], work);
  run(process.execPath, [CLI, 'init', '--no-hooks'], work); // the raw pushes measure git alone, not the ship gate
  const phases = JSON.stringify(Array.from({ length: RUNS + 1 }, (_, i) => ({ name: `p${i}`, concurrency: 'read' })));
  run(process.execPath, [CLI, 'start', '--phases', phases], work);
  run(process.execPath, [CLI, 'claim', 'p0'], work); // warm caches
  // The same sprint without a remote: what the local engine alone costs.
  const solo = join(root, 'solo');
  run('git', ['init', '-q', solo], root);
  run(process.execPath, [CLI, 'start', '--phases', phases], solo);

  const emptyTree = run('git', ['mktree'], work).out;
  const floor = [];
  const push = [];
  const claim = [];
  const status = [];
  const local = [];
  // Interleaved, so background load affects every measurement alike.
  for (let i = 1; i <= RUNS; i++) {
    floor.push(run(process.execPath, ['-e', '0'], work).ms);
    const commit = run('git', ['commit-tree', emptyTree, '-m', `bench ${i}`], work).out;
    push.push(run('git', ['push', '-q', `file://${bare}`, `${commit}:refs/heads/bench-${i}`], work).ms);
    claim.push(run(process.execPath, [CLI, 'claim', `p${i}`], work).ms);
    status.push(run(process.execPath, [CLI, 'status'], work).ms);
    local.push(run(process.execPath, [CLI, 'claim', `p${i}`], solo).ms);
  }
  const f = median(floor);
  const p = median(push);
  const c = median(claim);
  const s = median(status);
  const l = median(local);
  const unit = f + p;
  const budget = f + 4 * p;
  const ok = c <= budget;
  console.log(`remote claim  = ${(c / unit).toFixed(2)} x (node floor + 1 raw push)`);
  console.log(`              = node floor + ${((c - f) / p).toFixed(2)} raw pushes (target: at most 4) ${ok ? 'OK' : 'OVER BUDGET'}`);
  console.log(`budget usage  = ${(c / budget).toFixed(2)} of (node floor + 4 raw pushes)`);
  console.log(`of which local engine (same claim, no remote) = node floor + ${((l - f) / p).toFixed(2)} raw pushes`);
  console.log(`status (remote configured) = ${(s / f).toFixed(2)} x node floor`);
  console.log(`raw push      = ${(p / f).toFixed(2)} x node floor  (${RUNS} interleaved runs, medians)`);
  if (!ok) process.exitCode = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
