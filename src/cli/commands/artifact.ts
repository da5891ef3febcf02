/**
 * artifact show: a done phase's stored artifact, as indented JSON. The text
 * is a teammate's: in human mode every control character is shown escaped
 * (\u009b), under --json JSON escapes them too. `--raw` writes the stored
 * bytes exactly, control characters included, so only where no terminal
 * interprets them: it refuses when stdout is a terminal.
 */
import { CommanderError, type Command } from 'commander';
import { jsonText, stdoutIsTerminal, write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  const artifact = program.command('artifact').description('completed artifacts');
  withCommon(artifact.command('show <phase>'))
    .description("print a done phase's stored artifact")
    .option('--raw', 'the exact stored bytes (not to a terminal: redirect to a file or pipe)')
    .action(async (phase, o) => {
      if (o.raw && stdoutIsTerminal()) {
        throw new CommanderError(2, 'conductor.raw', `--raw writes the stored bytes exactly, control characters included, so not to a terminal: redirect it (git conductor artifact show ${phase} --raw > ${phase}.json)`);
      }
      return run((await api()).artifactShow, (r) => write(1, o.raw ? r.raw! : jsonText(r.content, 2) + '\n'))({ ...o, phase });
    });
}
