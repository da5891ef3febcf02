/**
 * What every verb module uses: the library loader, the JSON-or-human runner,
 * the common flags. The library is reached only through its public index and
 * only by `api()`, so it initialises when a command runs, never at start-up.
 */
import { Command, Option } from 'commander';
import { json } from '../output.js';

export const api = () => import('../../api/index.js');

/** Runs one command: JSON for --json, the human renderer otherwise. */
export function run<O, R>(call: (o: O) => Promise<R>, human: (r: R) => void | Promise<void>) {
  return async (o: O & { json?: boolean }) => {
    const r = await call({ ...o, ...testClock() });
    if (o.json) json(r);
    else await human(r);
  };
}

/** --json and --agent on every command; --offline on those that change a phase or the sprint. */
export function withCommon(cmd: Command, { offline = false } = {}): Command {
  cmd.addOption(new Option('--json', 'print one JSON object on stdout (errors too)'));
  cmd.addOption(new Option('--agent <id>', 'act as this agent (default: see `whoami`)'));
  return offline ? cmd.option('--offline', 'with a coordination remote: act locally, publish later with sync') : cmd;
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
