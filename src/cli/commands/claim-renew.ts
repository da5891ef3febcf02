/** claim and renew: take a phase's lease, or extend your own; one rendering for both (and for takeovers). */
import { type Command, CommanderError } from 'commander';
import type { ClaimResult } from '../../api/index.js';
import { duration } from '../format.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('claim <phase>'), { offline: true })
    .description('take a phase: exactly one agent wins')
    .option('--ttl <duration>', 'lease length, e.g. 30m, 2h (default 1h)')
    .option('--pid <pid>', 'your own long-lived process id, recorded for people to see', parsePid)
    .action(async (phase, o) => run((await api()).claim, renderClaim)({ ...o, phase }));

  withCommon(program.command('renew <phase>'), { offline: true })
    .description('extend your lease on a phase you hold')
    .option('--ttl <duration>', 'new lease length from now')
    .action(async (phase, o) => run((await api()).renew, renderClaim)({ ...o, phase }));
}

function parsePid(v: string): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new CommanderError(2, 'E_USAGE', `invalid number ${JSON.stringify(v)}: use a positive whole number`);
  return Number(v);
}

export function renderClaim(r: ClaimResult): void {
  const lease = `lease ${duration(Date.parse(r.expires_at) - Date.parse(r.claimed_at))}, until ${r.expires_at}`;
  const what = r.kind === 'renew' ? 'renewed' : r.kind === 'takeover' ? `took over (from ${r.previous?.agent}@${r.previous?.host}, lease expired)` : 'claimed';
  stdout(`${c('green', '✓')} ${what} ${c('bold', r.phase)} as ${r.agent}${r.pid ? ` (pid ${r.pid})` : ''} (${lease})`);
}
