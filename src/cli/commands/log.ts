/** log: the audit log, one line an event; text from the log is untrusted and goes through stdout()'s cleaning. */
import type { Command } from 'commander';
import type { log } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

type AuditEntry = Awaited<ReturnType<typeof log>>['entries'][number];

export function register(program: Command): void {
  withCommon(program.command('log'))
    .description('the audit log: every start, claim, complete, abort, takeover, ...')
    .option('--sprint <id>', 'only this sprint')
    .action(async (o) => run((await api()).log, (r) => renderLog(r.entries))(o));
}

function renderLog(entries: AuditEntry[]): void {
  for (const e of entries) {
    const who = e.agent ? `${e.agent}@${e.host}` : '';
    stdout([c('dim', e.at), e.event.padEnd(8), (e.phase ?? '').padEnd(10), who, e.detail ? c('dim', e.detail) : ''].join(' ').trimEnd());
  }
}
