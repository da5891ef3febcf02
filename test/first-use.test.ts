/**
 * What a user meets on day one, each as a user would meet it through the CLI: durations need a unit, status
 * says only what is missing and which phases wait on their class, `next --claim` says what happened, `whoami`
 * names its rule, `--pid` is shown, unknown sprints and bare repositories are refused, `deinit` points at the
 * hooks it left, `start --phases` objects keep their lease, holders are `{agent, host, at}`, counts are
 * pluralised, the status table fits the terminal, and an unreachable remote is named by what git said.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git, gitRun, hasRef } from './helpers/git.js';
import { hookEnv } from './helpers/hooks.js';
import { makeBare, makeClone } from './helpers/remote.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { repoPerTest } from './helpers/sprint.js';
import { snapshot } from './helpers/state.js';

const t = repoPerTest();
const human = (...args: string[]) => conductor(args, { cwd: t.repo, env: { COLUMNS: '200' } });

describe('durations', () => {
  it('refuses a bare number for --ttl, saying which units there are', () => {
    t.ok('start');
    const msg = t.no(2, 'E_BAD_DURATION', 'claim', 'think', '--ttl', '2');
    expect(msg).toContain('with a unit: s (seconds), m (minutes), h (hours) or d (days)');
    expect(t.ok('claim', 'think', '--ttl', '2m').expires_at).toBeDefined();
  });

  it('keeps the lease_ttl of a start --phases object for every claim of the sprint', () => {
    t.ok('start', '--phases', '{"phases":[{"name":"a"}],"lease_ttl":"2h"}');
    const c = t.ok('claim', 'a');
    expect(Date.parse(c.expires_at) - Date.parse(c.claimed_at)).toBe(2 * 3600_000);
    t.no(2, 'E_BAD_DURATION', 'start', '--phases', '{"phases":[{"name":"a"}],"lease_ttl":"5"}');
  });
});

describe('status', () => {
  it('lists only the dependencies still missing, and shows a phase its class refuses as waiting', () => {
    t.ok('start');
    for (const p of ['think', 'plan', 'build']) t.finish(p);
    t.finish('review');
    t.finish('qa');
    expect(human('status').stdout).toMatch(/\nship\s+pending\s+needs security\n/);
    t.ok('start', '--phases', '[{"name":"api"},{"name":"ui"}]');
    t.ok('claim', 'api', '--agent', 'ana');
    expect(t.ok('status').phases.ui).toMatchObject({ state: 'ready', excluded_by: 'api' });
    expect(human('status').stdout).toMatch(/\nui\s+waiting\s+waits for api \(write vs write\)\n/);
  });

  it("shows a claim's --pid, in status and when claiming", () => {
    t.ok('start');
    expect(human('claim', 'think', '--agent', 'ana', '--pid', '4242').stdout).toContain('as ana (pid 4242)');
    expect(t.ok('status').phases.think.pid).toBe(4242);
    expect(human('status').stdout).toMatch(/think\s+running\s+ana@\S+\s+\S+ ago\s+60m left, pid 4242/);
  });

  it('sizes the agent column to its content, cuts long names with an ellipsis, and fits the terminal', () => {
    t.ok('start');
    const long = `agent-${'x'.repeat(80)}`;
    t.ok('claim', 'think', '--agent', long);
    const lines = (cols: string) =>
      conductor(['status'], { cwd: t.repo, env: { COLUMNS: cols } })
        .stdout.split('\n')
        .filter((l) => /^(PHASE|think|plan|ship)\b/.test(l));
    for (const cols of ['60', '80', '200']) {
      for (const l of lines(cols)) expect(l.length, `${cols}: ${l}`).toBeLessThanOrEqual(Math.max(Number(cols), 60));
    }
    expect(lines('200').find((l) => l.startsWith('think'))).toMatch(/agent-x+…/);
    // Short names: no padding to a fixed width.
    t.ok('start', '--phases', '[{"name":"think"}]');
    t.ok('claim', 'think', '--agent', 'al');
    expect(lines('200').find((l) => l.startsWith('think'))).toMatch(/^think\s+running\s+al@\S+ {2}\S/);
  });
});

describe('next --claim', () => {
  it('says what it claimed, and says clearly (exit 0) when nothing can be claimed and why', () => {
    t.ok('start');
    const first = human('next', '--claim', '--agent', 'ana');
    expect(first.stdout).toMatch(/^✓ claimed think as ana \(lease 60m, until \S+\)\n {2}claim token \S+: .+\n$/);
    const none = human('next', '--claim', '--agent', 'bo');
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^nothing to claim now: running: think \(ana@\S+\); plan needs think/);
    expect(t.ok('next', '--claim', '--agent', 'bo')).toMatchObject({ phase: null, reason: expect.stringContaining('running: think') });
    // Without --claim the output stays the bare name, or nothing, for $(git conductor next).
    expect(human('next').stdout).toBe('');
  });
});

describe('whoami', () => {
  it('shows which rule chose the id, and the host', () => {
    const r = conductor(['whoami'], { cwd: t.repo, agent: 'robot-1' });
    expect(r.stdout).toMatch(/^robot-1 \(chosen by CONDUCTOR_AGENT; host \S+\)\n$/);
    expect(conductor(['whoami'], { cwd: t.repo }).stdout).toMatch(
      / \(chosen by default \(user, worktree, (terminal session|agent process): .+\); host /,
    );
  });
});

describe('refusals', () => {
  it('log --sprint with an unknown sprint is an error naming it (exit 2)', () => {
    const id = t.ok('start').sprint_id;
    const msg = t.no(2, 'E_UNKNOWN_SPRINT', 'log', '--sprint', '20000101-000000-abcdef');
    expect(msg).toContain('unknown sprint "20000101-000000-abcdef"');
    // Not even an id: named as such, with what ids look like.
    expect(t.no(2, 'E_BAD_SPRINT_ID', 'log', '--sprint', 'nope')).toContain('ids look like');
    expect(msg).toContain(id);
    expect(t.ok('log', '--sprint', id).entries.length).toBeGreaterThan(0);
  });

  it('start, claim and hooks install refuse a bare repository, and write nothing into it', () => {
    const { bare } = makeBare();
    const before = snapshot(bare);
    for (const args of [['start'], ['claim', 'think'], ['hooks', 'install']]) {
      const r = conductor([...args, '--json'], { cwd: bare });
      expect([r.code, r.json.error.code], args.join(' ')).toEqual([2, 'E_BARE_REPO']);
      expect(r.json.error.message).toContain('is a bare repository: run it in a clone of it');
    }
    expect(snapshot(bare)).toEqual(before);
  });

  it('names the holder as {agent, host, at} in E_HELD and E_NOT_HOLDER', () => {
    t.ok('start');
    t.ok('claim', 'think', '--agent', 'ana');
    for (const args of [
      ['claim', 'think', '--agent', 'bo'],
      ['complete', 'think', '--agent', 'bo'],
    ]) {
      const r = conductor([...args, '--json'], { cwd: t.repo });
      expect(Object.keys(r.json.error.holder).sort(), args.join(' ')).toEqual(['agent', 'at', 'host']);
      expect(r.json.error.holder.agent).toBe('ana');
    }
  });
});

describe('wording', () => {
  it('pluralises counts', () => {
    expect(human('start', '--phases', '[{"name":"solo"}]').stdout).toMatch(/\(1 phase, graph from inline\)/);
    expect(human('start').stdout).toMatch(/\(7 phases, /);
    expect(human('clean').stdout).toMatch(/^removed 0 archived sprints, kept \d+\n$/);
  });

  it("says how an unreachable remote failed, not git's closing boilerplate", () => {
    const a = makeClone(makeBare().url, 'alice');
    git(a.dir, 'remote', 'set-url', 'origin', `file://${join(tempDir(), 'gone.git')}`);
    const r = a.run(['status', '--fetch']);
    expect([r.code, r.json.error.code]).toEqual([5, 'E_REMOTE_UNREACHABLE']);
    expect(r.json.error.message).not.toMatch(/and the repository exists|Please make sure/);
    expect(r.json.error.message).toMatch(/gone\.git' does not appear to be a git repository/);
  });
});

describe('deinit', () => {
  it('after deinit --keep-hooks, says the hooks are still installed and how to remove them', () => {
    const a = makeClone(makeBare().url, 'alice');
    const kept = conductor(['deinit', '--keep-hooks'], { cwd: a.dir });
    expect(kept.stdout).toContain(
      "the git hooks are still installed (post-commit, pre-push): 'git conductor hooks uninstall' removes them",
    );
    const again = a.run(['deinit']);
    expect(again.json).toMatchObject({ remote: null, hooks_left: ['post-commit', 'pre-push'] });
    expect(conductor(['deinit'], { cwd: a.dir }).stdout).toContain("'git conductor hooks uninstall' removes them");
    a.run(['hooks', 'uninstall']);
    expect(a.run(['deinit']).json.hooks_left).toBeUndefined();
  });
});

describe('the first push to an empty remote', () => {
  it('passes the ship gate while a sprint is active (nothing to protect yet); the next push of main is gated', async () => {
    const repo = await makeRepo();
    const remote = join(tempDir('conductor-remote-'), 'empty.git');
    git(repo, 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', `file://${remote}`);
    expect(conductor(['hooks', 'install', '--json'], { cwd: repo }).code).toBe(0);
    expect(conductor(['start', '--json'], { cwd: repo }).code).toBe(0);
    const first = gitRun(repo, ['push', 'origin', 'main'], { env: hookEnv() });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('first push to an empty remote: nothing to protect there yet');
    expect(hasRef(remote, 'refs/heads/main')).toBe(true);
    writeFileSync(join(repo, 'x.txt'), 'x\n');
    git(repo, 'add', 'x.txt');
    git(repo, 'commit', '-q', '-m', 'more');
    const second = gitRun(repo, ['push', 'origin', 'main'], { env: hookEnv() });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('push of refs/heads/main refused');
  });
});
