/** Throwaway directories and git repositories, removed after the test file (unless KEEP_TEST_REPOS is set). */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { git } from './git.js';

const made: string[] = [];
afterAll(() => {
  if (!process.env.KEEP_TEST_REPOS) for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'conductor-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}

/** A repository with one commit on `main`. */
export async function makeRepo(): Promise<string> {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# test\n');
  git(dir, 'add', 'README.md');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}
