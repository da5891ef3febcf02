/** whoami: the agent id this shell acts as, the rule that chose it, and the host. */
import type { Command } from 'commander';
import { stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('whoami'))
    .description('the agent id this shell acts as, and why')
    .action(async (o) => run((await api()).whoami, (r) => stdout(`${r.agent} (chosen by ${r.source.startsWith('default') ? 'the default rule: user, worktree and shell session' : r.source}; host ${r.host})`))(o));
}
