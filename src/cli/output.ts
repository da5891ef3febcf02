/** Terminal output: colour only on a TTY (NO_COLOR / FORCE_COLOR respected), and never raw control characters. */
const useColor = (stream: NodeJS.WriteStream) =>
  process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : !process.env.NO_COLOR && !!stream.isTTY && process.env.TERM !== 'dumb';

const codes = { red: 31, green: 32, yellow: 33, blue: 34, cyan: 36, dim: 2, bold: 1 } as const;
export type Color = keyof typeof codes;

export const paint = (stream: NodeJS.WriteStream) => {
  const on = useColor(stream);
  return (c: Color, s: string) => (on ? `\u001b[${codes[c]}m${s}\u001b[0m` : s);
};

/**
 * Text from the state may have been crafted: no control characters reach the
 * terminal except the colour codes paint() adds (ESC [ digits m).
 */
export const clean = (s: string) => s.replace(/\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (m) => (m.length > 1 ? m : '?'));

export const stdout = (s: string) => process.stdout.write(clean(s) + '\n');
export const stderr = (s: string) => process.stderr.write(clean(s) + '\n');
export const json = (v: unknown) => process.stdout.write(JSON.stringify(v) + '\n');

export function table(rows: string[][], widths?: number[]): string {
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const w = widths ?? rows[0]!.map((_, i) => Math.max(...rows.map((r) => visible(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(Math.max(0, w[i]! - visible(c))))).join('  ').trimEnd()).join('\n');
}

export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  return duration(now - Date.parse(iso)) + ' ago';
}

export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${(s / 3600).toFixed(1).replace(/\.0$/, '')}h`;
  return `${Math.round(s / 86400)}d`;
}
