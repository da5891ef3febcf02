/** whoami: the agent id this shell acts as (--json says why, and whether it lasts). */
import type { Command } from 'commander';
import { stderr, write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('whoami'))
    .description('the agent id this shell acts as, and why')
    .action(async (o) =>
      run((await api()).whoami, (r) => {
        write(1, `${r.agent}\n`);
        // On stderr, so `$(git conductor whoami)` still reads just the id.
        if (!r.stable) stderr(`git-conductor: this id (from ${r.source}) may not be the same for your next command; ${r.bind}`);
      })(o),
    );
}
