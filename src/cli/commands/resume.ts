/** `resume`: the one thing this agent should do next. */
import type { Command } from 'commander';
import type { ResumeResult } from '../../api/index.js';
import { asOf } from '../format.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('resume'))
    .description('what to do next, as one action: continue the phase you hold, claim one, wait for one, a halt to clear, or done')
    .option('--fetch', 'with a coordination remote: fetch it first')
    .action(async (o) => run((await api()).resume, renderResume)(o));
}

function renderResume(r: ResumeResult): void {
  const color = r.action === 'halted' ? 'red' : r.action === 'wait' ? 'yellow' : r.action === 'done' ? 'dim' : 'green';
  stdout(`${c(color, r.action)}${r.phase ? ` ${c('bold', r.phase)}` : ''}: ${r.reason}`);
  const fresh = asOf(r.as_of);
  if (r.command || fresh) stdout(`  ${[r.command && `→ ${r.command}`, fresh && c('dim', fresh)].filter(Boolean).join('  ')}`);
}
