/** Output goes straight to the file descriptors: no command creates the process.stdout stream. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { CLI, makeRepo, tempDir } from './helpers/repo.js';

describe('output', () => {
  it('never creates process.stdout, in the hooks commands or in status', async () => {
    const repo = await makeRepo();
    const trap = join(tempDir(), 'trap.cjs');
    // Reports any use of the lazily created stream (it costs start-up time on a pipe).
    writeFileSync(trap, `const d = Object.getOwnPropertyDescriptor(process, 'stdout');
Object.defineProperty(process, 'stdout', { configurable: true, get() { require('fs').writeSync(2, 'process.stdout created\\n'); return d.get.call(process); } });\n`);
    for (const args of [['hooks', 'status'], ['hooks', 'install'], ['status'], ['start'], ['status']]) {
      const r = spawnSync(process.execPath, ['-r', trap, CLI, ...args], { cwd: repo, env: testEnv({ CONDUCTOR_AGENT: 'a' }), encoding: 'utf8' });
      expect(r.stderr, args.join(' ')).not.toContain('process.stdout created');
      expect(r.stdout.length + r.stderr.length, args.join(' ')).toBeGreaterThan(0);
    }
  });
});
