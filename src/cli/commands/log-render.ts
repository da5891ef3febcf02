/** The team's log, one line an event; text from the log and the refs is untrusted and goes through stdout()'s cleaning. */
import type { LogResult } from '../../api/index.js';
import { paint, stdout } from '../output.js';
import { asOf } from './resume.js';

export function renderLog(r: LogResult): void {
  const c = paint(1);
  for (const e of r.entries) {
    const who = e.agent ? `${e.agent}@${e.host}` : '';
    stdout([c('dim', e.at), e.event.padEnd(8), (e.phase ?? '').padEnd(10), who, e.detail ? c('dim', e.detail) : ''].join(' ').trimEnd());
  }
  const fresh = asOf(r.as_of);
  if (fresh) stdout(c('dim', `with the entries of the remote's refs, ${fresh}; --local for this clone's own log`));
  for (const p of r.problems ?? []) stdout(c('red', `! ${p}`));
}
