/**
 * completion bash|zsh|fish: the shell's completion script, written from the
 * program's own definitions; and the hidden `__phases` the scripts run for a
 * phase name (the active sprint's phases, one a line; nothing on any error,
 * since a TAB must never print an error into the command line).
 */
import { type Command, CommanderError } from 'commander';
import { commandSpecs, optionSpecs } from '../command-tree.js';
import { completionScript, SHELLS, type Shell } from '../completion-scripts.js';
import { json, write } from '../output.js';
import { api } from './shared.js';

export function register(program: Command): void {
  program
    .command('completion <shell>')
    .description(`print the shell completion script (${SHELLS.join(', ')}); see the README for where to put it`)
    .option('--json', 'print {shell, script} instead of the script')
    .action((shell: string, o: { json?: boolean }) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new CommanderError(2, 'E_USAGE', `unknown shell "${shell}": use ${SHELLS.join(', ')}`);
      const script = completionScript(shell as Shell, commandSpecs(program), optionSpecs(program));
      if (o.json) json({ shell, script });
      else write(1, script);
    });

  program
    .command('__phases', { hidden: true })
    .action(async () => {
      try {
        write(1, (await (await api()).phaseNames()).phases.map((p) => p + '\n').join(''));
      } catch {
        // No repository, no sprint, a corrupt file: no candidates.
      }
    });
}
