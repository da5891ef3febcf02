/** log: the audit log, one line an event; text from the log is untrusted and goes through stdout()'s cleaning. */
import { type Command, CommanderError } from 'commander';
import type { log } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

type AuditEntry = Awaited<ReturnType<typeof log>>['entries'][number];

export function register(program: Command): void {
  withCommon(program.command('log'))
    .description('the audit log: every start, claim, complete, abort, takeover, ...')
    .option('--sprint <id>', 'only this sprint')
    .option('--limit <n>', 'the newest N events, 0 for all (default 50)', parseLimit)
    .action(async (o) => run((await api()).log, (r) => renderLog(r.entries, r.more))(o));
}

function parseLimit(v: string): number {
  if (!/^\d{1,9}$/.test(v)) throw new CommanderError(2, 'E_USAGE', `invalid --limit ${JSON.stringify(v)}: use a whole number of events, or 0 for all`);
  return Number(v);
}

function renderLog(entries: AuditEntry[], more: boolean): void {
  if (more) stdout(c('dim', `(older events not shown: --limit N, or --limit 0 for all)`));
  for (const e of entries) {
    const who = e.agent ? `${e.agent}@${e.host}` : '';
    stdout([c('dim', e.at), e.event.padEnd(8), (e.phase ?? '').padEnd(10), who, e.detail ? c('dim', e.detail) : ''].join(' ').trimEnd());
  }
}
