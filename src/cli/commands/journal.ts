/** `journal`: the sprint's journal as Markdown. */
import type { Command } from 'commander';
import { api, run, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('journal'))
    .description('the sprint journal as Markdown: who did each phase, when, what it found and decided, halts and bypasses')
    .option('--sprint <id>', 'an archived sprint instead of the active one')
    .option('--out <path>', 'write it to this file instead of printing it')
    .option('--fetch', 'with a coordination remote: fetch it first')
    .action(async (o) => run((await api()).journal, async (r) => (await import('../render-handoff.js')).renderJournal(r))(o));
}
