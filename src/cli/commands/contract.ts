/** The artifact contract's commands: schema [<phase>], artifact show, artifact validate. */
import { Command, Option } from 'commander';
import { isConductorError } from '../../core/errors.js';
import { write } from '../output.js';
import { api, run, withCommon } from './shared.js';

const render = () => import('../render-contract.js');

export function register(program: Command): void {
  withCommon(program.command('schema [phase]'))
    .description("print the JSON Schema (draft 2020-12) of a phase's artifact; without a phase, of every default phase")
    .action(async (phase, o) => run((await api()).artifactSchema, (r) => write(1, JSON.stringify(r, null, 2) + '\n'))({ ...o, phase }));

  const artifact = program.command('artifact').description('completed artifacts, and checking one before completing');
  withCommon(artifact.command('show <phase>'))
    .description("print a done phase's stored artifact (checked against its sha256)")
    .addOption(new Option('--raw', 'print the exact stored bytes'))
    .action(async (phase, o) => {
      if (o.raw && !o.json) return write(1, await (await api()).artifactRaw({ ...o, phase }));
      return run((await api()).artifactShow, async (r) => (await render()).renderShow(r))({ ...o, phase });
    });

  withCommon(artifact.command('validate <phase> <file>'))
    .description("check a file against the phase's contract as complete would (exit 0 fits, 2 does not); stores nothing")
    .action(async (phase, file, o) => {
      try {
        await run((await api()).validateArtifactFile, async (r) => (await render()).renderValidate(r))({ ...o, phase, file });
      } catch (e) {
        // Every problem on its own line for people; --json has them in error.problems.
        if (!o.json && isConductorError(e) && Array.isArray(e.data.problems)) (await render()).renderProblems(e.data.problems as { message: string }[]);
        throw e;
      }
    });
}
