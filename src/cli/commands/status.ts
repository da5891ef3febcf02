/** status: every phase's state as a table, then what the coordination remote looked like at the last fetch. */
import type { Command } from 'commander';
import type { StatusResult } from '../../api/index.js';
import { ago, duration, table } from '../format.js';
import { color as c, stdout } from '../output.js';
import { api, run, testClock, withCommon } from './shared.js';

const STATE_COLOR = { done: 'green', running: 'yellow', ready: 'cyan', pending: 'dim' } as const;

export function register(program: Command): void {
  withCommon(program.command('status'))
    .option('--fetch', 'with a coordination remote: fetch it first')
    .description('every phase: pending, ready, running (by whom, lease left) or done')
    .action(async (o) => run((await api()).status, renderStatus)(o));
}

function renderStatus(r: StatusResult): void {
  const now = Date.now() + (testClock().clockOffsetMs ?? 0);
  const head = `sprint ${c('bold', r.sprint_id)}  ${r.status}  started ${ago(r.started_at, now)} by ${r.started_by}`;
  stdout(head);
  if (r.halted) stdout(c('red', `■ halted by ${r.halted.phase}: ${r.halted.reason}`));
  const rows = [[c('dim', 'PHASE'), c('dim', 'STATE'), c('dim', 'AGENT'), c('dim', 'SINCE'), c('dim', 'LEASE')]];
  for (const p of Object.values(r.phases)) {
    const lease =
      p.state !== 'running' ? '' : p.expired ? c('red', `expired ${duration(now - Date.parse(p.expires_at!))} ago`) : `${duration(Date.parse(p.expires_at!) - now)} left`;
    const who = p.agent ? `${p.agent}@${p.host}` : p.state === 'pending' ? c('dim', `needs ${p.depends_on.join(', ')}`) : '';
    const state = c(STATE_COLOR[p.state], p.state) + (p.unpublished ? c('yellow', '*') : '') + (r.remote?.diverged.includes(p.name) ? c('red', '!') : '') + (p.grade ? ` (grade ${p.grade})` : '');
    rows.push([p.name, state, who, ago(p.at, now), lease]);
  }
  stdout(table(rows));
  if (r.remote) renderRemote(r.remote, now);
}

function renderRemote(m: NonNullable<StatusResult['remote']>, now: number): void {
  const fresh = m.as_of ? `as of ${ago(m.as_of, now)} (last fetch)` : 'never fetched';
  stdout(c('dim', `remote ${m.name} (${m.namespace}): ${fresh}; 'status --fetch' to refresh`));
  if (m.unpublished.length) stdout(c('yellow', `* not on the remote yet: ${m.unpublished.join(', ')} (run 'git conductor sync')`));
  if (m.diverged.length) stdout(c('red', `! diverged from the remote (the remote's entries are not shown until this settles): ${m.diverged.join(', ')}; run 'git conductor sync'`));
  if (m.head_diverged) stdout(c('red', `! this clone's sprint ${m.head_diverged.local ?? '(unreadable)'} is not the remote's (${m.head_diverged.remote})`));
  for (const b of m.rolled_back) stdout(c('red', `rolled back ${b.kind} of ${b.phase ?? 'the sprint'} by ${b.agent}@${b.host}: the remote's ${b.winner ? `${b.winner.kind} by ${b.winner.agent}@${b.winner.host}` : 'entry'} came first`));
  for (const p of m.problems) stdout(c('red', `! ${p}`));
  if (m.clock_skew) stdout(c('red', `! clock: ${m.clock_skew.detail}; leases cannot be granted here until the clocks agree`));
}
