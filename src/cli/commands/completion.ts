/**
 * completion bash|zsh|fish: the shell's completion script, generated at build
 * time from the program's own definitions (scripts/build-from-program.mjs, so
 * the generator is not in the CLI bundle) and printed from the package; and
 * the hidden `__phases` the scripts run for a phase name (phases.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, CommanderError } from 'commander';
// Only the names: the generators are tree-shaken out of the CLI bundle.
import { SHELLS, scriptFile, type Shell } from '../completion-scripts.js';
import { json, write } from '../output.js';
import { printPhases } from './phases.js';

// The bundle runs from dist/ (the CJS bundle's own __dirname); the scripts are built beside it.
const scriptPath = (shell: Shell) => join(__dirname, 'completions', scriptFile(shell));

export function register(program: Command): void {
  program
    .command('completion <shell>')
    .description(`print the shell completion script (${SHELLS.join(', ')}); see the README for where to put it`)
    .option('--json', 'print {shell, script} instead of the script')
    .action((shell: string, o: { json?: boolean }) => {
      if (!(SHELLS as readonly string[]).includes(shell))
        throw new CommanderError(2, 'E_USAGE', `unknown shell "${shell}": use ${SHELLS.join(', ')}`);
      const script = readFileSync(scriptPath(shell as Shell), 'utf8');
      if (o.json) json({ shell, script });
      else write(1, script);
    });

  program.command('__phases', { hidden: true }).action(printPhases);
}
