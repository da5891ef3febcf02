/** reopen: turn a done phase back into a ready one (and, with --cascade, the done phases depending on it). */
import type { Command } from 'commander';
import type { ReopenResult } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, runChange, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('reopen <phase>'), { offline: true })
    .description('make a done phase ready again (e.g. to fix what halted the sprint); its artifact stays in the log')
    .requiredOption('--reason <text>', 'why, in one line (recorded with your name)')
    .option('--cascade', 'also reopen the done phases that depend on it')
    .action(async (phase, o) => runChange((await api()).reopen, renderReopen)({ ...o, phase }));
}

function renderReopen(r: ReopenResult): void {
  for (const p of r.reopened) {
    const by = p.previous ? ` (was completed by ${p.previous.agent}@${p.previous.host})` : '';
    stdout(`${c('green', '✓')} reopened ${c('bold', p.phase)}${by}${p.cascade_from ? c('dim', ` with ${p.cascade_from}`) : ''}`);
  }
  stdout(c('dim', `claim it with 'git conductor claim ${r.phase}', fix it, and complete it again`));
}
