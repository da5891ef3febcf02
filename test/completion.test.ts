/**
 * completion: the bash script driven through git's own bash completion (as `git conductor <TAB>` runs it),
 * the zsh and fish scripts parsed by their shells when installed, and the cost of a phase-name TAB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, conductor } from './helpers/cli.js';
import { testEnv } from './helpers/env.js';
import { shimBin } from './helpers/hooks.js';
import { makeRepo, tempDir } from './helpers/repo.js';

const GIT_COMPLETION = '/usr/share/bash-completion/completions/git';

let repo: string;
let script: string;
beforeAll(async () => {
  repo = await makeRepo();
  expect(
    conductor(
      [
        'start',
        '--phases',
        '[{"name":"design"},{"name":"backend","depends_on":["design"]},{"name":"frontend-app","depends_on":["design"]}]',
        '--json',
      ],
      { cwd: repo },
    ).code,
  ).toBe(0);
  script = join(tempDir(), 'git-conductor.bash');
  const r = conductor(['completion', 'bash'], { cwd: repo });
  expect(r.code).toBe(0);
  writeFileSync(script, r.stdout);
});

/** What bash offers for the words typed so far (the last one is the word being completed), through git's completion. */
function complete(...words: string[]): string[] {
  const driver = `
source ${GIT_COMPLETION}
source ${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
COMP_LINE="\${COMP_WORDS[*]}"
COMP_POINT=\${#COMP_LINE}
COMPREPLY=()
if [ "\${COMP_WORDS[0]}" = git ]; then __git_wrap__git_main; else _git_conductor; fi
printf '%s\\n' "\${COMPREPLY[@]}"
`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', driver], {
    cwd: repo,
    env: testEnv({ PATH: `${shimBin()}:${process.env.PATH}` }),
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .sort();
}

describe('bash completion through git', () => {
  it('finds git-conductor among git commands, and defines _git_conductor for git to call', () => {
    expect(existsSync(GIT_COMPLETION)).toBe(true);
    expect(complete('git', 'conduc')).toEqual(['conductor']);
    expect(readScript()).toContain('_git_conductor()');
  });

  it('completes verbs, subcommands, flags, the shells, and leaves flag values alone', () => {
    expect(complete('git', 'conductor', '')).toEqual(expect.arrayContaining(['start', 'claim', 'status', 'hooks', 'completion', 'help']));
    expect(complete('git', 'conductor', '')).not.toContain('__phases');
    expect(complete('git', 'conductor', 'cl')).toEqual(['claim', 'clean']);
    expect(complete('git', 'conductor', 'hooks', '')).toEqual(['install', 'status', 'uninstall']);
    expect(complete('git', 'conductor', 'hooks', 'install', '--')).toEqual(['--agent', '--help', '--json']);
    expect(complete('git', 'conductor', 'claim', '--t')).toEqual(['--ttl']);
    expect(complete('git', 'conductor', 'status', '--')).toEqual(expect.arrayContaining(['--watch', '--interval', '--fetch', '--json']));
    expect(complete('git', 'conductor', 'claim', '--ttl', '')).toEqual([]);
    expect(complete('git', 'conductor', 'completion', '')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('git', 'conductor', 'help', 'wh')).toEqual(['whoami']);
    expect(complete('git', '-C', '.', 'conductor', 'next', '--c')).toEqual(['--claim']);
  });

  it("completes the active sprint's phase names where a phase goes, and nothing after it", () => {
    expect(complete('git', 'conductor', 'claim', '')).toEqual(['backend', 'design', 'frontend-app']);
    expect(complete('git', 'conductor', 'claim', '--ttl', '30m', 'f')).toEqual(['frontend-app']);
    expect(complete('git', 'conductor', 'artifact', 'show', 'b')).toEqual(['backend']);
    expect(complete('git', 'conductor', 'complete', 'design', '')).toEqual([]);
    expect(complete('git-conductor', 'abort', 'd')).toEqual(['design']);
  });

  it('offers no phase (and prints no error) outside a repository', () => {
    const r = spawnSync(process.execPath, [CLI, '__phases'], { cwd: tempDir(), env: testEnv(), encoding: 'utf8' });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
  });
});

const readScript = () => conductor(['completion', 'bash'], { cwd: repo }).stdout;

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('zsh and fish scripts', () => {
  it('name the same verbs and flags, and parse in their shells', () => {
    for (const shell of ['zsh', 'fish'] as const) {
      const text = conductor(['completion', shell], { cwd: repo }).stdout;
      for (const w of ['claim', 'artifact', '--ttl', '--watch', '__phases']) expect(text, shell).toContain(w);
      if (has(shell)) {
        const file = join(tempDir(), `c.${shell}`);
        writeFileSync(file, text);
        const r = spawnSync(shell, shell === 'zsh' ? ['-n', file] : ['--no-execute', file], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
    }
    expect(conductor(['completion', 'tcsh', '--json'], { cwd: repo }).json.error).toMatchObject({ code: 'E_USAGE', exit_code: 2 });
  });

  const shellEnv = () => testEnv({ PATH: `${shimBin()}:${process.env.PATH}`, HOME: tempDir() });

  it.runIf(has('zsh'))('zsh: _git-conductor offers verbs, subcommands, flags and phases (compadd observed)', () => {
    const file = join(tempDir(), 'c.zsh');
    writeFileSync(file, conductor(['completion', 'zsh'], { cwd: repo }).stdout);
    const offer = (...words: string[]) => {
      const driver = `compdef() { :; }; _files() { print -l _files; }; compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }
source ${file}
words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}
_git-conductor`;
      const r = spawnSync('zsh', ['-f', '-c', driver], { cwd: repo, env: shellEnv(), encoding: 'utf8' });
      expect(r.status === 0 || r.status === 1, r.stderr).toBe(true);
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    expect(offer('git-conductor', '')).toEqual(expect.arrayContaining(['claim', 'hooks', 'status']));
    expect(offer('conductor', 'hooks', '')).toEqual(['install', 'status', 'uninstall']); // as git's _git passes them
    expect(offer('conductor', 'claim', '')).toEqual(['backend', 'design', 'frontend-app']);
    expect(offer('conductor', 'claim', '--ttl', '5m', '')).toEqual(['backend', 'design', 'frontend-app']);
    expect(offer('conductor', 'status', '--')).toEqual(expect.arrayContaining(['--watch', '--interval']));
    expect(offer('conductor', 'complete', 'design', '--artifact', '')).toEqual(['_files']);
  });

  it.runIf(has('fish'))('fish: completes `git conductor` and `git-conductor` alike', () => {
    const file = join(tempDir(), 'c.fish');
    writeFileSync(file, conductor(['completion', 'fish'], { cwd: repo }).stdout);
    const offer = (line: string) => {
      const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], {
        cwd: repo,
        env: shellEnv(),
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout
        .split('\n')
        .map((l) => l.split('\t')[0]!)
        .filter(Boolean)
        .sort();
    };
    expect(offer('git-conductor cl')).toEqual(['claim', 'clean']);
    expect(offer('git conductor hooks ')).toEqual(['install', 'status', 'uninstall']);
    expect(offer('git conductor claim ')).toEqual(['backend', 'design', 'frontend-app']);
    expect(offer('git conductor claim --t')).toEqual(['--ttl']);
  });
});

describe('a phase-name TAB', () => {
  it('costs about one Node start-up (ratio to node -e 0 in the same run)', () => {
    const env = testEnv();
    const time = (args: string[]) => {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { cwd: repo, env, encoding: 'utf8' });
      expect(r.status).toBe(0);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    time([CLI, '__phases']); // the code cache is written on the first run
    const floor: number[] = [];
    const tab: number[] = [];
    for (let i = 0; i < 15; i++) {
      floor.push(time(['-e', '0']));
      tab.push(time([CLI, '__phases']));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const ratio = median(tab) / median(floor);
    console.log(`completion (__phases): ${ratio.toFixed(2)}× node -e 0`);
    // A loaded 2-core machine spreads timings; a few bare start-ups still feel instant on TAB.
    expect(ratio).toBeLessThan(3);
  });
});
