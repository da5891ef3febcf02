/**
 * Whether a repository keeps git's classic on-disk layout, which the hot path
 * reads and writes directly instead of spawning git (loose-objects.ts,
 * ref-files.ts): SHA-1 object names, the files ref backend, and objects that
 * need no shared-repository permissions. Anything else, or any doubt, means
 * "ask git" — the callers fall back to a git command, never to a guess.
 */
import { existsSync } from 'node:fs';
import { readBoundedText } from '../store/bounded-read.js';
import { join } from 'node:path';

const known = new Map<string, boolean>();

export function classicLayout(commonDir: string): boolean {
  let v = known.get(commonDir);
  if (v === undefined) {
    v = check(commonDir);
    known.set(commonDir, v);
  }
  return v;
}

function check(commonDir: string): boolean {
  let config: string | undefined;
  try {
    config = readBoundedText(join(commonDir, 'config'), 1024 * 1024)?.toLowerCase();
  } catch {
    return false;
  }
  if (config === undefined) return false;
  // extensions.objectFormat / extensions.refStorage change the formats; sharedRepository the file modes.
  if (/objectformat|refstorage|sharedrepository|\[include/.test(config)) return false;
  return !existsSync(join(commonDir, 'reftable'));
}
