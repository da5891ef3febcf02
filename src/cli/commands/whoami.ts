/** whoami: the agent id this shell acts as (--json says why). */
import type { Command } from 'commander';
import { write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('whoami'))
    .description('the agent id this shell acts as, and why')
    .action(async (o) => run((await api()).whoami, (r) => write(1, `${r.agent}\n`))(o));
}
