/**
 * How the hooks find the CLI when PATH does not have it: in a monorepo (package.json in app/, hooks run at the
 * repository's top), by the path `hooks install` recorded, and in a linked worktree of a husky project, where
 * husky's `.husky/_` does not exist until husky runs there.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, conductor } from './helpers/cli.js';
import { testEnv } from './helpers/env.js';
import { git, gitRun } from './helpers/git.js';
import { hookEnv, phaseOf } from './helpers/hooks.js';
import { makeRepo, tempDir } from './helpers/repo.js';

const noCli = (agent: string) => hookEnv({ CONDUCTOR_AGENT: agent }, { cli: false });
const trailerCommit = (cwd: string, agent: string, phase: string) =>
  gitRun(cwd, ['commit', '--allow-empty', '-m', `${phase} done`, '-m', `Conductor-Phase: ${phase}`], { env: noCli(agent) });

describe('a monorepo: package.json in app/', () => {
  it("finds app/node_modules/.bin/git-conductor from the repository's top, for post-commit, pre-push and hooks status", async () => {
    const repo = await makeRepo();
    mkdirSync(join(repo, 'app', 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(repo, 'app', 'package.json'), '{"name":"app","private":true}\n');
    const bin = join(repo, 'app', 'node_modules', '.bin', 'git-conductor');
    writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(bin, 0o755);
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    git(repo, 'add', '.gitignore', 'app/package.json');
    git(repo, 'commit', '-q', '-m', 'app');
    expect(conductor(['hooks', 'install', '--json'], { cwd: join(repo, 'app') }).code).toBe(0);
    // Only the package.json search is left: nothing on PATH, nothing recorded.
    git(repo, 'config', '--unset', 'conductor.cli');
    expect(conductor(['start', '--json'], { cwd: repo, agent: 'ana' }).code).toBe(0);
    expect(conductor(['claim', 'think', '--json'], { cwd: repo, agent: 'ana' }).code).toBe(0);
    const c = trailerCommit(repo, 'ana', 'think');
    expect(c.stderr).toContain('git-conductor: completed think');
    expect(phaseOf(repo, 'think').state).toBe('done');
    const status = conductor(['hooks', 'status', '--json'], { cwd: repo, env: { PATH: noCli('ana').PATH } });
    expect(status.json.cli).toBe(bin);
    // pre-push runs the gate (refusing: review, qa and security are not done), not "CLI not found".
    const remote = join(tempDir('conductor-remote-'), 'o.git');
    git(repo, 'init', '-q', '--bare', remote);
    git(repo, 'remote', 'add', 'origin', remote);
    git(repo, 'push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/seed');
    const push = gitRun(repo, ['push', 'origin', 'main'], { env: noCli('ana') });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('push of refs/heads/main refused');
  });

  it('uses the path hooks install recorded, and says clearly when there is none and no CLI anywhere', async () => {
    const repo = await makeRepo();
    const installed = conductor(['hooks', 'install', '--json'], { cwd: repo });
    expect(installed.json.recorded_cli).toBe(CLI);
    expect(git(repo, 'config', 'conductor.cli')).toBe(CLI);
    expect(conductor(['start', '--json'], { cwd: repo, agent: 'ana' }).code).toBe(0);
    expect(conductor(['claim', 'think', '--json'], { cwd: repo, agent: 'ana' }).code).toBe(0);
    expect(trailerCommit(repo, 'ana', 'think').stderr).toContain('git-conductor: completed think');
    git(repo, 'config', '--unset', 'conductor.cli');
    expect(conductor(['claim', 'plan', '--json'], { cwd: repo, agent: 'ana' }).code).toBe(0);
    const lost = trailerCommit(repo, 'ana', 'plan');
    expect(lost.code).toBe(0);
    expect(lost.stderr).toContain(
      "git-conductor - CLI not found on PATH, where 'git conductor hooks install' recorded it, or in node_modules/.bin next to a tracked package.json",
    );
    const status = conductor(['hooks', 'status'], { cwd: repo, env: { PATH: noCli('ana').PATH } });
    expect(status.stdout).toContain('the hooks cannot find git-conductor');
    // uninstall takes the record away too.
    conductor(['hooks', 'install', '--json'], { cwd: repo });
    conductor(['hooks', 'uninstall', '--json'], { cwd: repo });
    expect(gitRun(repo, ['config', 'conductor.cli']).code).toBe(1);
  });
});

describe('a linked worktree of a husky project', () => {
  it('says husky has not set it up (never to write into .husky/_), and once husky runs there a trailer commit completes the phase', async () => {
    const repo = await makeRepo();
    const husky = resolve(__dirname, '../node_modules/husky/bin.js');
    expect(spawnSync(process.execPath, [husky], { cwd: repo, env: testEnv() }).status).toBe(0);
    expect(conductor(['hooks', 'install', '--json'], { cwd: repo }).json.mode).toBe('husky');
    git(repo, 'add', '.husky');
    git(repo, 'commit', '-q', '--no-verify', '-m', 'hooks');
    const wt = join(tempDir('conductor-wt-'), 'feature');
    git(repo, 'worktree', 'add', '-q', '-b', 'feature', wt);
    expect(existsSync(join(wt, '.husky', '_'))).toBe(false);

    const status = conductor(['hooks', 'status'], { cwd: wt });
    expect(status.stdout).toContain(
      "husky has not set up this worktree (its .husky/_ is missing, so git runs no hooks here): run 'npx husky' in this worktree",
    );
    expect(status.stdout).not.toMatch(/hooks directory: .*\.husky\/_/);
    expect(status.stdout).toMatch(/✓ post-commit\s+installed/);
    expect(conductor(['hooks', 'status', '--json'], { cwd: wt }).json).toMatchObject({
      mode: 'husky',
      husky_missing: { advice: expect.any(String) },
    });
    // hooks install there edits only the tracked scripts (already ours), and repeats the advice.
    const again = conductor(['hooks', 'install'], { cwd: wt });
    expect(again.stdout).toContain("run 'npx husky' in this worktree");
    expect(existsSync(join(wt, '.husky', '_'))).toBe(false);

    expect(spawnSync(process.execPath, [husky], { cwd: wt, env: testEnv() }).status).toBe(0);
    expect(conductor(['start', '--json'], { cwd: wt, agent: 'ana' }).code).toBe(0);
    expect(conductor(['claim', 'think', '--json'], { cwd: wt, agent: 'ana' }).code).toBe(0);
    // No node_modules in the worktree and nothing on PATH: the CLI recorded at install time runs.
    expect(existsSync(join(wt, 'node_modules'))).toBe(false);
    const c = trailerCommit(wt, 'ana', 'think');
    expect(c.stderr).toContain('git-conductor: completed think');
    expect(phaseOf(repo, 'think').state).toBe('done');
    expect(conductor(['hooks', 'status', '--json'], { cwd: wt }).json.husky_missing).toBeUndefined();
    rmSync(wt, { recursive: true, force: true });
  });
});
