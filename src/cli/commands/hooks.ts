/** hooks install | uninstall | status, and `hook <name>`, the command the installed hooks run. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { stderr } from '../output.js';
import { api, run, withCommon } from './shared.js';

/** post-commit must finish in bounded time, whatever the state or a remote does. */
const postCommitBudgetMs = () => {
  const v = Number(process.env.CONDUCTOR_HOOK_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 10_000;
};

export function register(program: Command): void {
  const hooks = program.command('hooks').description('git hooks: commits complete phases, pushes to the release branch wait for review, qa and security');
  const render = () => import('../render-hooks.js');

  withCommon(hooks.command('install'))
    .description('install the post-commit and pre-push hooks where git runs them (existing hooks keep running)')
    .action(async (o) => run((await api()).installHooks, async (r) => (await render()).renderHooks(r, 'install'))(o));

  withCommon(hooks.command('uninstall'))
    .description('remove our hooks and put back exactly what was there before')
    .action(async (o) => run((await api()).uninstallHooks, async (r) => (await render()).renderHooks(r, 'uninstall'))(o));

  withCommon(hooks.command('status'))
    .description('where git runs hooks, whether ours are in place, and whether they can find the CLI')
    .action(async (o) => run((await api()).hooksStatus, async (r) => (await render()).renderHooksStatus(r))(o));

  program
    .command('hook <name> [args...]')
    .description('run by the installed git hooks (post-commit, pre-push)')
    .allowUnknownOption()
    .action(async (name: string, args: string[]) => {
      if (process.env.CONDUCTOR_HOOKS === '0') return;
      if (name === 'post-commit') return postCommit();
      if (name === 'pre-push') return prePush(args);
      // A newer stub calling an older CLI must never break the user's git.
      stderr(`git-conductor - unknown hook "${name}" ignored (upgrade git-conductor?)`);
    });
}

async function postCommit(): Promise<void> {
  // The work is synchronous (git calls, file locks), so a timer could never
  // interrupt it: the budget is a deadline for every network call instead,
  // keeping back a little for completing offline when the remote is too slow.
  const budget = postCommitBudgetMs();
  const deadline = Date.now() + budget - Math.min(1000, budget / 4);
  try {
    const r = await (await api()).postCommit({ deadline, env: process.env });
    (await import('../render-hooks.js')).renderPostCommit(r);
  } catch (e) {
    // Bookkeeping never fails a commit: say what went wrong and carry on.
    stderr(`git-conductor - post-commit: ${e instanceof Error ? e.message : String(e)}; the commit stands`);
  }
}

async function prePush(args: string[]): Promise<void> {
  const input = process.stdin.isTTY ? '' : readFileSync(0, 'utf8');
  const r = await (await api()).prePush({ env: process.env, remote: args[0], url: args[1], input, bypass: process.env.CONDUCTOR_SHIP_BYPASS === '1' });
  for (const skip of r.recorded_skips) stderr(`git-conductor - an earlier push of ${skip} skipped the ship gate (--no-verify?); recorded in the audit log`);
  if (r.bypassed) {
    const why = [...r.bypassed.missing.map((m) => `${m} not done`), ...(r.bypassed.halt ? [r.bypassed.halt] : [])].join(', ');
    stderr(`git-conductor - ship gate bypassed for ${r.protected_refs.join(', ')} (${why}); recorded in the audit log`);
  }
}
