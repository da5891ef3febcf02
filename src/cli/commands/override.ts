/** override: a human clears a halt (of a phase, or of the budget) on purpose; who, when and why are recorded. */
import type { Command } from 'commander';
import type { OverrideResult } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, runChange, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('override <phase|budget>'), { offline: true })
    .description("clear a halted phase's halt (it stays done), or the budget's, by a human decision")
    .requiredOption('--reason <text>', 'why, in one line (recorded with your name)')
    .action(async (target, o) => runChange((await api()).override, renderOverride)({ ...o, target }));
}

function renderOverride(r: OverrideResult): void {
  stdout(`${c('yellow', '✓ overridden')} ${c('bold', r.phase ?? 'budget')}: ${r.cleared}`);
  stdout(c('dim', `by ${r.by} at ${r.at}: ${r.reason}`));
}
