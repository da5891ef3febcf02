/**
 * The journal's budget and attempts sections, from the sprint's ledger (the
 * same entries on every clone) and from what each artifact reported of its
 * own budget. Pure: every value printed is a number, a validated name or a
 * time, or goes through md().
 */
import { budgetRatio } from './ledger.js';
import { md, mdCell } from './markdown.js';
import type { LedgerRecord } from './schemas.js';

type Budget = { used: number; limit?: number };

const money = (usd: number | undefined) => (usd ? ` ($${Number(usd.toFixed(2))})` : '');
const pct = (r: number) => `${Math.round(r * 100)}%`;

/** The ledger's spend by phase and the budgets artifacts reported; nothing when neither has anything. */
export function budgetSection(
  ledger: readonly LedgerRecord[],
  order: readonly string[],
  reported: ReadonlyArray<readonly [string, Budget | undefined]>,
): string[] {
  const state = ledger.at(-1)?.state;
  const out: string[] = [];
  if (state && (state.limit || state.used.tokens || state.used.usd)) {
    const limit = state.limit;
    const ratio = budgetRatio(state);
    out.push(
      `- **Limit:** ${limit ? `${limit.tokens} tokens${money(limit.usd)}` : 'none set'}`,
      `- **Used:** ${state.used.tokens} tokens${money(state.used.usd)}${ratio === undefined ? '' : `, ${pct(ratio)} of the limit`}`,
    );
    const phases = Object.keys(state.by_phase).sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0));
    if (phases.length)
      out.push(
        '',
        '| phase | tokens | usd |',
        '|---|---|---|',
        ...phases.map((p) => `| ${mdCell(p)} | ${state.by_phase[p]!.tokens} | ${state.by_phase[p]!.usd} |`),
      );
    out.push('');
  }
  const known = reported.filter((b): b is readonly [string, Budget] => !!b[1]);
  if (known.length)
    out.push(
      'As each phase reported it (used of the limit, when it completed):',
      '',
      '| phase | used | limit |',
      '|---|---|---|',
      ...known.map(([phase, b]) => `| ${phase} | ${b.used} | ${b.limit ?? '–'} |`),
      '',
    );
  return out.length ? ['## Budget', '', ...out] : [];
}

const rank = (order: readonly string[], p: string) => (order.includes(p) ? order.indexOf(p) : order.length);

/** Failed attempts per key, in the order the keys first failed: how many, the last note, and whether an `ok` reset them. */
export function attemptsSection(ledger: readonly LedgerRecord[]): string[] {
  const keys = new Map<string, { failures: number; last?: LedgerRecord; reset?: LedgerRecord }>();
  for (const r of ledger) {
    if (!r.key || (r.kind !== 'fail' && r.kind !== 'ok')) continue;
    const k = keys.get(r.key) ?? { failures: 0 };
    if (r.kind === 'fail') {
      k.failures++;
      k.last = r;
      k.reset = undefined;
    } else if (k.failures) k.reset = r;
    keys.set(r.key, k);
  }
  const rows = [...keys].filter(([, k]) => k.failures);
  if (!rows.length) return [];
  return [
    '## Attempts',
    '',
    '| key | failures | last failure | now |',
    '|---|---|---|---|',
    ...rows.map(([key, k]) => {
      const now = k.reset
        ? `reset by ${md(`${k.reset.agent}@${k.reset.host}`)} at ${k.reset.at}`
        : `failing: ${k.last!.state.failures[key]?.count ?? k.failures} in a row`;
      return `| ${mdCell(key)} | ${k.failures} | ${k.last!.at}${k.last!.note ? `: ${mdCell(k.last!.note, 200)}` : ''} | ${now} |`;
    }),
    '',
  ];
}

/** The ledger's overrides of the budget, as rows of the gate section. */
export const budgetOverrides = (ledger: readonly LedgerRecord[]) =>
  ledger
    .filter((r) => r.kind === 'override')
    .map((r) => ({
      at: r.at,
      event: 'override',
      phase: 'budget',
      agent: r.agent,
      host: r.host,
      detail: r.why ? `overrode the budget: ${r.why}` : 'overrode the budget',
    }));
