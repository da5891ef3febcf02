/** verify: may the sprint in these conductor refs ship? Exit 0 yes, 4 no (E_SHIP_GATE): the CI check for hosted remotes. */
import { Command, Option } from 'commander';
import { json, stdout } from '../output.js';
import { api, envOptions } from './shared.js';

export function register(program: Command): void {
  program
    .command('verify')
    .addOption(new Option('--json', 'print one JSON object on stdout (errors too)'))
    .description('exit 0 when the sprint in the given conductor refs may ship, 4 when not: the CI check for hosted remotes')
    .option(
      '--ref <prefix>',
      'where the conductor refs are here (default refs/conductor, e.g. after git fetch origin "+refs/conductor/*:refs/conductor/*")',
    )
    .option('--remote <name>', 'fetch the conductor refs from this remote first, and judge those')
    .action(async (o) => {
      const r = await (await api()).verify({ ...o, ...envOptions() });
      if (o.json) return json(r);
      stdout(r.sprint_id ? `✓ sprint ${r.sprint_id} may ship (${r.ref})` : `✓ no sprint in ${r.ref}: nothing gates shipping`);
      for (const p of r.problems) stdout(`  ! ${p}`);
    });
}
