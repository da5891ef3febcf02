/** Start-up stays lean: output goes straight to the file descriptors (no process.stdout stream), and no node:crypto for reading commands. */
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

  it('loads no node:crypto for the everyday commands: it costs start-up time, and only a completion, an override or a claim token hash', async () => {
    const repo = await makeRepo();
    const probe = join(tempDir(), 'builtins.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => { if (process.moduleLoadList.includes('NativeModule crypto')) require('fs').writeSync(2, 'node:crypto loaded\\n'); });\n`,
    );
    conductor(['start'], { cwd: repo, agent: 'a' });
    for (const args of [['status'], ['next'], ['resume'], ['context'], ['log']]) {
      const r = conductor(args, { cwd: repo, agent: 'a', nodeArgs: ['-r', probe] });
      expect(r.code, args.join(' ') + r.stderr).toBe(0);
      expect(r.stderr, args.join(' ')).not.toContain('node:crypto loaded');
    }
  });
});
