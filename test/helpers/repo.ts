/** Throwaway git repositories and a way to run the real CLI against them. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { afterAll } from 'vitest';
import { testEnv } from './env.js';

export const CLI = resolve(__dirname, '../../dist/cli.cjs');

const made: string[] = [];
afterAll(() => {
  if (!process.env.KEEP_TEST_REPOS) for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'conductor-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}

export function gitIn(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, completion: { onExit: false } }).env(testEnv() as Record<string, string>);
}

/** A repository with one commit on `main`. */
export async function makeRepo(): Promise<string> {
  const dir = tempDir();
  const g = gitIn(dir);
  await g.init(['-b', 'main']);
  writeFileSync(join(dir, 'README.md'), '# test\n');
  await g.add('README.md');
  await g.commit('initial');
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when it is. */
  json: any;
}

const parse = (s: string) => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

export function cli(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: testEnv(opts.env), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: parse(r.stdout) };
}

export function cliAsync(args: string[], opts: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: testEnv(opts.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr, json: parse(stdout) }));
  });
}

export function gitSync(args: string[], cwd: string): string {
  const r = spawnSync('git', args, { cwd, env: testEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
