/**
 * server install | uninstall | status <bare repo>, and `server pre-receive`:
 * what the installed hook runs, once per push, on the server (like git's own
 * hooks, it speaks on stderr, which git relays to the pusher as `remote:` lines).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { ServerHookResult } from '../../api/index.js';
import { color as c, stderr, stdout } from '../output.js';
import { api, run } from './shared.js';

const withJson = (cmd: Command) => cmd.addOption(new Option('--json', 'print one JSON object on stdout (errors too)'));

const VERB: Record<string, string> = {
  created: 'installed',
  chained: 'installed (the existing pre-receive still runs, after it)',
  updated: 'updated',
  unchanged: 'already installed',
  removed: 'removed',
  restored: 'removed (the earlier pre-receive is back as it was)',
  absent: 'not installed',
  left: 'left alone',
};

/** The CLI the hook should run: this very one, by absolute path. */
const thisCli = () => ({ node: process.execPath, script: realpathSync(process.argv[1]!) });

/** git's quarantine: the pushed objects are only visible through these until the push is accepted. */
const QUARANTINE = ['GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH'];

export function register(program: Command): void {
  const server = program
    .command('server')
    .description('enforce the ship gate on a bare repository you host: a pre-receive hook no client can skip');

  withJson(server.command('install <repo>'))
    .description('install the pre-receive hook into a bare repository (an existing pre-receive keeps running, after it)')
    .action(async (repo: string, o) => run((await api()).serverInstall, renderHook)({ ...o, repo, cli: thisCli() }));

  withJson(server.command('uninstall <repo>'))
    .description('remove the pre-receive hook and put back exactly what was there before')
    .action(async (repo: string, o) => run((await api()).serverUninstall, renderHook)({ ...o, repo }));

  withJson(server.command('status <repo>'))
    .description('whether the hook is in place and finds its CLI, what it protects, and whether the sprint could ship now')
    .action(async (repo: string, o) =>
      run((await api()).serverStatus, (r) => {
        const advice =
          r.state === 'installed'
            ? ''
            : r.state === 'foreign'
              ? ' (another hook; install chains it)'
              : ' (run: git conductor server install <repo>)';
        stdout(
          `${r.state === 'installed' ? c('green', '✓') : c('yellow', '!')} pre-receive ${r.state}${advice}  ${r.file}${r.chained ? `; then runs ${r.chained}` : ''}`,
        );
        if (r.cli)
          stdout(
            `${r.cli_found ? c('green', '✓') : c('yellow', '!')} CLI ${r.cli.node} ${r.cli.script}${r.cli_found ? '' : ' is missing: the hook falls back to git-conductor on PATH, else refuses every push'}`,
          );
        stdout(`protected: ${r.protected_refs.join(', ')}; sprint refs under ${r.namespace}`);
        if (!r.sprint) stdout('no sprint in this repository: every push passes');
        else
          stdout(
            `sprint ${r.sprint.id}: ${r.sprint.ready ? 'ready to ship' : `not ready (${[...r.sprint.missing.map((m) => `${m} not done`), ...(r.sprint.halt ? [`halted by ${r.sprint.halt}`] : [])].join(', ')})`}`,
          );
        for (const p of r.problems) stdout(`  ! ${p}`);
      })({ ...o, repo, cli: thisCli() }),
    );

  server
    .command('pre-receive')
    .description("run by the installed pre-receive hook: reads git's update lines on stdin")
    .action(async () => {
      const input = process.stdin.isTTY ? '' : readFileSync(0, 'utf8');
      const objectStore = Object.fromEntries(QUARANTINE.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
      // CONDUCTOR_HOOKS=0 is a client's switch and is not read here; a bypass is an admin's, on the server itself.
      const r = await (await api()).serverPreReceive({ input, objectStore, bypass: process.env.CONDUCTOR_SHIP_BYPASS === '1' });
      if (r.bypassed) stderr(`git-conductor: ship gate bypassed on the server (CONDUCTOR_SHIP_BYPASS=1): ${r.bypassed}`);
    });
}

function renderHook(r: ServerHookResult): void {
  stdout(`${r.action === 'left' ? c('yellow', '!') : c('green', '✓')} pre-receive ${VERB[r.action]}  ${c('dim', r.file)}`);
  if (r.note) stdout(`  ${r.note}`);
  if (r.cli && r.action !== 'removed' && r.action !== 'restored') stdout(`  runs ${r.cli.node} ${r.cli.script}`);
}
