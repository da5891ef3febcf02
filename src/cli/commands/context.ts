/** `context`: the digest of the completed phases' checkpoints, fitted to a budget. */
import { CommanderError, type Command } from 'commander';
import type { ContextResult } from '../../api/index.js';
import { stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('context'))
    .description(
      "the completed phases' checkpoints (summary, key files, decisions, open questions), newest first, within a character budget",
    )
    .option('--phase <phase>', 'only the phases this one depends on, nearest first: read it before starting that phase')
    .option('--sprint <id>', 'an archived sprint instead of the active one')
    .option('--budget <chars>', 'the most characters the whole digest may take (default 2000, about 500 tokens)', budgetArg)
    .option('--fetch', 'with a coordination remote: fetch it first')
    .action(async (o) => run((await api()).context, renderContext)(o));
}

function budgetArg(v: string): number {
  if (!/^\d{1,9}$/.test(v))
    throw new CommanderError(2, 'E_USAGE', `invalid --budget ${JSON.stringify(v)}: use a whole number of characters, e.g. 2000`);
  return Number(v);
}

function renderContext(r: ContextResult): void {
  // The digest is already plain text of bounded size; stdout() strips controls once more.
  stdout(r.digest);
}
