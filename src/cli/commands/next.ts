/** next: the first phase you could claim now, or with --claim, claim it (moving on past lost races). */
import type { Command } from 'commander';
import type { NextResult } from '../../api/index.js';
import { stderr, stdout } from '../output.js';
import { renderClaim } from './claim-renew.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('next'), { offline: true })
    .description('print the first phase you could claim now (nothing when none); with --claim, take it')
    .option('--claim', 'claim it too; on a lost race, move on to the next candidate')
    .option('--ttl <duration>', 'lease length when claiming')
    .action(async (o) => run((await api()).next, (r) => renderNext(r, !!o.claim))(o));
}

/**
 * Without --claim: only the name, or nothing, since scripts read it as
 * `$(git conductor next)`. With --claim: what was claimed, or why nothing
 * could be (exit 0 either way: nothing to do yet is not an error).
 */
function renderNext(r: NextResult, claim: boolean): void {
  // On stderr, so `$(git conductor next)` still reads just the phase.
  for (const d of r.displaced ?? []) stderr(`! "${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`);
  for (const s of r.skipped ?? []) stderr(`! skipped ${s.phase}: ${s.problem}`);
  if (r.claimed) return renderClaim(r.claimed);
  if (!claim) return r.phase ? stdout(r.phase) : undefined;
  stdout(`nothing to claim now: ${r.reason ?? 'every phase is done or taken'}`);
}
