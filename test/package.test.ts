/**
 * The package as people install it. A fresh clone is packed (`npm pack` runs `prepare`, which builds with the
 * devDependencies), the tarball installed with husky into a new project, where `npx git-conductor` runs and a
 * `Conductor-Phase:` commit completes a phase through the husky hook; installed from a git URL, `prepare` builds
 * it on the way, so the CLI is there; installed globally into a prefix, its man
 * page is where man looks and `git conductor --help` opens it. The published files import only the declared
 * runtime dependencies. npm may use its cache (`--prefer-offline`); the registry is reachable otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { git, gitRun } from './helpers/git.js';
import { tempDir } from './helpers/repo.js';

const ROOT = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NPM = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** npm with a clean environment: no CONDUCTOR_*, no inherited npm_config_* from the test runner's own npm. */
function npm(cwd: string, args: string[], env: Record<string, string | undefined> = {}): string {
  const clean = Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('npm_'))
      .map((k) => [k, undefined]),
  );
  const r = spawnSync('npm', args, { cwd, env: testEnv({ ...clean, ...env }), encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} in ${cwd} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let tarball: string;
let clone: string;
beforeAll(() => {
  // What is committed, as a fresh clone has it: no dist/, no man/, no node_modules.
  clone = join(tempDir('conductor-clone-'), 'git-conductor');
  git(ROOT, 'clone', '-q', '--no-hardlinks', ROOT, clone);
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  npm(clone, ['ci', ...NPM]);
  const out = tempDir('conductor-pack-');
  npm(clone, ['pack', '--pack-destination', out, ...NPM]);
  tarball = join(
    out,
    readdirSync(out).find((f) => f.endsWith('.tgz'))!,
  );
}, 300_000);

describe('npm pack of a fresh clone', () => {
  it('carries the built CLI, the library, the man page, the hooks and the LICENSE; dependencies are what the files import', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const f of [
      'dist/cli.cjs',
      'dist/cli-main.cjs',
      'dist/index.mjs',
      'dist/types/api/index.d.ts',
      'dist/completions/git-conductor.bash',
      'dist/completions/git-conductor.zsh',
      'dist/completions/git-conductor.fish',
      'man/git-conductor.1',
      'hooks/post-commit',
      'hooks/pre-push',
      'LICENSE',
      'templates/SKILL.md',
    ]) {
      expect(files, f).toContain(`package/${f}`);
    }
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 git-conductor contributors\n/);
    // The CLI bundles commander; the library leaves zod and ajv to the project (one copy each), with ranges.
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['ajv', 'zod']);
    for (const range of Object.values(pkg.dependencies)) expect(range).toMatch(/^\^\d/);
    expect(pkg.devDependencies.commander).toBeDefined();
    expect(pkg.devDependencies['simple-git']).toBeUndefined();
    const lib = readFileSync(join(ROOT, 'dist', 'index.mjs'), 'utf8');
    const imported = new Set(
      [...lib.matchAll(/(?:from|import)\s*\(?"([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((s) => !s.startsWith('node:'))
        .map((s) => s.split('/')[0]!),
    );
    expect([...imported].sort()).toEqual(['ajv', 'zod']);
    const cli = readFileSync(join(ROOT, 'dist', 'cli-main.cjs'), 'utf8');
    expect(
      [...cli.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!).filter((s) => !s.startsWith('node:') && !s.startsWith('.')),
    ).toEqual([]);
  });
});

describe('installed into a new project with husky', () => {
  it('runs npx git-conductor, and a Conductor-Phase commit completes the phase through the husky hook', () => {
    const project = tempDir('conductor-project-');
    git(project, 'init', '-q', '-b', 'main');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'demo-app', version: '1.0.0', private: true }, null, 2));
    writeFileSync(join(project, '.gitignore'), 'node_modules/\n');
    npm(project, ['i', '-D', tarball, `husky@${pkg.devDependencies.husky}`, ...NPM]);
    const npx = (...args: string[]) => {
      const r = spawnSync('npx', ['--no-install', 'git-conductor', ...args], {
        cwd: project,
        env: testEnv({ CONDUCTOR_AGENT: 'newcomer' }),
        encoding: 'utf8',
      });
      expect(r.status, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
      return r.stdout;
    };
    expect(npx('--version').trim()).toBe(pkg.version);
    expect(spawnSync('npx', ['--no-install', 'husky'], { cwd: project, env: testEnv() }).status).toBe(0);
    expect(JSON.parse(npx('hooks', 'install', '--json')).mode).toBe('husky');
    git(project, 'add', '.');
    git(project, 'commit', '-q', '--no-verify', '-m', 'initial');
    expect(npx('start')).toMatch(/started sprint \S+ \(7 phases, graph from default\)/);
    expect(npx('claim', 'think')).toContain('claimed think as newcomer');
    // git-conductor is not on PATH: the hook finds the project's own node_modules/.bin.
    const path = (process.env.PATH ?? '')
      .split(':')
      .filter((d) => !existsSync(join(d, 'git-conductor')))
      .join(':');
    const c = gitRun(project, ['commit', '--allow-empty', '-m', 'think it through', '-m', 'Conductor-Phase: think'], {
      env: { CONDUCTOR_AGENT: 'newcomer', PATH: path },
    });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toContain('git-conductor: completed think');
    expect(JSON.parse(npx('status', '--json')).phases.think.state).toBe('done');
  }, 240_000);
});

describe('installed globally', () => {
  it('links the man page where man looks, so git conductor --help opens it', () => {
    const prefix = tempDir('conductor-global-');
    npm(ROOT, ['i', '-g', '--prefix', prefix, tarball, ...NPM]);
    expect(existsSync(join(prefix, 'share', 'man', 'man1', 'git-conductor.1'))).toBe(true);
    const repo = tempDir('conductor-repo-');
    git(repo, 'init', '-q');
    const env = testEnv({
      PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
      MANPATH: join(prefix, 'share', 'man'),
      MANPAGER: 'cat',
      PAGER: 'cat',
      MANWIDTH: '100',
    });
    const r = spawnSync('git', ['conductor', '--help'], { cwd: repo, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.replace(/.\u0008/g, '')).toMatch(/GIT-CONDUCTOR\(1\)[\s\S]*git conductor start/);
    expect(spawnSync('git', ['conductor', 'whoami'], { cwd: repo, env, encoding: 'utf8' }).stdout).toMatch(/chosen by/);
  }, 240_000);
});

describe('installed from a git URL', () => {
  it('is built by prepare on the way, so the CLI runs', () => {
    const project = tempDir('conductor-gitdep-');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'from-git', version: '1.0.0', private: true }));
    npm(project, ['i', '-D', `git+file://${clone}`, ...NPM]);
    const installed = join(project, 'node_modules', 'git-conductor');
    for (const f of ['dist/cli.cjs', 'dist/index.mjs', 'man/git-conductor.1']) expect(existsSync(join(installed, f)), f).toBe(true);
    const r = spawnSync('npx', ['--no-install', 'git-conductor', '--version'], { cwd: project, env: testEnv(), encoding: 'utf8' });
    expect([r.status, r.stdout.trim()]).toEqual([0, pkg.version]);
  }, 240_000);
});
