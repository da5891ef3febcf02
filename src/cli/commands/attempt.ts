/** attempt fail | ok | status: the circuit breaker, consecutive failures per key. */
import type { Command } from 'commander';
import type { AttemptResult, AttemptStatus } from '../../api/index.js';
import { color as c, stdout } from '../output.js';
import { api, run, runChange, withCommon } from './shared.js';

export function register(program: Command): void {
  const attempt = program.command('attempt').description('the circuit breaker: record failed and passing attempts per key');
  withCommon(attempt.command('fail'), { offline: true })
    .description('one more consecutive failure on a key (too many in a row halt the sprint)')
    .requiredOption('--key <key>', 'what was attempted, e.g. test:login')
    .option('--note <text>', 'what went wrong, one line')
    .action(async (o) => runChange((await api()).attemptFail, renderAttempt)(o));
  withCommon(attempt.command('ok'), { offline: true })
    .description('the key passed: reset its failures (and clear a halt it caused)')
    .requiredOption('--key <key>', 'the key that passed')
    .action(async (o) => runChange((await api()).attemptOk, renderAttempt)(o));
  withCommon(attempt.command('status'))
    .description('consecutive failures per key')
    .action(async (o) => run((await api()).attemptStatus, renderAttempts)(o));
}

function renderAttempt(r: AttemptResult): void {
  if (r.count === 0) stdout(`${c('green', '✓')} ${c('bold', r.key)}: failures reset`);
  else
    stdout(
      `${r.halted ? c('red', '■') : c('yellow', '✗')} ${c('bold', r.key)}: ${r.count} of ${r.threshold} consecutive failures${r.halted ? ' — the sprint is halted' : ''}`,
    );
}

function renderAttempts(r: AttemptStatus): void {
  if (!r.failures.length) stdout(`no failing keys (the breaker trips at ${r.threshold} in a row)`);
  for (const f of r.failures)
    stdout(
      `${f.halted ? c('red', '■') : c('yellow', '✗')} ${f.key}: ${f.count} of ${r.threshold} since ${f.since}${f.note ? c('dim', ` (${f.note})`) : ''}`,
    );
}
