/**
 * Markdown that artifact text cannot break out of. Every value from an
 * artifact or a record goes through md() (or mdCell() inside a table): it is
 * made one plain line (plainText), HTML-significant characters become
 * entities (so `</details><script>` is shown, never parsed), and every
 * character Markdown gives meaning to inside a line is backslash-escaped,
 * with the line-start markers (`#`, `-`, `+`, `>`, `1.`) escaped as well in
 * case a renderer treats the value as the start of a block. Pure.
 */
import { plainText } from './checkpoint.js';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function md(value: unknown, max?: number): string {
  const s = plainText(typeof value === 'string' ? value : String(value ?? ''), max);
  const escaped = s.replace(/[&<>"]/g, (c) => ENTITY[c]!).replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
  // A value shown at the start of a line must not start a heading, list, quote or numbered list.
  return escaped.replace(/^[-#+=]/, (m) => `\\${m}`).replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Inside a table cell: as md(), and never empty (an empty cell is fine, but a dash reads better). */
export const mdCell = (value: unknown, max?: number) => md(value, max) || '–';

/** A link only for plain http(s) URLs made of safe characters; anything else is shown as escaped text. */
export function mdUrl(value: unknown): string {
  const s = typeof value === 'string' ? value : '';
  return /^https?:\/\/[A-Za-z0-9._~:/?#@!$'*+,;=%-]{1,500}$/.test(s) ? `<${s}>` : md(s);
}

/** A whole duration, e.g. `1h 5m 3s`; deterministic. */
export function mdDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  const parts = [
    Math.floor(s / 86400) && `${Math.floor(s / 86400)}d`,
    Math.floor((s % 86400) / 3600) && `${Math.floor((s % 86400) / 3600)}h`,
    Math.floor((s % 3600) / 60) && `${Math.floor((s % 3600) / 60)}m`,
    `${s % 60}s`,
  ];
  return parts.filter(Boolean).join(' ').replace(/ 0s$/, '') || '0s';
}
