/** npm run bench --quick: the report's shape (a ratio per command and graph, and a verdict), not its timings. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';

// End to end, not a timing assertion: timings depend on the machine; the
// shape of the report (a ratio per command and graph, a verdict) does not.
it('npm run bench (quick) prints a ratio to the node floor for every command on both graphs', () => {
  const r = spawnSync(process.execPath, [resolve(__dirname, '../scripts/bench.mjs'), '--quick', '--core-only'], {
    env: testEnv(),
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/floor: node -e 0, median \d+\.\d ms/);
  for (const graph of ['7 phases', '200 phases']) {
    for (const cmd of ['status', 'next', 'claim']) {
      expect(r.stdout).toMatch(new RegExp(`^${cmd} \\(${graph}\\)\\s+\\d+\\.\\d\\dx\\s+\\d+\\.\\d\\dx\\s+1\\.30x\\s+(PASS|FAIL)$`, 'm'));
    }
  }
  expect(r.stdout).toMatch(/^(PASS|FAIL): /m);
});
