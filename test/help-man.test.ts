/**
 * Help and the man page: `git conductor help [<command>]` prints commander's help with `git conductor` in the
 * usage lines; the generated git-conductor(1) names every command and option the CLI defines (walked here
 * through the CLI's own help, so the page is checked against the definitions, not against itself), renders
 * without roff warnings, and is what `git conductor --help` opens through git when man finds it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { testEnv } from './helpers/env.js';
import { shimBin } from './helpers/hooks.js';
import { makeRepo, tempDir } from './helpers/repo.js';

const PAGE = resolve(__dirname, '../man/git-conductor.1');
const { version } = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8'));

let repo: string;
let rendered: string;
beforeAll(async () => {
  repo = await makeRepo();
  const r = spawnSync('man', ['--warnings', '-l', PAGE], {
    env: testEnv({ MANPAGER: 'cat', MANWIDTH: '250', LANG: 'C.UTF-8' }),
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  rendered = r.stdout.replace(/.\u0008/g, '');
});

/** The commands and option flags of `<path> --help`, parsed from commander's help text. */
function helpOf(path: string[]): { commands: string[]; options: string[]; usage: string } {
  const r = conductor([...path, '--help'], { cwd: repo });
  expect(r.code).toBe(0);
  const section = (name: string) => {
    const m = new RegExp(`\\n${name}:\\n([\\s\\S]*?)(\\n\\n|$)`).exec(r.stdout);
    return (m?.[1] ?? '')
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(/\s{2,}/)[0]!);
  };
  return {
    commands: section('Commands')
      .map((c) => c.split(' ')[0]!)
      .filter((c) => c !== 'help'),
    options: section('Options'),
    usage: r.stdout.split('\n')[0]!,
  };
}

describe('git conductor help', () => {
  it('prints the usage with "git conductor", for the program and for each command', () => {
    expect(helpOf([]).usage).toBe('Usage: git conductor [options] [command]');
    expect(helpOf(['claim']).usage).toBe('Usage: git conductor claim [options] <phase>');
    expect(helpOf(['hooks', 'install']).usage).toBe('Usage: git conductor hooks install [options]');
    expect(conductor(['help', 'claim'], { cwd: repo }).stdout).toMatch(/^Usage: git conductor claim \[options\] <phase>\n/);
    expect(conductor(['help'], { cwd: repo }).stdout).toMatch(/help \[options\] \[command\.\.\.\]\s+help for a command/);
    expect(conductor(['help', 'hooks', 'install'], { cwd: repo }).stdout).toMatch(/^Usage: git conductor hooks install \[options\]\n/);
    const unknown = conductor(['help', 'hooks', 'nope', '--json'], { cwd: repo });
    expect([unknown.code, unknown.json.error.message]).toEqual([2, "unknown command 'hooks nope' (see 'git conductor help')"]);
    const bad = conductor(['clam'], { cwd: repo });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("(Did you mean claim?) (see 'git conductor help')")]);
  });
});

describe('git-conductor(1)', () => {
  it('names every command and every option the CLI defines, and the package version', () => {
    const walk = (path: string[]): number => {
      const h = helpOf(path);
      if (path.length) expect(rendered, path.join(' ')).toContain(`git conductor ${path.join(' ')}`);
      for (const o of h.options) if (o !== '-h, --help' || !path.length) expect(rendered, `${path.join(' ')} ${o}`).toContain(o);
      return 1 + h.commands.reduce((n, c) => n + walk([...path, c]), 0);
    };
    expect(walk([])).toBeGreaterThan(20);
    expect(rendered).not.toContain('__phases');
    expect(readFileSync(PAGE, 'utf8')).toMatch(
      new RegExp(`^\\.TH GIT\\\\-CONDUCTOR 1 "\\d{4}-\\d\\d-\\d\\d" "git\\\\-conductor ${version.replace(/\./g, '\\.')}"`, 'm'),
    );
    for (const s of ['EXIT STATUS', 'ENVIRONMENT', 'CONDUCTOR_AGENT', 'SEE ALSO']) expect(rendered).toContain(s);
  });

  it('is what `git conductor --help` and `git help conductor` open, once man can find it', () => {
    const manpath = tempDir('conductor-man-');
    mkdirSync(join(manpath, 'man1'));
    symlinkSync(PAGE, join(manpath, 'man1', 'git-conductor.1'));
    const env = testEnv({ MANPATH: manpath, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100', PATH: `${shimBin()}:${process.env.PATH}` });
    for (const args of [
      ['conductor', '--help'],
      ['help', 'conductor'],
    ]) {
      const r = spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.replace(/.\u0008/g, '')).toMatch(/GIT-CONDUCTOR\(1\)[\s\S]*git conductor claim \[options\] <phase>/);
    }
    // Without the page, git says so: the README's install lines are what put it where man looks.
    const missing = spawnSync('git', ['conductor', '--help'], { cwd: repo, env: { ...env, MANPATH: tempDir() }, encoding: 'utf8' });
    expect(missing.stderr).toContain('No manual entry for git-conductor');
  });
});
