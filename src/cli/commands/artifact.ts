/** artifact show: a done phase's stored artifact, as indented JSON. */
import type { Command } from 'commander';
import { write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  const artifact = program.command('artifact').description('completed artifacts');
  withCommon(artifact.command('show <phase>'))
    .description("print a done phase's stored artifact")
    .action(async (phase, o) => run((await api()).artifactShow, (r) => write(1, JSON.stringify(r.content, null, 2) + '\n'))({ ...o, phase }));
}
