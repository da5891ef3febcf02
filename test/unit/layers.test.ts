/**
 * The layering the README's Architecture section states, checked on the
 * sources: cli → api → core / store / remote / hooks → git, core pure, only
 * cli/ reading the environment, and no exit number standing in for a meaning.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const importsOf = (file: string) =>
  [...readFileSync(join(SRC, file), 'utf8').matchAll(/(?:from |import\()'(\.[^']+)'/g)].map(
    (m) =>
      resolve(join(SRC, file, '..'), m[1]!)
        .slice(SRC.length + 1)
        .split('/')[0]!,
  );

/** The files below cli/ that may touch process.env, and why. */
const ENV_EXCEPTIONS: Record<string, string> = {
  // Hands the inherited environment to the git it spawns; it reads no variable's meaning.
  'git/git.ts': 'passes the environment on to git',
  // GIT_DIR, GIT_COMMON_DIR, GIT_WORK_TREE: set by git around a hook; discovery must then ask git, as git itself does.
  'store/repo.ts': "git's own discovery variables",
};

describe('layers', () => {
  it('only cli/ reads process.env (and the listed exceptions)', () => {
    const code = (f: string) =>
      readFileSync(join(SRC, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
    const readers = files('.').filter((f) => !f.startsWith('cli/') && /process\.env\b/.test(code(f)));
    expect(readers.filter((f) => !(f in ENV_EXCEPTIONS))).toEqual([]);
  });
  it('api/ never imports git/ or cli/', () => {
    for (const f of files('api'))
      expect(
        importsOf(f).filter((d) => d === 'git' || d === 'cli'),
        f,
      ).toEqual([]);
  });
  it('core/ imports only core/ and uses no node: modules', () => {
    for (const f of files('core')) {
      expect(
        importsOf(f).filter((d) => d !== 'core'),
        f,
      ).toEqual([]);
      expect(readFileSync(join(SRC, f), 'utf8'), f).not.toMatch(/from 'node:/);
    }
  });
  it('store/, remote/, hooks/, server/ and git/ never import api/ or cli/', () => {
    for (const dir of ['store', 'remote', 'hooks', 'server', 'git'])
      for (const f of files(dir))
        expect(
          importsOf(f).filter((d) => d === 'api' || d === 'cli'),
          f,
        ).toEqual([]);
  });
  it('no exit code is compared as a number outside the error table', () => {
    for (const f of [
      ...files('api'),
      ...files('remote'),
      ...files('store'),
      ...files('hooks'),
      ...files('server'),
      ...files('core'),
    ].filter((x) => x !== 'core/errors.ts')) {
      expect(readFileSync(join(SRC, f), 'utf8'), f).not.toMatch(/exitCode\s*[!=]==?\s*\d/);
    }
  });
});
