/** templates/SKILL.md tells agents what to run: every command, flag and example in it must be real. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haltReason, validateArtifact } from '../src/core/artifacts.js';
import { conductor } from './helpers/cli.js';
import { tempDir } from './helpers/repo.js';

const skill = readFileSync(resolve(__dirname, '../templates/SKILL.md'), 'utf8');

describe('templates/SKILL.md', () => {
  it('mentions only commands and flags the CLI has', () => {
    const cwd = tempDir();
    const used = [...skill.matchAll(/git conductor ([a-z]+)((?: (?:<[a-z]+>|[a-z]+|--[a-z-]+(?: [0-9a-z]+)?))*)/g)];
    expect(used.length).toBeGreaterThan(8);
    for (const [, cmd, rest] of used) {
      // `artifact show <phase>`: leading plain words are subcommands.
      const sub = /^((?: [a-z]+)*)/.exec(rest!)![1]!.trim().split(' ').filter(Boolean);
      const help = conductor([cmd!, ...sub, '--help'], { cwd });
      expect(help.code, `git conductor ${cmd} ${sub.join(' ')}`).toBe(0);
      // Help for an unknown command falls back to its parent's: make sure it is this command's.
      expect(help.stdout).toMatch(new RegExp(`^Usage: git conductor ${[cmd, ...sub].join(' ')} `));
      for (const flag of rest!.match(/--[a-z-]+/g) ?? []) expect(help.stdout, `${cmd} ${flag}`).toContain(flag);
    }
  });

  it('documents every exit code', () => {
    for (const code of [0, 1, 2, 3, 4, 5]) expect(skill).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });

  it('its example artifact is valid and does not halt the sprint', () => {
    const example = JSON.parse(/```json\n(.*)\n```/.exec(skill)![1]!);
    expect(example.phase).toBe('qa');
    expect(haltReason('qa', validateArtifact('qa', 'example', example))).toBeUndefined();
  });

  it('names every field that can halt a sprint', () => {
    for (const f of [
      'findings',
      'blocking',
      'fixed',
      'wontfix',
      'reason',
      'severity',
      'status',
      'tests_run',
      'tests_failed',
      'critical',
      'high',
      'budget',
      'consecutive_failures',
      'stuck_on',
    ]) {
      expect(skill).toContain(`\`${f}`);
    }
  });
});
