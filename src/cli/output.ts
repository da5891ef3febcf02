/** Terminal output: colour only on a TTY (NO_COLOR / FORCE_COLOR respected), and never raw control characters. */
import { fstatSync, writeSync } from 'node:fs';
import type * as Tty from 'node:tty';

/**
 * Writes straight to the file descriptor, whole, before returning. Creating
 * process.stdout/stderr sets up stream machinery that costs ~10 ms of start-up
 * on a pipe, more than many commands take; output here is a few lines. A
 * reader that went away (EPIPE: `| head`) just stops the output.
 */
export function write(fd: 1 | 2, s: string | Uint8Array): void {
  const buf = typeof s === 'string' ? Buffer.from(s) : s;
  for (let off = 0; off < buf.length;) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw e;
      // A non-blocking pipe is full: give the reader a moment.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** A terminal is a character device; node:tty (which loads net and streams) is asked only about those. */
function isTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice() && (process.getBuiltinModule('node:tty') as typeof Tty).isatty(fd);
  } catch {
    return false;
  }
}

/** Is stdout a terminal (a live view redraws there; elsewhere it appends lines)? */
export const isStdoutTerminal = () => isTerminal(1);

/** Where human tables must fit: COLUMNS when set, else the terminal's width (only a terminal is asked). */
export function terminalWidth(): number | undefined {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  return isTerminal(1) ? process.stdout.columns || undefined : undefined;
}

/** `to`: a file descriptor (cheap), or a stream for callers that already have one. */
const useColor = (to: 1 | 2 | NodeJS.WriteStream) =>
  process.env.FORCE_COLOR
    ? process.env.FORCE_COLOR !== '0'
    : !process.env.NO_COLOR && (typeof to === 'number' ? isTerminal(to) : !!to.isTTY) && process.env.TERM !== 'dumb';

const codes = { red: 31, green: 32, yellow: 33, blue: 34, cyan: 36, dim: 2, bold: 1 } as const;
export type Color = keyof typeof codes;

export const paint = (to: 1 | 2 | NodeJS.WriteStream) => {
  const on = useColor(to);
  return (c: Color, s: string) => (on ? `\u001b[${codes[c]}m${s}\u001b[0m` : s);
};

// Human renderings colour what they print on stdout. Whether to is asked on
// first use, never at import: every verb's renderer loads at start-up, and
// most runs (--json, hooks, errors) never colour anything.
let stdoutPaint: ((c: Color, s: string) => string) | undefined;
/** `paint(1)`, decided once, on first use. */
export const color = (c: Color, s: string) => (stdoutPaint ??= paint(1))(c, s);

/**
 * Text from the state may have been crafted: no control character (C0, DEL,
 * C1: CSI, OSC and the rest) reaches the terminal. The one exception is the
 * exact colour codes paint() writes, and only when colour is on; so crafted
 * text can at most colour itself in one of those, never move the cursor, set
 * a title or a hyperlink, or clear the screen. Tab and newline stay.
 */
const PAINT_CODES = new Set(['\u001b[0m', ...Object.values(codes).map((n) => `\u001b[${n}m`)]);
export const clean = (s: string, fd: 1 | 2 = 1) => {
  const keep = useColor(fd);
  return s.replace(/\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (m) =>
    m.length > 1 && keep && PAINT_CODES.has(m) ? m : '?',
  );
};

/**
 * JSON text with every control character escaped: JSON.stringify escapes
 * C0 but leaves DEL and C1 (and U+2028/2029) raw, and a terminal acts on C1.
 */
export const jsonText = (v: unknown, indent?: number) =>
  JSON.stringify(v, null, indent).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export const stdout = (s: string) => write(1, clean(s, 1) + '\n');
export const stderr = (s: string) => write(2, clean(s, 2) + '\n');
export const json = (v: unknown) => write(1, jsonText(v) + '\n');

/**
 * Bytes from the state, as they are for a pipe or a file; on a terminal they
 * pass through clean() like every other line, so stored text can never drive it.
 */
export const rawBytes = (b: Uint8Array) => write(1, isTerminal(1) ? clean(Buffer.from(b).toString('utf8')) : b);
