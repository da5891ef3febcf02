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
  renderHalts(r, now);
  const rows = [[c('dim', 'PHASE'), c('dim', 'STATE'), c('dim', 'AGENT'), c('dim', 'SINCE'), c('dim', 'LEASE')]];
  for (const p of Object.values(r.phases)) {
    const lease =
      p.state !== 'running' ? '' : p.expired ? c('red', `expired ${duration(now - Date.parse(p.expires_at!))} ago`) : `${duration(Date.parse(p.expires_at!) - now)} left`;
    const who = p.agent ? `${p.agent}@${p.host}` : p.state === 'pending' ? c('dim', `needs ${p.depends_on.join(', ')}`) : '';
    const state = c(STATE_COLOR[p.state], p.state) + (p.unpublished ? c('yellow', '*') : '') + (r.remote?.diverged.includes(p.name) ? c('red', '!') : '') + (p.grade ? ` (grade ${p.grade})` : '');
    const note = p.override ? c('yellow', ' (halt overridden)') : p.reopened ? c('dim', ' (reopened)') : '';
    rows.push([p.name, state + note, who, ago(p.at, now), lease]);
  }
  stdout(table(rows));
  if (r.budget) {
    const limit = r.budget.limit ? ` of ${r.budget.limit.tokens}${r.budget.ratio === null ? '' : ` (${Math.round(r.budget.ratio * 100)}%)`}` : ' (no limit set)';
    stdout(c('dim', `budget: ${r.budget.used.tokens} tokens used${limit}`));
  }
  for (const w of r.warnings) stdout(c('yellow', `! ${w.message}`));
  if (r.remote) renderRemote(r.remote, now);
}

/** Each halt with its rule, since when, whose artifact, and how to clear it; then the overridden ones. */
function renderHalts(r: StatusResult, now: number): void {
  for (const h of r.halts) {
    const what = h.gate === 'phase' ? `halted by ${h.phase}` : h.gate === 'budget' ? 'halted by the budget' : `halted by the circuit breaker on "${h.key}"`;
    const whose = h.agent ? `; artifact ${h.artifact ? `${h.artifact.source} ` : ''}completed by ${h.agent}@${h.host}` : '';
    stdout(c('red', `■ ${what}: ${h.rule}`) + c('dim', ` (since ${ago(h.since, now)}${whose})`));
    stdout(c('dim', `  clear it: ${h.clear.join('  or  ')}${h.overridable || h.gate !== 'phase' ? '' : ' (overriding it is forbidden by the project config)'}`));
  }
  for (const o of r.overridden) stdout(c('yellow', `□ ${o.phase}: halt overridden by ${o.agent}@${o.host} ${ago(o.at, now)}: ${o.why ?? ''}`) + c('dim', ` (was: ${o.halt})`));
}

function renderRemote(m: NonNullable<StatusResult['remote']>, now: number): void {
  const fresh = m.as_of ? `as of ${ago(m.as_of, now)} (last fetch)` : 'never fetched';
  stdout(c('dim', `remote ${m.name} (${m.namespace}): ${fresh}; 'status --fetch' to refresh`));
  const unpublished = [...m.unpublished, ...(m.ledger_unpublished ? ['the budget and attempts ledger'] : [])];
  if (unpublished.length) stdout(c('yellow', `* not on the remote yet: ${unpublished.join(', ')} (run 'git conductor sync')`));
  if (m.diverged.length) stdout(c('red', `! diverged from the remote (the remote's entries are not shown until this settles): ${m.diverged.join(', ')}; run 'git conductor sync'`));
  if (m.head_diverged) stdout(c('red', `! this clone's sprint ${m.head_diverged.local ?? '(unreadable)'} is not the remote's (${m.head_diverged.remote})`));
  for (const b of m.rolled_back) stdout(c('red', `rolled back ${b.kind} of ${b.phase ?? 'the sprint'} by ${b.agent}@${b.host}: the remote's ${b.winner ? `${b.winner.kind} by ${b.winner.agent}@${b.winner.host}` : 'entry'} came first`));
  for (const p of m.problems) stdout(c('red', `! ${p}`));
  if (m.clock_skew) stdout(c('red', `! clock: ${m.clock_skew.detail}; leases cannot be granted here until the clocks agree`));
}
