/**
 * The sprint's ledger: its token/USD budget and its circuit breaker, as one
 * append-only log (store: `sprints/<id>/ledger/`, remote: the sprint's
 * ledger ref). Each entry is an operation and the state it leads to, so the
 * newest entry alone is the ledger's state (reading it costs one file however
 * long the sprint), and any entry can be checked against the one below it:
 * applyLedger(previous state, entry) must give the entry's state exactly.
 *
 *   limit     `budget set`: the new limit; a standing override ends with it
 *   spend     `budget add`: tokens (and USD) used, by phase when given
 *   fail, ok  `attempt fail|ok --key K`: one more consecutive failure on K, or K reset
 *   override  `override budget`: a human lets the sprint go on past its limit
 *
 * Pure; the thresholds come from the project config (LedgerRules).
 */
import { blocked, invalid, unavailable } from './errors.js';
import type { LedgerRecord, LedgerState } from './schemas.js';

export type LedgerOp = Omit<LedgerRecord, 'v' | 'seq' | 'id' | 'state' | 'offline'>;

export interface LedgerRules {
  /** Fraction of the limit at which state-changing commands warn. */
  warn_at: number;
  /** Fraction of the limit at which the sprint halts. */
  halt_at: number;
  /** Consecutive failures on one key that halt the sprint. */
  failures: number;
}

export const DEFAULT_LEDGER_RULES: LedgerRules = { warn_at: 0.8, halt_at: 1, failures: 3 };
/** Keys failing at once: bounds the state an entry carries. */
export const MAX_FAILING_KEYS = 100;
/**
 * Entries a sprint's ledger may hold: a bound on what grows with the sprint,
 * well below the 5000 entries a chain of refs may have (remote/tracking.ts).
 * Spending is recorded per step of work, not per model call.
 */
export const MAX_LEDGER_ENTRIES = 4000;
/** The gate name `override` and `no_override` use for the budget. */
export const BUDGET_GATE = 'budget';

export const emptyLedger = (): LedgerState => ({ used: { tokens: 0, usd: 0 }, by_phase: {}, failures: {} });

// USD sums in micro-dollars, so that every client adds the same way.
const money = (x: number) => Math.round(x * 1e6) / 1e6;

/** The state after `op` on `prev` (undefined: the empty ledger). Throws E_BAD_AMOUNT for an operation the state cannot take. */
export function applyLedger(prev: LedgerState | undefined, op: LedgerOp): LedgerState {
  const s: LedgerState = structuredClone(prev ?? emptyLedger());
  switch (op.kind) {
    case 'limit':
      s.limit = { tokens: op.tokens ?? 0, ...(op.usd === undefined ? {} : { usd: op.usd }) };
      delete s.override;
      break;
    case 'spend': {
      const usd = op.usd ?? 0;
      s.used = { tokens: s.used.tokens + (op.tokens ?? 0), usd: money(s.used.usd + usd) };
      if (op.phase) {
        const p = s.by_phase[op.phase] ?? { tokens: 0, usd: 0 };
        s.by_phase[op.phase] = { tokens: p.tokens + (op.tokens ?? 0), usd: money(p.usd + usd) };
      }
      if (!Number.isSafeInteger(s.used.tokens))
        throw invalid('E_BAD_AMOUNT', `the budget's token count would overflow: record smaller amounts`);
      break;
    }
    case 'fail': {
      const key = op.key!;
      const was = s.failures[key];
      if (!was && Object.keys(s.failures).length >= MAX_FAILING_KEYS) {
        throw invalid(
          'E_BAD_AMOUNT',
          `${MAX_FAILING_KEYS} keys are failing already: reset the ones that pass with 'git conductor attempt ok --key K'`,
        );
      }
      const note = op.note?.slice(0, 200);
      s.failures[key] = { count: (was?.count ?? 0) + 1, since: was?.since ?? op.at, ...(note ? { note } : {}) };
      break;
    }
    case 'ok':
      delete s.failures[op.key!];
      break;
    case 'override':
      s.override = { agent: op.agent, host: op.host, at: op.at, why: op.why ?? '' };
      break;
  }
  return s;
}

/** How much of the limit is used: the larger of the token and the USD fraction; undefined without a limit. */
export function budgetRatio(s: LedgerState): number | undefined {
  if (!s.limit) return undefined;
  const part = (used: number, limit: number | undefined) =>
    limit === undefined ? 0 : limit === 0 ? (used > 0 ? Infinity : 1) : used / limit;
  return Math.max(part(s.used.tokens, s.limit.tokens), part(s.used.usd, s.limit.usd));
}

const pct = (r: number) => (Number.isFinite(r) ? `${Math.round(r * 100)}%` : 'over 100%');
const spentText = (s: LedgerState) =>
  `${s.used.tokens} of ${s.limit!.tokens} tokens${s.limit!.usd !== undefined ? `, $${s.used.usd} of $${s.limit!.usd}` : ''}`;

export type LedgerHalt =
  | { gate: 'budget'; reason: string; ratio: number }
  | { gate: 'attempts'; key: string; reason: string; count: number; since: string; note?: string };

/** What in the ledger halts the sprint now. */
export function ledgerHalts(s: LedgerState, rules: LedgerRules): LedgerHalt[] {
  const out: LedgerHalt[] = [];
  const ratio = budgetRatio(s);
  if (ratio !== undefined && ratio >= rules.halt_at && !s.override) {
    out.push({ gate: 'budget', reason: `budget exhausted: ${pct(ratio)} used (${spentText(s)}; halts at ${pct(rules.halt_at)})`, ratio });
  }
  for (const [key, f] of Object.entries(s.failures)) {
    if (f.count >= rules.failures)
      out.push({
        gate: 'attempts',
        key,
        reason: `circuit breaker: ${f.count} consecutive failed attempts on "${key}"${f.note ? ` (last: ${f.note})` : ''}`,
        count: f.count,
        since: f.since,
        ...(f.note ? { note: f.note } : {}),
      });
  }
  return out;
}

/** What a verb's result warns of; W_AUDIT: its change stands but the audit log refused the line (api/warnings.ts). */
export interface Warning {
  code: 'W_BUDGET' | 'W_ATTEMPTS' | 'W_AUDIT';
  message: string;
}

/** Warnings for every state-changing command: the budget past warn_at, a key one failure from the breaker. */
export function ledgerWarnings(s: LedgerState, rules: LedgerRules): Warning[] {
  const out: Warning[] = [];
  const ratio = budgetRatio(s);
  if (ratio !== undefined && ratio >= rules.warn_at) {
    const state =
      ratio >= rules.halt_at
        ? s.override
          ? `over its limit, overridden by ${s.override.agent}`
          : 'exhausted: claims are refused'
        : `halts at ${pct(rules.halt_at)}`;
    out.push({ code: 'W_BUDGET', message: `budget ${pct(ratio)} used (${spentText(s)}); ${state}` });
  }
  for (const [key, f] of Object.entries(s.failures)) {
    if (f.count === rules.failures - 1)
      out.push({ code: 'W_ATTEMPTS', message: `${f.count} consecutive failed attempts on "${key}": one more halts the sprint` });
  }
  return out;
}

/** The override entry's refusal, if any: only a halted budget, and only where the project allows it. */
export function checkBudgetOverride(s: LedgerState, rules: LedgerRules, noOverride: readonly string[]): void {
  if (!ledgerHalts(s, rules).some((h) => h.gate === 'budget')) {
    throw unavailable(
      'E_NOT_HALTED',
      `the budget is not exhausted${s.override ? ` (overridden by ${s.override.agent}@${s.override.host} at ${s.override.at})` : ''}: there is nothing to override`,
    );
  }
  if (noOverride.includes(BUDGET_GATE)) {
    throw blocked(
      'E_OVERRIDE_FORBIDDEN',
      `the project config forbids overriding the budget (no_override in .git-conductor.json): raise the limit with 'git conductor budget set --tokens N'`,
      { gate: BUDGET_GATE },
    );
  }
}

/** Same JSON value, whatever the key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Why an imported ledger entry may not follow `prev`, or undefined: its state must be what its operation makes of the one below. */
export function ledgerImportRefusal(
  prev: LedgerRecord | undefined,
  e: LedgerRecord,
  rules: LedgerRules,
  noOverride: readonly string[],
): string | undefined {
  const { v: _v, seq: _s, id: _i, state, offline: _o, ...op } = e;
  if ((op.kind === 'fail' || op.kind === 'ok') && !op.key) return `ledger entry ${e.seq} (${op.kind}) names no key`;
  try {
    if (op.kind === 'override') checkBudgetOverride(prev?.state ?? emptyLedger(), rules, noOverride);
    if (!sameJson(applyLedger(prev?.state, op), state))
      return `ledger entry ${e.seq}'s state is not what its ${op.kind} makes of the entry below it`;
  } catch (err) {
    return `ledger entry ${e.seq}: ${(err as Error).message}`;
  }
  return undefined;
}

/** A token count or a USD amount from a flag or a library call: a clear refusal for anything else. */
export function parseAmount(v: number | string | undefined, what: '--tokens' | '--usd'): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  const ok = what === '--tokens' ? Number.isSafeInteger(n) && n >= 0 : Number.isFinite(n) && n >= 0 && n <= 1e12;
  if (!ok)
    throw invalid(
      'E_BAD_AMOUNT',
      `invalid ${what} ${JSON.stringify(String(v)).slice(0, 40)}: use ${what === '--tokens' ? 'a whole number of tokens, e.g. 200000' : 'a number of dollars, e.g. 12.50'}`,
    );
  return n;
}

/**
 * The same warnings from what an artifact reports about itself (`budget:
 * {limit, used}`, `consecutive_failures`, `stuck_on`), read defensively:
 * whatever shape the artifact contract gives those fields, anything else is
 * ignored. (Whether such an artifact halts is the artifact rules' call.)
 */
export function artifactWarnings(json: unknown, rules: LedgerRules): Warning[] {
  if (!json || typeof json !== 'object') return [];
  const a = json as { budget?: { limit?: unknown; used?: unknown }; consecutive_failures?: unknown; stuck_on?: unknown };
  const out: Warning[] = [];
  const limit = a.budget?.limit;
  const used = a.budget?.used;
  if (typeof limit === 'number' && typeof used === 'number' && limit > 0 && used / limit >= rules.warn_at && used < limit) {
    out.push({ code: 'W_BUDGET', message: `the artifact reports its budget ${pct(used / limit)} used (${used} of ${limit})` });
  }
  const fails = a.consecutive_failures;
  if (typeof fails === 'number' && fails === rules.failures - 1) {
    const on = typeof a.stuck_on === 'string' ? ` on "${a.stuck_on.slice(0, 100).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}"` : '';
    out.push({ code: 'W_ATTEMPTS', message: `the artifact reports ${fails} consecutive failed attempts${on}: one more halts the sprint` });
  }
  return out;
}
