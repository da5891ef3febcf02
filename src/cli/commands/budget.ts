/** budget set | add | status: the sprint's token (and USD) budget. */
import type { Command } from 'commander';
import type { BudgetStatus } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, run, runChange, withCommon } from './shared.js';

export function register(program: Command): void {
  const budget = program.command('budget').description("the sprint's token budget: set a limit, record spending, see where it stands");
  withCommon(budget.command('set'), { offline: true })
    .description('set the limit (raising it clears a budget halt); audited')
    .requiredOption('--tokens <n>', 'the token limit')
    .option('--usd <x>', 'a dollar limit as well')
    .action(async (o) => runChange((await api()).budgetSet, renderBudget)(o));
  withCommon(budget.command('add'), { offline: true })
    .description('record tokens (and dollars) spent')
    .requiredOption('--tokens <n>', 'tokens spent')
    .option('--usd <x>', 'dollars spent')
    .option('--phase <phase>', 'the phase they were spent on')
    .action(async (o) => runChange((await api()).budgetAdd, renderBudget)(o));
  withCommon(budget.command('status'))
    .description('limit, used, by phase, and whether it halts the sprint')
    .action(async (o) => run((await api()).budgetStatus, renderBudget)(o));
}

function renderBudget(r: BudgetStatus): void {
  const pct = r.ratio === null ? '' : ` (${Math.round(r.ratio * 100)}%)`;
  const limit = r.limit ? `${r.limit.tokens} tokens${r.limit.usd !== undefined ? `, $${r.limit.usd}` : ''}` : 'no limit set';
  stdout(`budget: ${r.used.tokens} tokens${r.used.usd ? `, $${r.used.usd}` : ''} used of ${limit}${pct}`);
  for (const [phase, s] of Object.entries(r.by_phase)) stdout(c('dim', `  ${phase}: ${s.tokens} tokens${s.usd ? `, $${s.usd}` : ''}`));
  if (r.halted) stdout(c('red', `■ halted since ${r.halted.since}: ${r.halted.reason}`));
  if (r.override) stdout(c('yellow', `overridden by ${r.override.agent}@${r.override.host} at ${r.override.at}: ${r.override.why}`));
}
