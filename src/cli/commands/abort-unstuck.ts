/** abort and unstuck: release a claim (your own, or one whose lease expired; --force for the rest); one rendering for both. */
import type { Command } from 'commander';
import type { ReleaseResult } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, runChange, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('abort <phase>'), { offline: true })
    .description('release your claim without completing it')
    .option('--force', "release someone else's claim")
    .option('--holder <agent>', 'with --force: release only if this agent holds it')
    .action(async (phase, o) => runChange((await api()).abort, renderRelease)({ ...o, phase }));

  withCommon(program.command('unstuck <phase>'), { offline: true })
    .description('release a claim whose lease has expired')
    .option('--force', 'release it even though the lease is live')
    .option('--holder <agent>', 'release only if this agent holds it')
    .action(async (phase, o) => runChange((await api()).unstuck, renderRelease)({ ...o, phase }));
}

function renderRelease(r: ReleaseResult): void {
  stdout(
    `${c('green', '✓')} released ${c('bold', r.phase)} (held by ${r.released.agent}@${r.released.host})${r.forced ? ' — forced' : ''}`,
  );
}
