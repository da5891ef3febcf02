/** init and deinit: start or stop coordinating through a git remote (with the hooks, unless told not to). */
import type { Command } from 'commander';
import type { DeinitResult, InitResult } from '../../api/index.js';
import { stdout } from '../output.js';
import { renderHooks, thisCli } from './hooks.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('init'))
    .description('coordinate through a git remote: fetch its conductor refs, publish claims there by compare-and-swap')
    .option('--remote <name>', 'the coordination remote (default: origin)')
    .option('--no-hooks', 'do not install the git hooks (post-commit completion, pre-push ship gate)')
    .option(
      '--namespace <ref-prefix>',
      'where the refs live on the remote (default refs/conductor; refs/heads/conductor for hosts that refuse custom refs)',
    )
    .action(async (o) => run((await api()).init, renderInit)({ ...o, cli: thisCli() }));

  withCommon(program.command('deinit'))
    .description(
      'undo init: remove the fetch refspec, the recorded remote, the remote-tracking conductor refs and the git hooks (local state stays)',
    )
    .option('--keep-hooks', 'leave the git hooks installed')
    .action(async (o) => run((await api()).deinit, renderDeinit)(o));
}

function renderInit(r: InitResult): void {
  stdout(`✓ coordination remote ${r.remote}, refs under ${r.namespace}${r.added_refspec ? '' : ' (already set up)'}`);
  stdout(`  fetch refspec: ${r.fetch_refspec}`);
  if (!r.fetched) stdout(`  not fetched yet: ${r.fetch_error ?? 'remote unreachable'}`);
  for (const p of r.problems) stdout(`  ! ${p}`);
  if (r.hooks) renderHooks(r.hooks, 'install');
}

function renderDeinit(r: DeinitResult): void {
  stdout(
    r.remote
      ? `✓ no longer coordinating through ${r.remote} (removed ${r.deleted_tracking_refs} tracking refs)`
      : 'no coordination remote was configured',
  );
  if (r.hooks) renderHooks(r.hooks, 'uninstall');
  if (r.hooks_left)
    stdout(`  the git hooks are still installed (${r.hooks_left.join(', ')}): 'git conductor hooks uninstall' removes them`);
}
