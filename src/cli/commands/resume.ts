/** `resume`: the one thing this agent should do next. */
import type { Command } from 'commander';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('resume'))
    .description('what to do next, as one action: continue the phase you hold, claim one, wait for one, a halt to clear, or done')
    .option('--fetch', 'with a coordination remote: fetch it first')
    .action(async (o) => run((await api()).resume, async (r) => (await import('../render-handoff.js')).renderResume(r))(o));
}
