/** clean: delete archived sprints older than a number of days. */
import { type Command, CommanderError } from 'commander';
import { plural } from '../format.js';
import { write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('clean'))
    .description('delete archived sprints older than N days')
    .option('--days <n>', 'age in days (default 7)', parseDays)
    .option(
      '--remote',
      "also delete the coordination remote's refs of archived sprints (older than --days, else by keep_sprints/keep_days)",
    )
    .action(async (o) =>
      run((await api()).clean, (r) => {
        write(1, `removed ${plural(r.removed.length, 'archived sprint')}, kept ${r.kept}\n`);
        if (r.remote)
          write(
            1,
            `remote: deleted ${plural(r.remote.deleted, 'ref')} of ${plural(r.remote.sprints.length, 'archived sprint')}${r.remote.kept.length ? `; left ${r.remote.kept.length} that moved since read` : ''}\n`,
          );
      })(o),
    );
}

function parseDays(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new CommanderError(2, 'E_USAGE', `invalid number ${JSON.stringify(v)}: use a number like 7 or 0.5`);
  return Number(v);
}
