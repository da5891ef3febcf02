/** hooks install | uninstall | status, and the rendering of a hooks result (init and deinit print one too). */
import type { Command } from 'commander';
import type { HooksResult, HooksStatus } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, run, withCommon } from './shared.js';

const VERB: Record<string, string> = {
  created: 'installed',
  chained: 'installed (the existing hook still runs, after it)',
  updated: 'updated',
  unchanged: 'already installed',
  removed: 'removed',
  restored: 'removed (the earlier hook is back as it was)',
  absent: 'not installed',
  left: 'left alone',
};

export function register(program: Command): void {
  const hooks = program
    .command('hooks')
    .description('git hooks: commits complete phases, pushes to the release branch wait for review, qa and security');

  withCommon(hooks.command('install'))
    .description('install the post-commit and pre-push hooks where git runs them (existing hooks keep running)')
    .action(async (o) => run((await api()).installHooks, (r) => renderHooks(r, 'install'))({ ...o, cli: thisCli() }));

  withCommon(hooks.command('uninstall'))
    .description('remove our hooks and put back exactly what was there before')
    .action(async (o) => run((await api()).uninstallHooks, (r) => renderHooks(r, 'uninstall'))(o));

  withCommon(hooks.command('status'))
    .description('where git runs hooks, whether ours are in place, and whether they can find the CLI')
    .action(async (o) => run((await api()).hooksStatus, renderHooksStatus)(o));
}

/** The executable running now, for the hooks to find when PATH does not have it. */
export const thisCli = () => process.argv[1];

export function renderHooks(r: HooksResult, what: 'install' | 'uninstall'): void {
  if (r.manager) return renderManager(r, what);
  stdout(`${r.mode === 'husky' ? `husky: ${r.scripts_dir}` : `hooks directory: ${r.hooks_dir}`}`);
  for (const h of r.hooks) {
    stdout(`${h.action === 'left' ? c('yellow', '!') : c('green', '✓')} ${h.hook.padEnd(12)}${VERB[h.action]}  ${c('dim', h.file)}`);
    if (h.note) stdout(`  ${h.note}`);
  }
  if (r.mode === 'husky' && what === 'install')
    stdout(c('dim', `commit the changed ${r.scripts_dir} scripts so the whole team gets the hooks`));
  if (r.husky_missing && what === 'install') stdout(c('yellow', `! ${r.husky_missing.advice}`));
}

/** Another tool owns the hooks: we write nothing and say what to add to its config instead. */
function renderManager(r: HooksResult, what: string): void {
  const m = r.manager!;
  stdout(`${m.name} manages this repository's hooks (${m.config_file}): nothing was written.`);
  stdout(
    what === 'install'
      ? `Add these lines to ${m.add_to}, then run '${m.then}':`
      : `Remove these lines from ${m.add_to}, then run '${m.then}':`,
  );
  stdout('');
  stdout(m.lines);
}

function renderHooksStatus(r: HooksStatus): void {
  if (r.manager) return renderManager({ ...r, hooks: [] }, 'install');
  stdout(`${r.mode === 'husky' ? `husky: ${r.scripts_dir} (hooks path ${r.hooks_dir})` : `hooks directory: ${r.hooks_dir}`}`);
  for (const h of r.hooks) {
    const mark = h.state === 'installed' ? c('green', '✓') : c('yellow', '!');
    const advice =
      h.state === 'installed' ? '' : h.state === 'foreign' ? ' (another hook; install chains it)' : ' (run: git conductor hooks install)';
    stdout(`${mark} ${h.hook.padEnd(12)}${h.state}${advice}${h.chained ? `; then runs ${h.chained}` : ''}`);
  }
  if (r.husky_missing) stdout(c('yellow', `! ${r.husky_missing.advice}`));
  stdout(
    r.cli
      ? `CLI for the hooks: ${r.cli}`
      : c(
          'yellow',
          "the hooks cannot find git-conductor on PATH, where 'hooks install' recorded it, or in node_modules/.bin next to a tracked package.json: install it and run 'git conductor hooks install', or commits will not complete phases and pushes will be refused",
        ),
  );
}
