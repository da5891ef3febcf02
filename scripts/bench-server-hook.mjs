// What the server's pre-receive hook costs a push: the same claim, and the
// same raw push of a branch, to a bare repository with `git conductor server
// install` and to one without, over file://, interleaved in this run. The
// hook is one CLI process per push, so its cost is about one node start-up;
// reported as ratios to the unguarded push and to `node -e 0`.
import { join } from 'node:path';
import { benchEnv, CLI, quick, sh, tempDir, timeNode } from './lib/bench-kit.mjs';

const RUNS = quick ? 5 : 15;
const root = tempDir('conductor-hookbench-');
const env = benchEnv({ CONDUCTOR_AGENT: 'bench' });

function setup(name, guarded) {
  const bare = join(root, `${name}.git`);
  sh('git', ['init', '-q', '--bare', '-b', 'main', bare], root);
  if (guarded) sh(process.execPath, [CLI, 'server', 'install', bare], root, env);
  const work = join(root, name);
  sh('git', ['clone', '-q', `file://${bare}`, work], root);
  sh('git', ['commit', '-q', '--allow-empty', '-m', 'initial'], work, env);
  sh(process.execPath, [CLI, 'init', '--no-hooks'], work, env);
  const phases = JSON.stringify(Array.from({ length: RUNS + 2 }, (_, i) => ({ name: `p${i}`, concurrency: 'read' })));
  sh(process.execPath, [CLI, 'start', '--phases', phases], work, env);
  sh(process.execPath, [CLI, 'claim', 'p0'], work, env); // warm caches
  return { bare, work, tree: sh('git', ['mktree'], work, env).trim() };
}

/** One timed run of any command, in ms. */
function time(cmd, args, cwd) {
  const t0 = process.hrtime.bigint();
  sh(cmd, args, cwd, env);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const plain = setup('plain', false);
const guarded = setup('guarded', true);
const m = { floor: [], pushPlain: [], pushGuarded: [], claimPlain: [], claimGuarded: [] };
for (let i = 1; i <= RUNS; i++) {
  m.floor.push(timeNode(['-e', '0'], root, env));
  for (const [repo, push, claim] of [
    [plain, m.pushPlain, m.claimPlain],
    [guarded, m.pushGuarded, m.claimGuarded],
  ]) {
    const commit = sh('git', ['commit-tree', repo.tree, '-m', `bench ${i}`], repo.work, env).trim();
    push.push(time('git', ['push', '-q', '--no-verify', 'origin', `${commit}:refs/heads/bench-${i}`], repo.work));
    claim.push(time(process.execPath, [CLI, 'claim', `p${i}`], repo.work));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [f, pp, pg, cp, cg] = [m.floor, m.pushPlain, m.pushGuarded, m.claimPlain, m.claimGuarded].map(median);
console.log('the server pre-receive hook (file://, medians of interleaved runs)');
console.log(`raw branch push, guarded / unguarded = ${(pg / pp).toFixed(2)}x  (hook = +${((pg - pp) / f).toFixed(2)}x node -e 0)`);
console.log(`claim, guarded / unguarded           = ${(cg / cp).toFixed(2)}x  (hook = +${((cg - cp) / f).toFixed(2)}x node -e 0)`);
