/** sync: fetch the coordination remote, reconcile (its earlier entries win), publish what is still local only. */
import type { Command } from 'commander';
import type { SyncResult } from '../../api/index.js';
import { stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('sync'))
    .description('fetch the remote, reconcile (the remote’s earlier entries win), publish what is still local only')
    .action(async (o) => run((await api()).sync, renderSync)(o));
}

function renderSync(r: SyncResult): void {
  stdout(`✓ synced with ${r.remote}: ${r.published.length ? `published ${r.published.join(', ')}` : 'nothing left to publish'}`);
  for (const p of r.problems) stdout(`  ! ${p}`);
}
