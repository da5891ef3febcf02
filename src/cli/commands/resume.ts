/** `resume`: the one thing this agent should do next. */
import type { Command } from 'commander';
import type { ResumeResult } from '../../api/index.js';
import { ago, paint, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

/** "as of" for results read from the last fetched view of the coordination remote. */
export const asOf = (t: string | undefined, now = Date.now()) => (t ? `as of ${ago(t, now)} (last fetch; --fetch to refresh)` : undefined);

export function register(program: Command): void {
  withCommon(program.command('resume'))
    .description('what to do next, as one action: continue the phase you hold, claim one, wait for one, a halt to clear, or done')
    .option('--fetch', 'with a coordination remote: fetch it first')
    .action(async (o) => run((await api()).resume, renderResume)(o));
}

function renderResume(r: ResumeResult): void {
  const c = paint(1);
  const color = r.action === 'halted' ? 'red' : r.action === 'wait' ? 'yellow' : r.action === 'done' ? 'dim' : 'green';
  stdout(`${c(color, r.action)}${r.phase ? ` ${c('bold', r.phase)}` : ''}: ${r.reason}`);
  const fresh = asOf(r.as_of);
  if (r.command || fresh) stdout(`  ${[r.command && `→ ${r.command}`, fresh && c('dim', fresh)].filter(Boolean).join('  ')}`);
}
