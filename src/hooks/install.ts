/**
 * Adding and removing our hooks without losing anyone else's.
 *
 * Plain hooks directory: an existing hook is renamed to `<hook>.pre-conductor`
 * (bytes, mode and all) and our stub runs it afterwards with the same
 * arguments and stdin, exiting with its code. Uninstall renames it back.
 * husky: our managed block goes at the top of `.husky/<hook>` (after a
 * shebang line), and uninstall cuts exactly that block out again.
 * Both are idempotent: installing twice changes nothing the second time.
 */
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BoundedReadError, READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import { replaceFile } from '../store/fs-atomic.js';
import { blockText, CHAINED_SUFFIX, CREATED_LINE, findBlock, stubText, type HookName } from './stubs.js';

export type HookAction = 'created' | 'chained' | 'updated' | 'unchanged' | 'removed' | 'restored' | 'absent' | 'left';

export interface HookFileResult {
  hook: HookName;
  file: string;
  action: HookAction;
  /** The hook that was there before and now runs after ours. */
  chained?: string;
  note?: string;
}

function readText(file: string): string | undefined {
  try {
    // Not a regular file (a symlink, a FIFO) or huge: treated as someone else's hook, never read.
    return lstatSync(file).isFile() ? (readBoundedText(file, READ_CAPS.projectConfig, { noFollow: true }) ?? '') : '';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (e instanceof BoundedReadError) return ''; // replaced by something odd since the lstat: someone else's
    throw e;
  }
}

/** temp + rename, so git never runs a half-written hook; keeps the mode it is given. */
function writeHook(file: string, text: string, mode: number): void {
  mkdirSync(dirname(file), { recursive: true });
  replaceFile(file, text, { mode });
}

const isOurs = (hook: HookName, text: string | undefined) => text !== undefined && findBlock(hook, text) !== undefined;

export function installPlain(hook: HookName, hooksDir: string): HookFileResult {
  const file = join(hooksDir, hook);
  const chained = file + CHAINED_SUFFIX;
  const stub = stubText(hook);
  const current = readText(file);
  const before = existsSync(chained) ? chained : undefined;
  if (isOurs(hook, current)) {
    if (current === stub && (statSync(file).mode & 0o111) !== 0) return { hook, file, action: 'unchanged', chained: before };
    writeHook(file, stub, 0o755);
    return { hook, file, action: 'updated', chained: before };
  }
  if (current !== undefined) {
    if (before) {
      // Someone replaced our stub while an older hook waits in .pre-conductor: chaining again would lose one of them.
      return { hook, file, action: 'left', note: `both ${hook} and ${hook}${CHAINED_SUFFIX} exist and ${hook} is not ours: merge them by hand, then run 'git conductor hooks install' again` };
    }
    renameSync(file, chained);
    writeHook(file, stub, 0o755);
    return { hook, file, action: 'chained', chained };
  }
  writeHook(file, stub, 0o755);
  return { hook, file, action: 'created', chained: before };
}

export function uninstallPlain(hook: HookName, hooksDir: string): HookFileResult {
  const file = join(hooksDir, hook);
  const chained = file + CHAINED_SUFFIX;
  const current = readText(file);
  const hasChained = existsSync(chained) || lstatSafe(chained);
  if (current !== undefined && !isOurs(hook, current)) {
    return { hook, file, action: 'left', note: hasChained ? `${hook} was replaced by another tool; the hook from before git-conductor is still in ${hook}${CHAINED_SUFFIX}` : undefined };
  }
  if (current !== undefined) rmSync(file);
  if (hasChained) {
    renameSync(chained, file);
    return { hook, file, action: 'restored', chained };
  }
  return { hook, file, action: current !== undefined ? 'removed' : 'absent' };
}

function lstatSafe(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Where in a husky script the block goes: after a shebang line, else at the top. */
function insertAt(text: string): number {
  if (!text.startsWith('#!')) return 0;
  const nl = text.indexOf('\n');
  return nl < 0 ? 0 : nl + 1;
}

export function installHusky(hook: HookName, scriptsDir: string): HookFileResult {
  const file = join(scriptsDir, hook);
  const block = blockText(hook);
  const current = readText(file);
  if (current === undefined) {
    writeHook(file, CREATED_LINE + block, 0o755);
    return { hook, file, action: 'created' };
  }
  const mode = statSync(file).mode & 0o7777;
  const at = findBlock(hook, current);
  if (at) {
    if (current.slice(at.start, at.end) === block) return { hook, file, action: 'unchanged' };
    writeHook(file, current.slice(0, at.start) + block + current.slice(at.end), mode);
    return { hook, file, action: 'updated' };
  }
  const i = insertAt(current);
  writeHook(file, current.slice(0, i) + block + current.slice(i), mode);
  return { hook, file, action: 'chained', chained: file };
}

export function uninstallHusky(hook: HookName, scriptsDir: string): HookFileResult {
  const file = join(scriptsDir, hook);
  const current = readText(file);
  const at = current === undefined ? undefined : findBlock(hook, current);
  if (!current || !at) return { hook, file, action: current === undefined ? 'absent' : 'left' };
  const rest = current.slice(0, at.start) + current.slice(at.end);
  if (rest === CREATED_LINE) {
    rmSync(file);
    return { hook, file, action: 'removed' };
  }
  writeHook(file, rest, statSync(file).mode & 0o7777);
  return { hook, file, action: 'restored' };
}

export type HookFileState = 'installed' | 'outdated' | 'missing' | 'foreign';

/** Read-only: is our current hook in place? */
export function hookFileState(hook: HookName, file: string, mode: 'plain' | 'husky'): { state: HookFileState; chained?: string } {
  const current = readText(file);
  const chained = mode === 'plain' && existsSync(file + CHAINED_SUFFIX) ? file + CHAINED_SUFFIX : undefined;
  if (current === undefined) return { state: 'missing', chained };
  const at = findBlock(hook, current);
  if (!at) return { state: 'foreign', chained };
  const current_ = mode === 'plain' ? current === stubText(hook) : current.slice(at.start, at.end) === blockText(hook);
  return { state: current_ ? 'installed' : 'outdated', chained };
}
