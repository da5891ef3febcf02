/** `journal`: the sprint's journal as Markdown. */
import type { Command } from 'commander';
import type { JournalResult } from '../../api/index.js';
import { asOf } from '../format.js';
import { color as c, paint, stderr, stdout, write } from '../output.js';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('journal'))
    .description('the sprint journal as Markdown: who did each phase, when, what it found and decided, halts and bypasses')
    .option('--sprint <id>', 'an archived sprint instead of the active one')
    .option('--out <path>', 'write it to this file instead of printing it')
    .option('--fetch', 'with a coordination remote: fetch it first')
    .action(async (o) => run((await api()).journal, renderJournal)(o));
}

function renderJournal(r: JournalResult): void {
  if (r.out) stdout(`${c('green', '✓')} wrote the journal of sprint ${r.sprint_id} to ${r.out}`);
  else write(1, r.markdown);
  // On stderr: stdout is the Markdown itself, often redirected to a file.
  const fresh = asOf(r.as_of);
  if (fresh && !r.out) stderr(paint(2)('dim', `journal of sprint ${r.sprint_id}, ${fresh}`));
  else if (fresh) stdout(c('dim', `  ${fresh}`));
}
