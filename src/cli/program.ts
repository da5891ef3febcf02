/**
 * The commander program, built without parsing anything: the CLI parses argv
 * with it, and the build walks it to write the man page and the shell
 * completions, so help, man page and completion come from one definition and
 * cannot drift. Building only creates commander objects (no I/O, no library).
 */
import { Command, CommanderError } from 'commander';

export { CommanderError };
import { register as abortUnstuck } from './commands/abort-unstuck.js';
import { register as agents } from './commands/agents.js';
import { register as artifact } from './commands/artifact.js';
import { register as batch } from './commands/batch.js';
import { register as claimRenew } from './commands/claim-renew.js';
import { register as clean } from './commands/clean.js';
import { register as complete } from './commands/complete.js';
import { register as completion } from './commands/completion.js';
import { register as context } from './commands/context.js';
import { register as doctor } from './commands/doctor.js';
import { register as hookRun } from './commands/hook-run.js';
import { register as hooks } from './commands/hooks.js';
import { register as initDeinit } from './commands/init-deinit.js';
import { register as journal } from './commands/journal.js';
import { register as log } from './commands/log.js';
import { register as next } from './commands/next.js';
import { register as resume } from './commands/resume.js';
import { register as schema } from './commands/schema.js';
import { register as server } from './commands/server.js';
import { register as start } from './commands/start.js';
import { register as status } from './commands/status.js';
import { register as sync } from './commands/sync.js';
import { register as verify } from './commands/verify.js';
import { register as whoami } from './commands/whoami.js';

/** What the program is called in usage lines: git runs `git-conductor` for `git conductor`. */
export const PROGRAM_NAME = 'git conductor';
export const DESCRIPTION =
  'Coordinate a sprint of coding agents and humans on one repository: claim a phase, do it, complete it with an artifact.';

export interface ProgramOutput {
  writeOut: (s: string) => void;
  writeErr: (s: string) => void;
}

export function buildProgram(version: string, out?: ProgramOutput): Command {
  const program = new Command(PROGRAM_NAME).description(DESCRIPTION).version(version).showSuggestionAfterError().exitOverride();
  // Our own help verb, so `help hooks install` reaches a subcommand too (commander's looks one level down).
  program.helpCommand(false);
  // Help may go to stderr; error messages never do here: the CLI prints them, once, as one line.
  if (out) program.configureOutput({ ...out, outputError: () => undefined });
  // In the order `--help` lists them: the sprint's life, then hooks, then the coordination remote, then enforcing on a server or in CI.
  const verbs = [
    start,
    claimRenew,
    complete,
    abortUnstuck,
    status,
    next,
    context,
    resume,
    batch,
    clean,
    log,
    journal,
    whoami,
    artifact,
    schema,
    hooks,
    hookRun,
    initDeinit,
    sync,
    doctor,
    server,
    verify,
    agents,
    completion,
  ];
  for (const register of verbs) register(program);
  program
    .command('help [command...]')
    .description('help for a command, e.g. `help hooks install` (`git conductor --help` opens the man page)')
    .option('--json', 'errors as one JSON object (the help itself is text)')
    .action((path: string[]) => {
      let cmd: Command = program;
      for (const name of path) {
        const sub = cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!sub) throw new CommanderError(2, 'E_USAGE', `unknown command '${[...path.slice(0, path.indexOf(name)), name].join(' ')}'`);
        cmd = sub;
      }
      cmd.outputHelp();
    });
  return program;
}
