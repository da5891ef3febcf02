/** log: the team's history, one line an event; text from the log and the refs is untrusted and goes through stdout()'s cleaning. */
import { type Command, CommanderError } from 'commander';
import type { LogResult } from '../../api/index.js';
import { asOf } from '../format.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('log'))
    .description(
      "the team's history: this clone's audit log and every fetched phase ref's entries (claims, renewals, takeovers, completions, ...), oldest first",
    )
    .option('--sprint <id>', 'only this sprint')
    .option('--local', "only this clone's own audit log")
    .option('--fetch', 'with a coordination remote: fetch it first')
    .option('--limit <n>', 'the newest N events, 0 for all (default 50)', parseLimit)
    .action(async (o) => run((await api()).log, renderLog)(o));
}

function parseLimit(v: string): number {
  if (!/^\d{1,9}$/.test(v))
    throw new CommanderError(2, 'E_USAGE', `invalid --limit ${JSON.stringify(v)}: use a whole number of events, or 0 for all`);
  return Number(v);
}

function renderLog(r: LogResult): void {
  if (r.more) stdout(c('dim', '(older events not shown: --limit N, or --limit 0 for all)'));
  for (const e of r.entries) {
    const who = e.agent ? `${e.agent}@${e.host}` : '';
    stdout([c('dim', e.at), e.event.padEnd(8), (e.phase ?? '').padEnd(10), who, e.detail ? c('dim', e.detail) : ''].join(' ').trimEnd());
  }
  const fresh = asOf(r.as_of);
  if (fresh) stdout(c('dim', `with the entries of the remote's refs, ${fresh}; --local for this clone's own log`));
  for (const p of r.problems ?? []) stdout(c('red', `! ${p}`));
}
