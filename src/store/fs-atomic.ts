/** Small file-system primitives with the atomicity the state directory relies on. */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Random hex for unique names. Math.random is enough: names only need to differ, and crypto costs start-up time. */
export const randomHex = (bytes: number) => {
  let s = '';
  for (let i = 0; i < bytes; i++) s += ((Math.random() * 256) | 0).toString(16).padStart(2, '0');
  return s;
};

/** Writes and fsyncs, so a power cut never leaves a half-written file behind a rename. */
export function writeFileDurable(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, 'wx', 0o644);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** temp file + rename, fsynced: readers see the old bytes or the new ones, never a mix, even after a power cut. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  replaceFile(file, data, { durable: true });
}

/**
 * The one write-temp-then-rename: `file` gets `data` in one rename, so a
 * reader (or git running a hook) never sees half of it; the temp file never
 * outlives a failure. `durable`: fsync before the rename (state files; a
 * cache need not). `mode`: exactly these bits, whatever the umask.
 */
export function replaceFile(file: string, data: string | Uint8Array, opts: { durable?: boolean; mode?: number } = {}): void {
  const tmp = `${file}.tmp-${process.pid}-${randomHex(4)}`;
  try {
    if (opts.durable) writeFileDurable(tmp, data);
    else writeFileSync(tmp, data, opts.mode === undefined ? undefined : { mode: opts.mode });
    if (opts.mode !== undefined) chmodSync(tmp, opts.mode);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Test-only crash points: at the point `chosen` names (the CLI reads
 * CONDUCTOR_TEST_PAUSE), the process announces itself and hangs until killed;
 * with `name:ms`, it waits that long and goes on (to let a racer in).
 */
export function pausePoint(name: string, chosen: string | undefined): void {
  const [at, ms] = (chosen ?? '').split(':');
  if (at !== name) return;
  process.stderr.write(`paused at ${name}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms ? Number(ms) : undefined);
}
