/** Repositories with our hooks installed, and git run the way a user runs it: PATH finds `git conductor`. */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { CLI, cli, makeRepo, tempDir } from './repo.js';
import { testEnv } from './env.js';

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

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = hookEnv(), input?: string): Run {
  const r = spawnSync(cmd, args, { cwd, env: testEnv(env), encoding: 'utf8', input });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const git = (args: string[], cwd: string, env?: Record<string, string | undefined>) => run('git', args, cwd, env);

export function gitOk(args: string[], cwd: string, env?: Record<string, string | undefined>): string {
  const r = git(args, cwd, env);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** The CLI as an agent runs it. */
export const as = (agent: string, args: string[], cwd: string) => cli([...args, '--json'], { cwd, env: { CONDUCTOR_AGENT: agent } });

/** Commits one file change with the given message paragraphs, as `agent`. */
export function commit(cwd: string, agent: string, message: string[], files: Record<string, string | Uint8Array> = {}, env: Record<string, string | undefined> = {}): Run {
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(cwd, f, '..'), { recursive: true });
    writeFileSync(join(cwd, f), text);
    gitOk(['add', f], cwd);
  }
  return git(['commit', '--allow-empty', ...message.flatMap((m) => ['-m', m])], cwd, hookEnv({ CONDUCTOR_AGENT: agent, ...env }));
}

/** A repository with a bare `origin`, our hooks installed and a sprint whose build is done (by `builder`). */
export async function sprintRepo(): Promise<{ repo: string; remote: string }> {
  const repo = await makeRepo();
  const remote = join(tempDir('conductor-remote-'), 'origin.git');
  gitOk(['init', '-q', '--bare', remote], repo);
  gitOk(['remote', 'add', 'origin', `file://${remote}`], repo);
  const install = cli(['hooks', 'install', '--json'], { cwd: repo });
  if (install.code !== 0) throw new Error(install.stderr);
  as('builder', ['start'], repo);
  for (const p of ['think', 'plan', 'build']) {
    if (as('builder', ['claim', p], repo).code !== 0 || as('builder', ['complete', p], repo).code !== 0) throw new Error(`could not finish ${p}`);
  }
  return { repo, remote };
}

export const phaseOf = (repo: string, phase: string) => cli(['status', '--json'], { cwd: repo }).json.phases[phase];
