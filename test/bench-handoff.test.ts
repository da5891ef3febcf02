import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';

// The shape of the report, not a timing assertion: a ratio to `status` per command and a verdict.
it('scripts/bench-handoff.mjs (quick) prints context, resume and journal as ratios to status', () => {
  const r = spawnSync(process.execPath, [resolve(__dirname, '../scripts/bench-handoff.mjs'), '--quick'], {
    env: testEnv(),
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/floor: git conductor status, median \d+\.\d ms/);
  for (const cmd of ['context', 'context --phase ship', 'resume', 'journal']) {
    expect(r.stdout).toMatch(new RegExp(`^${cmd}\\s+\\d+\\.\\d\\dx\\s+\\d+\\.\\d\\dx\\s+1\\.30x\\s+(PASS|FAIL)$`, 'm'));
  }
  expect(r.stdout).toMatch(/^(PASS|FAIL): /m);
});
