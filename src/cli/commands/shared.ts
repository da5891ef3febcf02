/**
 * What every verb module uses: the library loader, the JSON-or-human runner,
 * the common flags. The library is reached only through its public index and
 * only by `api()`, so it initialises when a command runs, never at start-up.
 */
import { Command, Option } from 'commander';
import { json, stderr } from '../output.js';

export const api = () => import('../../api/index.js');

/** Runs one command: JSON for --json, the human renderer otherwise. The environment is read here, the one layer that may. */
export function run<O, R>(call: (o: O) => Promise<R>, human: (r: R) => void | Promise<void>) {
  return async (o: O & { json?: boolean }) => {
    const r = await call({ ...o, ...envOptions(), env: process.env });
    if (o.json) json(r);
    else await human(r);
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
    const r = await call({ ...o, ...envOptions(), env: process.env });
    // The verb's own (what an artifact reports, the ledger a ledger verb just changed), then the sprint's, once each.
    const own = (r as { warnings?: { code: string; message: string }[] }).warnings ?? [];
    const sprint = await (await api()).warnings({ agent: o.agent, ...envOptions(), env: process.env });
    const warnings = [...own, ...sprint.filter((w) => !own.some((x) => x.message === w.message))];
    if (o.json) json({ ...r, warnings });
    else {
      await human(r);
      for (const w of warnings) stderr(`git-conductor: warning: ${w.message}`);
    }
  };
}

/** --json and --agent on every command; --offline on those that change a phase or the sprint. */
export function withCommon(cmd: Command, { offline = false } = {}): Command {
  cmd.addOption(new Option('--json', 'print one JSON object on stdout (errors too)'));
  cmd.addOption(new Option('--agent <id>', 'act as this agent (default: see `whoami`)'));
  return offline ? cmd.option('--offline', 'with a coordination remote: act locally, publish later with sync') : cmd;
}

/**
 * What the environment means for every library call, read here and nowhere
 * below: CONDUCTOR_REMOTE_TIMEOUT_MS (the most one network call may take),
 * PATH (where the hooks will find the CLI), and the test-only clock offset
 * and pause point (CONDUCTOR_TEST_PAUSE: an append hangs there until killed).
 */
export function envOptions(): { clockOffsetMs?: number; remoteTimeoutMs?: number; path?: string; testPause?: string } {
  const timeout = Number(process.env.CONDUCTOR_REMOTE_TIMEOUT_MS);
  return {
    ...testClock(),
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
