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
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { installChained, readHookText as readText, uninstallChained, writeHook, type ChainedResult } from './chained-file.js';
import { blockText, CHAINED_SUFFIX, CREATED_LINE, findBlock, stubText, type HookName } from './stubs.js';

export type { HookAction } from './chained-file.js';

export interface HookFileResult extends ChainedResult {
  hook: HookName;
}

const isOurs = (hook: HookName, text: string | undefined) => text !== undefined && findBlock(hook, text) !== undefined;

export function installPlain(hook: HookName, hooksDir: string): HookFileResult {
  return { hook, ...installChained(join(hooksDir, hook), stubText(hook), (t) => isOurs(hook, t), 'git conductor hooks install') };
}

export function uninstallPlain(hook: HookName, hooksDir: string): HookFileResult {
  return { hook, ...uninstallChained(join(hooksDir, hook), (t) => isOurs(hook, t)) };
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
