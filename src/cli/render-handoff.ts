/** Human output of context, resume, journal and the team's log. */
import type { ContextResult, JournalResult, LogResult, ResumeResult } from '../api/index.js';
import { ago, paint, stderr, stdout, write } from './output.js';

const c = paint(1);
const asOf = (t: string | undefined, now = Date.now()) => (t ? `as of ${ago(t, now)} (last fetch; --fetch to refresh)` : undefined);

export function renderContext(r: ContextResult): void {
  // The digest is already plain text of bounded size; stdout() strips controls once more.
  stdout(r.digest);
}

export function renderResume(r: ResumeResult): void {
  const color = r.action === 'halted' ? 'red' : r.action === 'wait' ? 'yellow' : r.action === 'done' ? 'dim' : 'green';
  stdout(`${c(color, r.action)}${r.phase ? ` ${c('bold', r.phase)}` : ''}: ${r.reason}`);
  const fresh = asOf(r.as_of);
  if (r.command || fresh) stdout(`  ${[r.command && `→ ${r.command}`, fresh && c('dim', fresh)].filter(Boolean).join('  ')}`);
}

export function renderJournal(r: JournalResult): void {
  if (r.out) stdout(`${c('green', '✓')} wrote the journal of sprint ${r.sprint_id} to ${r.out}`);
  else write(1, r.markdown);
  // On stderr: stdout is the Markdown itself, often redirected to a file.
  const fresh = asOf(r.as_of);
  if (fresh && !r.out) stderr(c('dim', `journal of sprint ${r.sprint_id}, ${fresh}`));
  else if (fresh) stdout(c('dim', `  ${fresh}`));
}

export function renderLog(r: LogResult): void {
  for (const e of r.entries) {
    const who = e.agent ? `${e.agent}@${e.host}` : '';
    stdout([c('dim', e.at), e.event.padEnd(8), (e.phase ?? '').padEnd(10), who, e.detail ? c('dim', e.detail) : ''].join(' ').trimEnd());
  }
  const fresh = asOf(r.as_of);
  if (fresh) stdout(c('dim', `with the entries of the remote's refs, ${fresh}; --local for this clone's own log`));
  for (const p of r.problems ?? []) stdout(c('red', `! ${p}`));
}
