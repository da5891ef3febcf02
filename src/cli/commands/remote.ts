/** The coordination-remote commands: init, deinit, sync, doctor. */
import type { Command } from 'commander';
import { json, stdout } from '../output.js';
import { run, withCommon } from './shared.js';

const remoteApi = () => import('../../api/remote.js');

export function register(program: Command): void {
  withCommon(program.command('init'))
    .description('coordinate through a git remote: fetch its conductor refs, publish claims there by compare-and-swap')
    .option('--remote <name>', 'the coordination remote (default: origin)')
    .option('--no-hooks', 'do not install the git hooks (post-commit completion, pre-push ship gate)')
    .option('--namespace <ref-prefix>', 'where the refs live on the remote (default refs/conductor; refs/heads/conductor for hosts that refuse custom refs)')
    .action(async (o) =>
      run((await remoteApi()).init, async (r) => {
        stdout(`✓ coordination remote ${r.remote}, refs under ${r.namespace}${r.added_refspec ? '' : ' (already set up)'}`);
        stdout(`  fetch refspec: ${r.fetch_refspec}`);
        if (!r.fetched) stdout(`  not fetched yet: ${r.fetch_error ?? 'remote unreachable'}`);
        for (const p of r.problems) stdout(`  ! ${p}`);
        if (r.hooks) (await import('../render-hooks.js')).renderHooks(r.hooks, 'install');
      })(o),
    );

  withCommon(program.command('deinit'))
    .description('undo init: remove the fetch refspec, the recorded remote, the remote-tracking conductor refs and the git hooks (local state stays)')
    .option('--keep-hooks', 'leave the git hooks installed')
    .action(async (o) =>
      run((await remoteApi()).deinit, async (r) => {
        stdout(r.remote ? `✓ no longer coordinating through ${r.remote} (removed ${r.deleted_tracking_refs} tracking refs)` : 'no coordination remote was configured');
        if (r.hooks) (await import('../render-hooks.js')).renderHooks(r.hooks, 'uninstall');
      })(o),
    );

  withCommon(program.command('sync'))
    .description('fetch the remote, reconcile (the remote’s earlier entries win), publish what is still local only')
    .action(async (o) =>
      run((await remoteApi()).sync, (r) => {
        stdout(`✓ synced with ${r.remote}: ${r.published.length ? `published ${r.published.join(', ')}` : 'nothing left to publish'}`);
        for (const p of r.problems) stdout(`  ! ${p}`);
      })(o),
    );

  withCommon(program.command('doctor'))
    .description('check git, the coordination remote, and whether it accepts refs in our namespace')
    .option('--remote <name>', 'check this remote instead of the configured one')
    .action(async (o) => {
      const r = await (await remoteApi()).doctor(o);
      if (o.json) json(r);
      else for (const c of r.checks) stdout(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
      if (!r.ok) process.exitCode = 1;
    });
}
