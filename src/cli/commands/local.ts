/** The local sprint commands: start, claim, renew, complete, abort, unstuck, status, next, batch, clean, log, whoami, artifact. */
import { Command, CommanderError } from 'commander';
import { json, write } from '../output.js';
import { api, render, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('start'))
    .option('--offline', 'with a coordination remote: act locally, publish later with sync')
    .description('start a new sprint (archives the previous one)')
    .option('--phases <json|path>', 'phase graph: inline JSON array or a JSON file')
    .action(async (o) => run((await api()).start, async (r) => (await render()).renderStart(r))(o));

  withCommon(program.command('claim <phase>'))
    .option('--offline', 'with a coordination remote: act locally, publish later with sync')
    .description('take a phase: exactly one agent wins')
    .option('--ttl <duration>', 'lease length, e.g. 30m, 2h (default 1h)')
    .option('--pid <pid>', 'your own long-lived process id, recorded for people to see', parseIntArg)
    .action(async (phase, o) => run((await api()).claim, async (r) => (await render()).renderClaim(r))({ ...o, phase }));

  withCommon(program.command('renew [phase]'))
    .option('--offline', 'with a coordination remote: act locally, publish later with sync')
    .description('extend your lease on a phase you hold (never shortens it)')
    .option('--ttl <duration>', 'new lease length from now')
    .option('--if-held', 'renew what you hold (or just that phase) and succeed doing nothing when you hold nothing')
    .action(async (phase, o) => {
      if (o.ifHeld) return run((await api()).renewHeld, async (r) => (await import('../render-agents.js')).renderRenewHeld(r))({ ...o, phase });
      if (phase === undefined) throw new CommanderError(2, 'E_USAGE', "missing argument 'phase' (or pass --if-held to renew whatever you hold)");
      return run((await api()).renew, async (r) => (await render()).renderClaim(r))({ ...o, phase });
    });

  withCommon(program.command('complete <phase>'))
    .option('--offline', 'with a coordination remote: act locally, publish later with sync')
    .description('finish a phase you hold; unlocks the phases that depend on it')
    .option('--artifact <path>', 'JSON artifact of the phase (copied into the sprint with its sha256)')
    .action(async (phase, o) => run((await api()).complete, async (r) => (await render()).renderComplete(r))({ ...o, phase }));

  withCommon(program.command('abort <phase>'))
    .option('--offline', 'with a coordination remote: act locally, publish later with sync')
    .description('release your claim without completing it')
    .option('--force', "release someone else's claim")
    .action(async (phase, o) => run((await api()).abort, async (r) => (await render()).renderRelease(r))({ ...o, phase }));

  withCommon(program.command('unstuck <phase>'))
    .option('--offline', 'with a coordination remote: act locally, publish later with sync')
    .description('release a claim whose lease has expired')
    .option('--force', 'release it even though the lease is live')
    .action(async (phase, o) => run((await api()).unstuck, async (r) => (await render()).renderRelease(r))({ ...o, phase }));

  withCommon(program.command('status'))
    .option('--fetch', 'with a coordination remote: fetch it first')
    .description('every phase: pending, ready, running (by whom, lease left) or done')
    .action(async (o) => run((await api()).status, async (r) => (await render()).renderStatus(r))(o));

  withCommon(program.command('next'))
    .option('--offline', 'with a coordination remote: act locally, publish later with sync')
    .description('print the first phase you could claim now (empty when none)')
    .option('--claim', 'claim it too; on a lost race, move on to the next candidate')
    .option('--ttl <duration>', 'lease length when claiming')
    .action(async (o) => run((await api()).next, async (r) => (await render()).renderNext(r))(o));

  withCommon(program.command('batch'))
    .description('execution batches in topological order, one JSON object a line')
    .action(async (o) => run((await api()).batch, (r) => r.batches.forEach((b) => json(b)))(o));

  withCommon(program.command('clean'))
    .description('delete archived sprints older than N days')
    .option('--days <n>', 'age in days (default 7)', parseFloatArg)
    .action(async (o) => run((await api()).clean, (r) => write(1, `removed ${r.removed.length} archived sprint(s), kept ${r.kept}\n`))(o));

  withCommon(program.command('log'))
    .description('the audit log: every start, claim, complete, abort, takeover, ...')
    .option('--sprint <id>', 'only this sprint')
    .action(async (o) => run((await api()).log, async (r) => (await render()).renderLog(r.entries))(o));

  withCommon(program.command('whoami'))
    .description('the agent id this shell acts as, and why')
    .action(async (o) => run((await api()).whoami, (r) => write(1, `${r.agent}\n`))(o));

  const artifact = program.command('artifact').description('completed artifacts');
  withCommon(artifact.command('show <phase>'))
    .description("print a done phase's stored artifact")
    .action(async (phase, o) => run((await api()).artifactShow, (r) => write(1, JSON.stringify(r.content, null, 2) + '\n'))({ ...o, phase }));
}

function parseIntArg(v: string): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new CommanderError(2, 'E_USAGE', `invalid number ${JSON.stringify(v)}: use a positive whole number`);
  return Number(v);
}
function parseFloatArg(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new CommanderError(2, 'E_USAGE', `invalid number ${JSON.stringify(v)}: use a number like 7 or 0.5`);
  return Number(v);
}
