/** Output goes straight to the file descriptors: no command creates the process.stdout stream. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { makeRepo, tempDir } from './helpers/repo.js';

describe('output', () => {
  it('never creates process.stdout, in the hooks commands or in status', async () => {
    const repo = await makeRepo();
    const trap = join(tempDir(), 'trap.cjs');
    // Reports any use of the lazily created stream (it costs start-up time on a pipe).
    writeFileSync(
      trap,
      `const d = Object.getOwnPropertyDescriptor(process, 'stdout');
Object.defineProperty(process, 'stdout', { configurable: true, get() { require('fs').writeSync(2, 'process.stdout created\\n'); return d.get.call(process); } });\n`,
    );
    for (const args of [['hooks', 'status'], ['hooks', 'install'], ['status'], ['start'], ['status']]) {
      const r = conductor(args, { cwd: repo, agent: 'a', nodeArgs: ['-r', trap] });
      expect(r.stderr, args.join(' ')).not.toContain('process.stdout created');
      expect(r.stdout.length + r.stderr.length, args.join(' ')).toBeGreaterThan(0);
    }
  });
});
