/** complete: finish a phase you hold, with its artifact; says what it unlocked, halted, graded, redacted or archived. */
import type { Command } from 'commander';
import type { CompleteResult } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { redactedLine } from '../format.js';
import { api, runChange, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('complete <phase>'), { offline: true })
    .description('finish a phase you hold; unlocks the phases that depend on it')
    .option('--artifact <path>', 'JSON artifact of the phase (copied into the sprint with its sha256)')
    .action(async (phase, o) => runChange((await api()).complete, renderComplete)({ ...o, phase }));
}

function renderComplete(r: CompleteResult): void {
  const art = r.artifact ? ` with ${r.artifact.source} (sha256 ${r.artifact.sha256.slice(0, 12)})` : '';
  stdout(`${c('green', '✓')} completed ${c('bold', r.phase)}${art}${r.grade ? `, security grade ${r.grade}` : ''}`);
  if (r.artifact?.redacted?.length) stdout(c('yellow', `  ${redactedLine(r.artifact.redacted)}`));
  if (r.unlocked.length) stdout(`  unlocked: ${r.unlocked.join(', ')}`);
  if (r.halt) {
    stdout(`${c('red', '■ sprint halted:')} ${r.halt}`);
    stdout(c('dim', `  clear it: ${(r.clear ?? []).join('  or  ')}`));
  }
  if (r.sprint_done) stdout(`  every phase is done: sprint ${r.sprint_id} archived`);
  if (r.journal?.files.length) stdout(`  journal: ${r.journal.files.join(', ')}`);
  if (r.journal?.error) stdout(`${c('yellow', '! journal not written:')} ${r.journal.error}`);
}
