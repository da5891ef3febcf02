/** status: every phase's state as a table, then what the coordination remote looked like at the last fetch. */
import { type Command, CommanderError } from 'commander';
import type { StatusResult } from '../../api/index.js';
import { ago, duration, fitTable } from '../format.js';
import { color as c, stdout, terminalWidth } from '../output.js';
import { api, run, testClock, withCommon } from './shared.js';

const STATE_COLOR = { done: 'green', running: 'yellow', ready: 'cyan', pending: 'dim', waiting: 'dim' } as const;

export function register(program: Command): void {
  withCommon(program.command('status'))
    .option('--fetch', 'with a coordination remote: fetch it first')
    .option('--watch', 'keep the view current until the sprint is archived or Ctrl-C (plain lines when not a terminal)')
    .option('--interval <seconds>', 'with --watch: fetch the coordination remote this often (default 2)', parseInterval)
    .description('every phase: pending, ready, running (by whom, lease left) or done')
    .action(async (o) => {
      if (!o.watch) return run((await api()).status, renderStatus)(o);
      const { watchStatus } = await import('./status-watch.js');
      return watchStatus({ json: o.json, agent: o.agent, interval: o.interval ?? 2 });
    });
}

function parseInterval(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) < 0.2 || Number(v) > 3600)
    throw new CommanderError(2, 'E_USAGE', `invalid --interval ${JSON.stringify(v)}: use a number of seconds from 0.2 to 3600, e.g. 2`);
  return Number(v);
}

/** The agent column: content-sized up to this many characters, never less than the minimum when the terminal is narrow. */
const AGENT_CAP = 40;
const AGENT_MIN = 12;

export function renderStatus(r: StatusResult, now = Date.now() + (testClock().clockOffsetMs ?? 0)): void {
  stdout(statusLines(r, now, terminalWidth()).join('\n'));
}

/** The human view, as lines (status prints them; status --watch redraws them in place). */
export function statusLines(r: StatusResult, now: number, width: number | undefined): string[] {
  const lines = [`sprint ${c('bold', r.sprint_id)}  ${r.status}  started ${ago(r.started_at, now)} by ${r.started_by}`];
  if (r.halted) lines.push(c('red', `■ halted by ${r.halted.phase}: ${r.halted.reason}`));
  const rows = [['PHASE', 'STATE', 'AGENT', 'SINCE', 'LEASE']];
  const states: (keyof typeof STATE_COLOR)[] = [];
  for (const p of Object.values(r.phases)) {
    const left =
      p.state !== 'running'
        ? ''
        : p.expired
          ? `expired ${duration(now - Date.parse(p.expires_at!))} ago`
          : `${duration(Date.parse(p.expires_at!) - now)} left`;
    const lease = left && p.pid ? `${left}, pid ${p.pid}` : left;
    const missing = p.depends_on.filter((d) => r.phases[d]?.state !== 'done');
    const who = p.agent
      ? `${p.agent}@${p.host}`
      : p.excluded_by
        ? `waits for ${p.excluded_by} (${p.concurrency} vs ${r.phases[p.excluded_by]?.concurrency})`
        : p.state === 'pending'
          ? `needs ${missing.join(', ')}`
          : '';
    const state = p.excluded_by ? 'waiting' : p.state;
    states.push(state);
    const grade = p.grade ? ` (grade ${p.grade})` : '';
    const diverged = r.remote?.diverged.includes(p.name) ? '!' : '';
    rows.push([p.name, state + (p.unpublished ? '*' : '') + diverged + grade, who, ago(p.at, now), lease]);
  }
  lines.push(
    fitTable(rows, {
      flex: 2,
      cap: AGENT_CAP,
      min: AGENT_MIN,
      width,
      paint: (col, text, row) => {
        if (row === 0) return c('dim', text);
        const p = Object.values(r.phases)[row - 1]!;
        if (col === 1) {
          const marks = (p.unpublished ? c('yellow', '*') : '') + (r.remote?.diverged.includes(p.name) ? c('red', '!') : '');
          return (
            c(STATE_COLOR[states[row - 1]!], states[row - 1]!) +
            marks +
            text.slice(states[row - 1]!.length + (p.unpublished ? 1 : 0) + (r.remote?.diverged.includes(p.name) ? 1 : 0))
          );
        }
        if (col === 2 && !p.agent) return c('dim', text);
        if (col === 4 && p.expired) return c('red', text);
        return text;
      },
    }),
  );
  if (r.remote) lines.push(...remoteLines(r.remote, now));
  return lines;
}

function remoteLines(m: NonNullable<StatusResult['remote']>, now: number): string[] {
  const fresh = m.as_of ? `as of ${ago(m.as_of, now)} (last fetch)` : 'never fetched';
  const lines = [c('dim', `remote ${m.name} (${m.namespace}): ${fresh}; 'status --fetch' to refresh`)];
  if (m.unpublished.length) lines.push(c('yellow', `* not on the remote yet: ${m.unpublished.join(', ')} (run 'git conductor sync')`));
  if (m.diverged.length)
    lines.push(
      c(
        'red',
        `! diverged from the remote (the remote's entries are not shown until this settles): ${m.diverged.join(', ')}; run 'git conductor sync'`,
      ),
    );
  if (m.head_diverged)
    lines.push(
      c('red', `! this clone's sprint ${m.head_diverged.local ?? '(unreadable)'} is not the remote's (${m.head_diverged.remote})`),
    );
  for (const b of m.rolled_back)
    lines.push(
      c(
        'red',
        `rolled back ${b.kind} of ${b.phase ?? 'the sprint'} by ${b.agent}@${b.host}: the remote's ${b.winner ? `${b.winner.kind} by ${b.winner.agent}@${b.winner.host}` : 'entry'} came first`,
      ),
    );
  for (const p of m.problems) lines.push(c('red', `! ${p}`));
  if (m.clock_skew) lines.push(c('red', `! clock: ${m.clock_skew.detail}; leases cannot be granted here until the clocks agree`));
  return lines;
}
