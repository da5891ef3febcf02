/**
 * The shipped hook stubs (the package's `hooks/` directory). A stub is used
 * whole in a plain hooks directory; its managed block (between the
 * `# >>> git-conductor <hook>` and `# <<< git-conductor <hook>` lines) is what
 * goes into a husky script, so both ways run the very same shell code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOOK_NAMES = ['post-commit', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Where a hook that was already installed lives on, run by our stub after its own work. */
export const CHAINED_SUFFIX = '.pre-conductor';
/** First line of a husky script that `hooks install` created (so uninstall deletes the file). */
export const CREATED_LINE = '# created by git conductor hooks install\n';

export const blockStart = (hook: HookName) => `# >>> git-conductor ${hook}\n`;
export const blockEnd = (hook: HookName) => `# <<< git-conductor ${hook}\n`;

// In the CJS bundle __filename exists; in the ESM library import.meta.url does.
const here = () => (typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));

/** The package's hooks/ directory: the nearest one above this module (dist/ or src/hooks/). */
export function stubsDir(): string {
  let dir = dirname(here());
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'hooks', 'pre-push')) && existsSync(join(dir, 'package.json'))) return join(dir, 'hooks');
    dir = dirname(dir);
  }
  throw new Error(`cannot find the git-conductor hooks/ directory above ${here()}: reinstall git-conductor`);
}

export function stubText(hook: HookName): string {
  return readFileSync(join(stubsDir(), hook), 'utf8');
}

/** The managed block of a stub, marker lines included. */
export function blockText(hook: HookName): string {
  const text = stubText(hook);
  const start = text.indexOf(blockStart(hook));
  const end = text.indexOf(blockEnd(hook));
  if (start < 0 || end < start) throw new Error(`hooks/${hook} has no managed block: reinstall git-conductor`);
  return text.slice(start, end + blockEnd(hook).length);
}

/** Where the block sits in `text`, if it does: [start, end) covering both marker lines. */
export function findBlock(hook: HookName, text: string): { start: number; end: number } | undefined {
  const start = text.indexOf(blockStart(hook));
  if (start < 0 || (start > 0 && text[start - 1] !== '\n')) return undefined;
  const endAt = text.indexOf(blockEnd(hook), start);
  if (endAt < 0) return undefined;
  return { start, end: endAt + blockEnd(hook).length };
}
