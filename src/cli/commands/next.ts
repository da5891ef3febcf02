/** next: the first phase you could claim now, or with --claim, claim it (moving on past lost races). */
import type { Command } from 'commander';
import type { NextResult } from '../../api/index.js';
import { stderr, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('next'), { offline: true })
    .description('print the first phase you could claim now (empty when none)')
    .option('--claim', 'claim it too; on a lost race, move on to the next candidate')
    .option('--ttl <duration>', 'lease length when claiming')
    .action(async (o) => run((await api()).next, renderNext)(o));
}

/** Only the name, or nothing: scripts read it as `$(git conductor next)`. */
function renderNext(r: NextResult): void {
  if (r.phase) stdout(r.phase);
  for (const s of r.skipped ?? []) stderr(`! skipped ${s.phase}: ${s.problem}`);
}
