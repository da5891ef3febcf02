/**
 * The CLI: parse flags, call the library, render. Nothing else. Command
 * modules load lazily so start-up pays only for what the command uses. This
 * file is the one place that exits: ConductorError -> its exit code, usage
 * errors -> 2, anything else -> 1.
 */
import { Command, CommanderError } from 'commander';
import { register as registerLocal } from './commands/local.js';
import { register as registerHooks } from './commands/hooks.js';
import { register as registerRemote } from './commands/remote.js';
import { register as registerAgents } from './commands/agents.js';
import { isConductorError } from '../core/errors.js';
import { json, paint, stderr, write } from './output.js';

const wantsJson = process.argv.includes('--json');

const program = new Command('git-conductor')
  .description('Coordinate a sprint of coding agents and humans on one repository: claim a phase, do it, complete it with an artifact.')
  .version(process.env.CONDUCTOR_VERSION ?? '0.1.0')
  .showSuggestionAfterError()
  .exitOverride()
  // Help may go to stderr; error messages never do here: fail() prints them, once, as one line.
  .configureOutput({ writeOut: (s) => write(1, s), writeErr: (s) => (wantsJson ? undefined : write(2, s)), outputError: () => undefined });

registerLocal(program);
registerHooks(program);
registerRemote(program);
registerAgents(program);

function fail(code: string, exitCode: number, message: string, data: Record<string, unknown> = {}): never {
  if (wantsJson) json({ error: { code, exit_code: exitCode, message, ...data } });
  else stderr(`${paint(2)('red', 'git-conductor:')} ${message}`);
  process.exit(exitCode);
}

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) process.exit(0); // --help, --version
    // 'commander.help': no command given, and the help was shown instead.
    const problem = e.code === 'commander.help' ? 'no command given' : e.message.replace(/^error: /, '');
    fail('E_USAGE', 2, `${problem} (see 'git conductor --help')`);
  }
  if (isConductorError(e)) fail(e.code, e.exitCode, e.message, e.data);
  if (process.env.CONDUCTOR_DEBUG) console.error(e);
  fail('E_UNEXPECTED', 1, `unexpected error: ${e instanceof Error ? e.message : String(e)} (set CONDUCTOR_DEBUG=1 for details)`);
});
