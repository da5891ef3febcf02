/** batch: the execution batches in topological order; JSON lines either way, for scripts. */
import type { Command } from 'commander';
import { json } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('batch'))
    .description('execution batches in topological order, one JSON object a line')
    .action(async (o) => run((await api()).batch, (r) => r.batches.forEach((b) => json(b)))(o));
}
