/** Repositories with our hooks installed, and the environment in which git runs them as a user would: PATH finds `git conductor`. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CLI, conductor } from './cli.js';
import { git, gitRun, type RunResult } from './git.js';
import { makeRepo, tempDir } from './repo.js';

let shimDir: string | undefined;

/** A directory holding a `git-conductor` that runs the built CLI, so hooks and `git conductor` find it. */
export function shimBin(): string {
  if (shimDir) return shimDir;
  shimDir = tempDir('conductor-bin-');
  const shim = join(shimDir, 'git-conductor');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
  return shimDir;
}

/** PATH with the shim first (or, with `cli: false`, with no git-conductor at all). */
export function hookEnv(extra: Record<string, string | undefined> = {}, opts: { cli?: boolean } = {}): Record<string, string | undefined> {
  const path = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('conductor-bin-'));
  return { PATH: [...(opts.cli === false ? [] : [shimBin()]), ...path].join(delimiter), ...extra };
}

/** Commits one file change with the given message paragraphs, as `agent`. */
export function commit(
  cwd: string,
  agent: string,
  message: string[],
  files: Record<string, string | Uint8Array> = {},
  env: Record<string, string | undefined> = {},
): RunResult {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(cwd, f, '..'), { recursive: true });
    writeFileSync(join(cwd, f), text);
    git(cwd, 'add', f);
  }
  return gitRun(cwd, ['commit', '--allow-empty', ...message.flatMap((m) => ['-m', m])], {
    env: hookEnv({ CONDUCTOR_AGENT: agent, ...env }),
  });
}

/**
 * A repository with a bare `origin`, our hooks installed and a sprint whose build is done (by `builder`).
 * The remote holds one unprotected branch, `seed`: the first push to an empty remote passes the gate.
 */
export async function sprintRepo(): Promise<{ repo: string; remote: string }> {
  const repo = await makeRepo();
  const remote = join(tempDir('conductor-remote-'), 'origin.git');
  git(repo, 'init', '-q', '--bare', remote);
  git(repo, 'remote', 'add', 'origin', `file://${remote}`);
  git(repo, 'push', '-q', 'origin', 'HEAD:refs/heads/seed');
  const install = conductor(['hooks', 'install', '--json'], { cwd: repo });
  if (install.code !== 0) throw new Error(install.stderr);
  const builder = (...args: string[]) => conductor([...args, '--json'], { cwd: repo, agent: 'builder' });
  builder('start');
  for (const p of ['think', 'plan', 'build']) {
    if (builder('claim', p).code !== 0 || builder('complete', p).code !== 0) throw new Error(`could not finish ${p}`);
  }
  return { repo, remote };
}

export const phaseOf = (repo: string, phase: string) => conductor(['status', '--json'], { cwd: repo }).json.phases[phase];
