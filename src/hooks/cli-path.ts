/**
 * Where the hook stubs find the CLI, and the record that makes it findable
 * where PATH does not have it. The stubs (hooks/post-commit, hooks/pre-push)
 * search in this order, and findCli() searches the same way, so `hooks status`
 * says what the hooks will run: PATH; the path recorded in the repository's
 * git config (shared by every worktree, so a linked worktree without
 * node_modules finds it); node_modules/.bin next to each tracked package.json
 * (a monorepo's app/); ./node_modules/.bin.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { git } from '../git/git.js';

/** The git config key the stubs read. */
export const CLI_KEY = 'conductor.cli';

export function isExecutable(f: string): boolean {
  try {
    accessSync(f, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Records `cli` for the stubs; only an executable file is worth recording. */
export function recordCli(top: string, cli: string | undefined): string | undefined {
  if (!cli || !isExecutable(cli)) return undefined;
  git(['config', CLI_KEY, cli], { cwd: top });
  return cli;
}

export function forgetCli(cwd: string): void {
  git(['config', '--unset', CLI_KEY], { cwd, allowFail: true });
}

export function findCli(top: string | undefined, path: string): string | undefined {
  const onPath = path
    .split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, 'git-conductor'))
    .find(isExecutable);
  if (onPath || !top) return onPath;
  const recorded = git(['config', '--get', CLI_KEY], { cwd: top, allowFail: true }).stdout.trim();
  if (recorded && isExecutable(recorded)) return recorded;
  const packages = git(['ls-files', '--', 'package.json', '*/package.json'], { cwd: top, allowFail: true })
    .stdout.split('\n')
    .filter(Boolean);
  for (const p of packages) {
    const f = join(top, p.slice(0, -'package.json'.length), 'node_modules', '.bin', 'git-conductor');
    if (isExecutable(f)) return f;
  }
  const root = join(top, 'node_modules', '.bin', 'git-conductor');
  return isExecutable(root) ? root : undefined;
}
