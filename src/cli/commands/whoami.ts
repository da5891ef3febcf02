/** whoami: the agent id this shell acts as, the rule that chose it, and the host (--json also says whether it lasts). */
import type { Command } from 'commander';
import { stderr, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('whoami'))
    .description('the agent id this shell acts as, and why')
    .action(async (o) =>
      run((await api()).whoami, (r) => {
        stdout(`${r.agent} (chosen by ${r.source}; host ${r.host})`);
        if (!r.stable) stderr(`git-conductor: this id (from ${r.source}) may not be the same for your next command; ${r.bind}`);
      })(o),
    );
}
