import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';

// Round trips are counts, not timings: they do not depend on the machine, so the goals are asserted.
it('round trips per command: status none, a claim one push, a refused claim one fetch, next --claim one fetch and one push', () => {
  const r = spawnSync(process.execPath, [resolve(__dirname, '../scripts/bench-roundtrips.mjs'), '--quick'], {
    env: testEnv({ BENCH_LATENCY_MS: '5' }),
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const row = (label: string) =>
    new RegExp(`^${label.replace(/[()]/g, '\\$&')}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)`, 'm').exec(r.stdout)?.slice(1, 5).map(Number);
  expect(row('status')).toEqual([0, 0, 0, 0]);
  expect(row('claim, fresh view')?.slice(0, 3)).toEqual([1, 0, 1]);
  expect(row('claim refused (held)')?.slice(0, 3)).toEqual([1, 1, 0]);
  expect(row('next --claim')?.slice(0, 3)).toEqual([2, 1, 1]);
  expect(row('claim, fresh view')?.[3]).toBe(row('raw git push')?.[3]);
  expect(r.stdout).toMatch(/^goals: status MET; claim MET; refused claim MET; next --claim MET$/m);
  expect(r.stdout).toMatch(/^claim \/ raw git push at this latency = \d+\.\d\dx wall time/m);
});
