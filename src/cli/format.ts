/** Formatting shared by several verbs' human output: aligned columns, short durations, redactions, a view's freshness. Pure: strings in, strings out. */

/** Columns padded to their widest cell, measured without colour codes; the last column is never padded. */
export function table(rows: string[][], widths?: number[]): string {
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const w = widths ?? rows[0]!.map((_, i) => Math.max(...rows.map((r) => visible(r[i] ?? ''))));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(Math.max(0, w[i]! - visible(c)))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** How long ago; a time in the future (a clock that disagrees) is never shown as past. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = now - Date.parse(iso);
  if (ms < -FUTURE_SLACK_MS) return `in ${duration(ms)} (clock ahead?)`;
  return duration(Math.max(0, ms)) + ' ago';
}

/** Differences below this are clocks a second apart, shown as "0s ago". */
const FUTURE_SLACK_MS = 5_000;

export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${(s / 3600).toFixed(1).replace(/\.0$/, '')}h`;
  return `${Math.round(s / 86400)}d`;
}

/** "as of" for results read from the last fetched view of the coordination remote; undefined without one. */
export const asOf = (t: string | undefined, now = Date.now()) => (t ? `as of ${ago(t, now)} (last fetch; --fetch to refresh)` : undefined);

/** `n thing` or `n things`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** At most `max` characters, the cut marked with an ellipsis. Plain text only: colour is added after. */
export const ellipsis = (s: string, max: number) => (s.length <= max ? s : max <= 1 ? '…'.slice(0, max) : `${s.slice(0, max - 1)}…`);

/**
 * Columns sized to their content: column `flex` is capped at `cap` characters
 * and, when the terminal is narrower than the table, shrunk (to no less than
 * `min`) so no row wraps. Cells are plain text; `paint(col, text)` colours a
 * cell after it has been cut to size.
 */
export function fitTable(
  rows: string[][],
  o: { flex: number; cap: number; min: number; width?: number; paint?: (col: number, text: string, row: number) => string },
): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  widths[o.flex] = Math.min(widths[o.flex]!, o.cap);
  if (o.width) {
    // Everything but the flex column, the gaps between columns, and the last column's content.
    const rest = widths.reduce((a, w, i) => (i === o.flex ? a : a + w), 0) + 2 * (widths.length - 1);
    widths[o.flex] = Math.min(widths[o.flex]!, Math.max(o.min, o.width - rest));
  }
  const cut = rows.map((r, ri) => r.map((c, i) => (o.paint ?? ((_c, t) => t))(i, i === o.flex ? ellipsis(c, widths[i]!) : c, ri)));
  return table(cut, widths);
}

/** "redacted 2 secret(s) before storing: aws-access-key-id at summary.notes, ..." — kinds and paths, never the secret. */
export function redactedLine(r: readonly { kind: string; path: string }[], verb = 'redacted'): string {
  return `${verb} ${r.length} secret(s)${verb === 'redacted' ? ' before storing' : ''}: ${r.map((x) => `${x.kind} at ${x.path}`).join(', ')}`;
}
