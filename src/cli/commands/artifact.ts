/**
 * artifact show: a done phase's stored artifact (checked against its sha256),
 * as indented JSON with every control character escaped (the text is a
 * teammate's), or, with --raw, the exact stored bytes. artifact validate:
 * a file judged as complete would judge it, nothing stored.
 */
import { Option, type Command } from 'commander';
import type { ValidateResult } from '../../api/index.js';
import { redactedLine } from '../format.js';
import { color as c, jsonText, rawBytes, stdout, write } from '../output.js';
import { api, envOptions, run, withCommon } from './shared.js';

export function register(program: Command): void {
  const artifact = program.command('artifact').description('completed artifacts, and checking one before completing');
  withCommon(artifact.command('show <phase>'))
    .description("print a done phase's stored artifact (checked against its sha256)")
    .addOption(new Option('--raw', 'print the exact stored bytes (control characters shown as ? on a terminal)'))
    .action(async (phase, o) => {
      if (o.raw && !o.json) return rawBytes(await (await api()).artifactRaw({ ...o, phase, ...envOptions(), env: process.env }));
      return run((await api()).artifactShow, (r) => write(1, jsonText(r.content, 2) + '\n'))({ ...o, phase });
    });

  withCommon(artifact.command('validate <phase> <file>'))
    .description("check a file against the phase's contract as complete would (exit 0 fits, 2 does not); stores nothing")
    .action(async (phase, file, o) => {
      try {
        await run((await api()).validateArtifactFile, renderValidate)({ ...o, phase, file });
      } catch (e) {
        // The report, for people: every problem on its own line on stdout; the error stays one line on stderr.
        const problems = (e as { data?: { problems?: unknown } }).data?.problems;
        if (!o.json && Array.isArray(problems)) for (const p of problems as { message: string }[]) stdout(`  ${p.message}`);
        throw e;
      }
    });
}

function renderValidate(r: ValidateResult): void {
  stdout(`${c('green', '✓')} ${r.file} fits the ${c('bold', r.phase)} contract (schema_version ${r.schema_version})`);
  if (r.grade) stdout(`  security grade: ${r.grade}`);
  if (r.halt) stdout(`${c('red', '■ completing with it would halt the sprint:')} ${r.halt}`);
  if (r.redacted.length) stdout(c('yellow', `  ${redactedLine(r.redacted, 'complete will redact')}`));
}
