/**
 * What every verb module uses: the library loader, the JSON-or-human runner,
 * the common flags. The library is reached only through its public index and
 * only by `api()`, so it initialises when a command runs, never at start-up.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { json, stderr } from '../output.js';

export const api = () => import('../../api/index.js');

/**
 * The system and global git config files git reads in this environment: the
 * ones a core.hooksPath change can land in besides the repository's own.
 */
export function gitConfigFiles(env = process.env): string[] {
  const files: string[] = [];
  if (env.GIT_CONFIG_NOSYSTEM !== '1' && env.GIT_CONFIG_NOSYSTEM !== 'true') files.push(env.GIT_CONFIG_SYSTEM || '/etc/gitconfig');
  if (env.GIT_CONFIG_GLOBAL) files.push(env.GIT_CONFIG_GLOBAL);
  else {
    if (env.XDG_CONFIG_HOME) files.push(join(env.XDG_CONFIG_HOME, 'git', 'config'));
    else if (env.HOME) files.push(join(env.HOME, '.config', 'git', 'config'));
    if (env.HOME) files.push(join(env.HOME, '.gitconfig'));
  }
  return files;
}

/** GIT_DIR and friends, when set: the repository to work on, from anywhere (hooks run with them too). */
export const repoEnv = (env = process.env) => ({
  gitDir: env.GIT_DIR || undefined,
  workTree: env.GIT_WORK_TREE || undefined,
  commonDir: env.GIT_COMMON_DIR || undefined,
});

/** Says so on stderr when git no longer runs the hooks `hooks install` put in place; never fails the command. */
export async function warnIfHooksMoved(o: { cwd?: string; agent?: string }): Promise<void> {
  try {
    const moved = await (await api()).hooksMoved({ ...o, env: process.env, configFiles: gitConfigFiles(), repoEnv: repoEnv() });
    if (moved)
      stderr(
        `git-conductor: warning: git now runs hooks from ${moved.now} (core.hooksPath), not ${moved.installed_in}: commits no longer complete phases and pushes to the release branch are not gated. Run 'git conductor hooks install' again (recorded in the audit log)`,
      );
  } catch {
    // Not in a repository, or the state is unreadable: the verb itself says so.
  }
}

/** Runs one command: JSON for --json, the human renderer otherwise; then the hooks check. The environment is read here, the one layer that may. */
export function run<O, R>(call: (o: O) => Promise<R>, human: (r: R) => void | Promise<void>) {
  return async (o: O & { json?: boolean; agent?: string }) => {
    try {
      const r = await call({ ...o, ...envOptions(), env: process.env });
      if (o.json) json(r);
      else await human(r);
      // The change stands; what went wrong beside it goes to stderr, in both modes. (A reading verb's
      // budget and attempts warnings are part of what it shows: status and the ledger verbs render them.)
      for (const w of warningsOf(r)) if (w.code === 'W_AUDIT') stderr(`git-conductor: warning: ${w.message}`);
    } finally {
      await warnIfHooksMoved(o);
    }
  };
}

/**
 * run() for a command that changes state: its result also carries the
 * sprint's `warnings` (the budget past its warning threshold, a key one
 * failure from the circuit breaker), in the JSON and as stderr lines.
 */
export function runChange<O extends { agent?: string }, R extends object>(
  call: (o: O) => Promise<R>,
  human: (r: R) => void | Promise<void>,
) {
  return async (o: O & { json?: boolean }) => {
    try {
      const r = await call({ ...o, ...envOptions(), env: process.env });
      // The verb's own (an audit line refused, what an artifact reports, the ledger a ledger verb just changed), then the sprint's, once each.
      const own = warningsOf(r);
      const sprint = await (await api()).warnings({ agent: o.agent, ...envOptions(), env: process.env });
      const warnings = [...own, ...sprint.filter((w) => !own.some((x) => x.message === w.message))];
      if (o.json) json({ ...r, warnings });
      else await human(r);
      for (const w of warnings) stderr(`git-conductor: warning: ${w.message}`);
    } finally {
      await warnIfHooksMoved(o);
    }
  };
}

const warningsOf = (r: unknown): { code: string; message: string }[] => {
  const w = r && typeof r === 'object' ? (r as { warnings?: unknown }).warnings : undefined;
  return Array.isArray(w) ? w.filter((x): x is { code: string; message: string } => typeof x?.message === 'string') : [];
};

/** --json and --agent on every command; --offline on those that change a phase or the sprint. */
export function withCommon(cmd: Command, { offline = false } = {}): Command {
  cmd.addOption(new Option('--json', 'print one JSON object on stdout (errors too)'));
  cmd.addOption(new Option('--agent <id>', 'act as this agent (default: see `whoami`)'));
  return offline ? cmd.option('--offline', 'with a coordination remote: act locally, publish later with sync') : cmd;
}

/**
 * What the environment means for every library call, read here and nowhere
 * below: CONDUCTOR_REMOTE_TIMEOUT_MS (the most one network call may take),
 * PATH (where the hooks will find the CLI), GIT_DIR and friends, the git
 * config files a core.hooksPath change can land in, and the test-only clock offset
 * and pause point (CONDUCTOR_TEST_PAUSE: an append hangs there until killed).
 */
export function envOptions(): {
  clockOffsetMs?: number;
  remoteTimeoutMs?: number;
  path?: string;
  testPause?: string;
  configFiles: string[];
  repoEnv: ReturnType<typeof repoEnv>;
} {
  const timeout = Number(process.env.CONDUCTOR_REMOTE_TIMEOUT_MS);
  return {
    ...testClock(),
    configFiles: gitConfigFiles(),
    repoEnv: repoEnv(),
    ...(Number.isFinite(timeout) && timeout > 0 ? { remoteTimeoutMs: timeout } : {}),
    path: process.env.PATH ?? '',
    ...(process.env.CONDUCTOR_TEST_PAUSE ? { testPause: process.env.CONDUCTOR_TEST_PAUSE } : {}),
  };
}

/**
 * Test-only: CONDUCTOR_TEST_CLOCK_OFFSET_MS makes this process's clock run
 * that many ms ahead (negative: behind), so tests can give one clone a wrong
 * clock. Not for real use: a wrong clock is what the clock checks catch.
 */
export function testClock(): { clockOffsetMs?: number } {
  const v = Number(process.env.CONDUCTOR_TEST_CLOCK_OFFSET_MS);
  return Number.isFinite(v) && v !== 0 ? { clockOffsetMs: v } : {};
}
