/** clean: delete archived sprints older than a number of days. */
import { type Command, CommanderError } from 'commander';
import { plural } from '../format.js';
import { write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('clean'))
    .description('delete archived sprints older than N days')
    .option('--days <n>', 'age in days (default 7)', parseDays)
    .action(async (o) => run((await api()).clean, (r) => write(1, `removed ${plural(r.removed.length, 'archived sprint')}, kept ${r.kept}\n`))(o));
}

function parseDays(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new CommanderError(2, 'E_USAGE', `invalid number ${JSON.stringify(v)}: use a number like 7 or 0.5`);
  return Number(v);
}
