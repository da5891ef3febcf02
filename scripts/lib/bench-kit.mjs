// Shared by the benchmark scripts: throwaway repositories, wall-time runs
// interleaved with the `node -e 0` floor, and the ratio table. Results are
// ratios to the floor measured in the same run, because absolute start-up
// times differ wildly between machines (and with NODE_OPTIONS, CA bundles...).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist', 'cli.cjs');
export const TARGET = 1.3;
export const quick = process.argv.includes('--quick');

/** The environment the measured processes get: no inherited conductor or git overrides. */
export function benchEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('CONDUCTOR_') || k.startsWith('GIT_')) delete env[k];
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    NO_COLOR: '1',
    ...extra,
  };
}

const made = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'conductor-bench-') {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}

export function sh(cmd, args, cwd, env = benchEnv()) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A repository with one commit on main. */
export function makeRepo() {
  const dir = tempDir();
  sh('git', ['init', '-q', '-b', 'main'], dir);
  writeFileSync(join(dir, 'README.md'), '# bench\n');
  sh('git', ['add', 'README.md'], dir);
  sh('git', ['commit', '-q', '-m', 'initial'], dir);
  return dir;
}

/** One timed run of `node <args>`, in milliseconds; throws when it fails, so a broken command never looks fast. */
export function timeNode(args, cwd, env = benchEnv()) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
};

/**
 * Measures every case `rounds` times. Each run of a case is paired with a
 * floor run right before it, and the cases run in a fresh random order every
 * round, so machine drift and ordering effects hit both sides of each ratio
 * alike. A case is { name, run(): ms, before?(): void | Promise<void> }; before is
 * untimed (it resets state, e.g. releases the phase the next claim takes).
 */
export async function measure(cases, { rounds = quick ? 5 : 30, warmup = 2, cwd = ROOT, baseline } = {}) {
  // `baseline`: another run to pair each case with (e.g. `status`), instead of `node -e 0`.
  const floor = baseline ?? (() => timeNode(['-e', '0'], cwd));
  for (let i = 0; i < warmup; i++) {
    for (const c of cases) {
      await c.before?.();
      c.run();
      floor();
    }
  }
  const ratios = new Map(cases.map((c) => [c.name, []]));
  const floors = [];
  for (let r = 0; r < rounds; r++) {
    const order = [...cases].sort(() => Math.random() - 0.5);
    for (const c of order) {
      await c.before?.();
      const f = floor();
      floors.push(f);
      ratios.get(c.name).push(c.run() / f);
    }
  }
  return {
    floorMs: quantile(floors, 0.5),
    rows: cases.map((c) => ({ name: c.name, median: quantile(ratios.get(c.name), 0.5), p90: quantile(ratios.get(c.name), 0.9) })),
  };
}

/** Prints the ratio table; PASS when the median ratio is within the target. Returns whether all passed. */
export function report(title, { floorMs, rows }, target = TARGET, floorName = 'node -e 0') {
  const w = Math.max(...rows.map((r) => r.name.length), 7);
  console.log(`\n${title}`);
  console.log(`floor: ${floorName}, median ${floorMs.toFixed(1)} ms on this machine (ratios below are to the floor of the same round)`);
  console.log(`${'command'.padEnd(w)}  median  p90     target  result`);
  for (const r of rows) {
    const ok = r.median <= target;
    console.log(`${r.name.padEnd(w)}  ${r.median.toFixed(2)}x   ${r.p90.toFixed(2)}x   ${target.toFixed(2)}x   ${ok ? 'PASS' : 'FAIL'}`);
  }
  return rows.every((r) => r.median <= target);
}

/** A `git-conductor` on PATH (in `<root>/bin`) that runs `cli`, so `git conductor …` and installed hooks find it. Returns the bin dir. */
export function writeShim(root, cli) {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'git-conductor'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  chmodSync(join(bin, 'git-conductor'), 0o755);
  return bin;
}
