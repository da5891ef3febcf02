/** attempt fail, attempt ok, attempt status: the circuit breaker, consecutive failures per key, in the sprint's ledger. */
import { invalid } from '../core/errors.js';
import { ledgerWarnings, type Warning } from '../core/ledger.js';
import { ATTEMPT_KEY_RE, type LedgerState } from '../core/schemas.js';
import { activeSprint, agentOf, ledgerRules, openWithRemote, type CommonOptions } from './context.js';
import { appendLedger, ledgerState } from './ledger.js';

export interface AttemptOptions extends CommonOptions {
  key: string;
  /** attempt fail: what went wrong, one line (the newest is kept per key, 200 characters). */
  note?: string;
}

export interface AttemptFailure {
  key: string;
  /** Consecutive failures since the key's last `ok`. */
  count: number;
  /** When the first of them was recorded. */
  since: string;
  note?: string;
  /** This key's failures halt the sprint. */
  halted: boolean;
}

export interface AttemptStatus {
  sprint_id: string;
  /** Consecutive failures on one key that halt the sprint. */
  threshold: number;
  failures: AttemptFailure[];
  warnings: Warning[];
}

export interface AttemptResult extends AttemptStatus {
  key: string;
  /** The key's consecutive failures after this command (0 after `ok`). */
  count: number;
  halted: boolean;
  entry: { seq: number; at: string; agent: string };
}

function validKey(key: unknown): string {
  if (typeof key !== 'string' || !ATTEMPT_KEY_RE.test(key)) {
    throw invalid(
      'E_USAGE',
      `invalid attempt key ${JSON.stringify(String(key)).slice(0, 60)}: use 1-128 letters, digits and . _ : / @ + # -, starting with a letter or digit (e.g. "test:login" or "build")`,
    );
  }
  return key;
}

function validNote(note: unknown): string | undefined {
  if (note === undefined) return undefined;
  if (typeof note !== 'string' || note.length > 500 || /[\u0000-\u001f\u007f-\u009f]/.test(note))
    throw invalid('E_USAGE', '--note must be one line of at most 500 characters');
  return note.trim() || undefined;
}

/** One more consecutive failure on `key`; the threshold-th in a row halts the sprint, naming the key. */
export const attemptFail = (opts: AttemptOptions) => record(opts, 'fail');

/** `key` passed: its failures are reset (other keys keep theirs), and a halt it caused is cleared. */
export const attemptOk = (opts: AttemptOptions) => record(opts, 'ok');

async function record(opts: AttemptOptions, kind: 'fail' | 'ok'): Promise<AttemptResult> {
  const key = validKey(opts.key);
  const note = kind === 'fail' ? validNote(opts.note) : undefined;
  const ctx = await openWithRemote(opts, 'view');
  const sprint = activeSprint(ctx);
  const agent = agentOf(ctx, opts.agent).id;
  const rules = ledgerRules(ctx);
  const before = ledgerState(ctx, sprint)?.failures[key]?.count ?? 0;
  const entry = appendLedger(ctx, sprint, agent, () => ({ kind, key, ...(note ? { note } : {}) }));
  const count = entry.record.state.failures[key]?.count ?? 0;
  const was = before >= rules.failures;
  const is = count >= rules.failures;
  // Audited when the breaker trips or is reset, not for every attempt.
  if (is !== was) {
    const detail = is
      ? `circuit breaker: ${count} consecutive failed attempts on "${key}" halt the sprint`
      : `attempt ok on "${key}": its halt is cleared`;
    ctx.store.audit({ at: entry.record.at, event: 'attempt', sprint_id: sprint.id, agent, host: ctx.host, detail });
  }
  return {
    ...statusOf(sprint.id, entry.record.state, rules),
    key,
    count,
    halted: is,
    entry: { seq: entry.seq, at: entry.record.at, agent },
  };
}

export async function attemptStatus(opts: CommonOptions = {}): Promise<AttemptStatus> {
  const ctx = await openWithRemote(opts, 'view');
  const sprint = activeSprint(ctx);
  return statusOf(sprint.id, ledgerState(ctx, sprint), ledgerRules(ctx));
}

function statusOf(sprintId: string, s: LedgerState | undefined, rules: ReturnType<typeof ledgerRules>): AttemptStatus {
  const failures = Object.entries(s?.failures ?? {}).map(([key, f]) => ({ key, ...f, halted: f.count >= rules.failures }));
  return { sprint_id: sprintId, threshold: rules.failures, failures, warnings: s ? ledgerWarnings(s, rules) : [] };
}
