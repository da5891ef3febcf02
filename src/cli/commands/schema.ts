/** schema [<phase>]: the JSON Schema (draft 2020-12) of a phase's artifact, printed as indented JSON either way. */
import type { Command } from 'commander';
import { write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('schema [phase]'))
    .description("print the JSON Schema (draft 2020-12) of a phase's artifact; without a phase, of every default phase")
    .action(async (phase, o) => run((await api()).artifactSchema, (r) => write(1, JSON.stringify(r, null, 2) + '\n'))({ ...o, phase }));
}
