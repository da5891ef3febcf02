/**
 * Putting our hook file where another may already be, for the client's hooks
 * and the server's pre-receive alike: an existing hook is renamed to
 * `<hook>.pre-conductor` (bytes, mode and all; our stub runs it afterwards),
 * and uninstall renames it back, so the directory is byte for byte what it
 * was. A hook is only ever written whole (temp + rename): git never runs half
 * of one. Installing twice changes nothing.
 */
import { lstatSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { BoundedReadError, READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import { replaceFile } from '../store/fs-atomic.js';
import { CHAINED_SUFFIX } from './stubs.js';

export { CHAINED_SUFFIX };

export type HookAction = 'created' | 'chained' | 'updated' | 'unchanged' | 'removed' | 'restored' | 'absent' | 'left';

export interface ChainedResult {
  file: string;
  action: HookAction;
  /** The hook that was there before and now runs after ours. */
  chained?: string;
  note?: string;
}

/** The file's text; undefined when absent, '' when it is not a regular file (never ours). */
export function readHookText(file: string): string | undefined {
  try {
    // Not a regular file (a symlink, a FIFO) or huge: treated as someone else's hook, never read.
    return lstatSync(file).isFile() ? (readBoundedText(file, READ_CAPS.projectConfig, { noFollow: true }) ?? '') : '';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof BoundedReadError) return ''; // replaced by something odd since the lstat: someone else's
    throw e;
  }
}

/** Anything at `p`, a dangling symlink included (so it is never renamed over). */
export function pathExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** temp + rename, so git never runs a half-written hook; exactly the mode it is given. */
export function writeHook(file: string, text: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true });
  replaceFile(file, text, { mode });
}

/**
 * Installs `stub` at `file`, chaining a hook that is not ours. `isOurs` tells
 * our stub (of any version) from someone else's hook; `again` is the command
 * to run once a conflict is merged by hand.
 */
export function installChained(file: string, stub: string, isOurs: (text: string | undefined) => boolean, again: string): ChainedResult {
  const chained = file + CHAINED_SUFFIX;
  const current = readHookText(file);
  const before = pathExists(chained) ? chained : undefined;
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (isOurs(current)) {
    if (current === stub && (statSync(file).mode & 0o111) !== 0) return { file, action: 'unchanged', chained: before };
    writeHook(file, stub, 0o755);
    return { file, action: 'updated', chained: before };
  }
  if (current !== undefined) {
    // Someone replaced our stub while an older hook waits in .pre-conductor: chaining again would lose one of them.
    if (before)
      return {
        file,
        action: 'left',
        note: `both ${name} and ${name}${CHAINED_SUFFIX} exist and ${name} is not ours: merge them by hand, then run '${again}' again`,
      };
    renameSync(file, chained);
    writeHook(file, stub, 0o755);
    return { file, action: 'chained', chained };
  }
  writeHook(file, stub, 0o755);
  return { file, action: 'created', chained: before };
}

/** Removes our stub from `file` and renames the chained hook back; a hook that is not ours is left (`notOurs`: what to say then). */
export function uninstallChained(file: string, isOurs: (text: string | undefined) => boolean, notOurs?: string): ChainedResult {
  const chained = file + CHAINED_SUFFIX;
  const current = readHookText(file);
  const hasChained = pathExists(chained);
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (current !== undefined && !isOurs(current)) {
    return {
      file,
      action: 'left',
      note: hasChained
        ? `${name} was replaced by another tool; the hook from before git-conductor is still in ${name}${CHAINED_SUFFIX}`
        : notOurs,
    };
  }
  if (current !== undefined) rmSync(file);
  if (hasChained) {
    renameSync(chained, file);
    return { file, action: 'restored', chained };
  }
  return { file, action: current !== undefined ? 'removed' : 'absent' };
}
