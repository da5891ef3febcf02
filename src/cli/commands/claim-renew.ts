/** claim and renew: take a phase's lease, or extend your own; one rendering for both (and for takeovers). */
import { type Command, CommanderError } from 'commander';
import type { ClaimResult, RenewHeldResult } from '../../api/index.js';
import { duration } from '../format.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('claim <phase>'), { offline: true })
    .description('take a phase: exactly one agent wins')
    .option('--ttl <duration>', 'lease length, e.g. 30m, 2h (default 1h)')
    .option('--pid <pid>', 'your own long-lived process id, recorded for people to see', parsePid)
    .action(async (phase, o) => run((await api()).claim, renderClaim)({ ...o, phase }));

  withCommon(program.command('renew [phase]'), { offline: true })
    .description('extend your lease on a phase you hold (never shortens it)')
    .option('--ttl <duration>', 'new lease length from now')
    .option('--if-held', 'renew what you hold (or just that phase) and succeed doing nothing when you hold nothing')
    .action(async (phase, o) => {
      if (o.ifHeld) return run((await api()).renewHeld, renderRenewHeld)({ ...o, phase });
      if (phase === undefined)
        throw new CommanderError(2, 'E_USAGE', "missing argument 'phase' (or pass --if-held to renew whatever you hold)");
      return run((await api()).renew, renderClaim)({ ...o, phase });
    });
}

function parsePid(v: string): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1)
    throw new CommanderError(2, 'E_USAGE', `invalid number ${JSON.stringify(v)}: use a positive whole number`);
  return Number(v);
}

export function renderClaim(r: ClaimResult): void {
  const lease = `lease ${duration(Date.parse(r.expires_at) - Date.parse(r.claimed_at))}, until ${r.expires_at}`;
  const what =
    r.kind === 'renew'
      ? 'renewed'
      : r.kind === 'takeover'
        ? `took over (from ${r.previous?.agent}@${r.previous?.host}, lease expired)`
        : 'claimed';
  stdout(
    `${c('green', '✓')} ${what} ${c('bold', r.phase)} as ${r.agent}${r.pid ? ` (pid ${r.pid})` : ''} (${lease}${r.capped ? ', capped by lease_ttl_max' : ''})`,
  );
  if (r.token) stdout(c('dim', `  claim token ${r.token}: only needed to act on this claim from another session (CONDUCTOR_CLAIM_TOKEN)`));
  if (r.id_warning) stdout(`${c('yellow', '! warning:')} ${r.id_warning.message}; ${r.id_warning.bind}`);
}

function renderRenewHeld(r: RenewHeldResult): void {
  for (const x of r.renewed)
    stdout(
      `${c('green', '✓')} renewed ${c('bold', x.phase)} as ${x.agent} (until ${x.expires_at}${x.capped ? ', capped by lease_ttl_max' : ''})`,
    );
  for (const d of r.displaced) stdout(`${c('yellow', '!')} "${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`);
  if (!r.renewed.length) stdout(`${r.agent} holds nothing${r.sprint_id ? '' : ' (no sprint)'}: nothing to renew`);
}
