/** start: a new sprint from a phase graph (the previous one is archived). */
import type { Command } from 'commander';
import type { StartResult } from '../../api/index.js';
import { plural } from '../format.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('start'), { offline: true })
    .description('start a new sprint (archives the previous one)')
    .option('--phases <json|path>', 'phase graph: inline JSON array or a JSON file')
    .action(async (o) => run((await api()).start, renderStart)(o));
}

function renderStart(r: StartResult): void {
  stdout(
    `${c('green', '✓')} started sprint ${c('bold', r.sprint_id)} (${plural(r.phases.length, 'phase')}, graph from ${r.source})${r.archived ? `; archived ${r.archived}` : ''}`,
  );
}
