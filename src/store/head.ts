/**
 * Which branch and commit a work tree is on, for the provenance of a
 * completion. Read from the files in the classic layout (HEAD in the
 * worktree's git dir, branches in the common dir: loose file, then
 * packed-refs), asked of git otherwise. Never throws: provenance is a record
 * of what could be seen, and an unborn branch or an odd layout has less.
 */
import { join } from 'node:path';
import { READ_CAPS, readBoundedText } from './bounded-read.js';
import { classicLayout } from '../git/files-layout.js';
import { git } from '../git/git.js';

export interface HeadInfo {
  /** The branch name (without refs/heads/); undefined when HEAD is detached. */
  branch?: string;
  /** The commit HEAD names; undefined on an unborn branch. */
  head?: string;
}

const OID = /^[0-9a-f]{40}$/;
const REF = /^ref: (refs\/[^\s]+)\n?$/;

export function headInfo(cwd: string, gitDir: string, commonDir: string): HeadInfo {
  try {
    return classicLayout(commonDir) ? fromFiles(gitDir, commonDir) : fromGit(cwd);
  } catch {
    return {};
  }
}

function fromFiles(gitDir: string, commonDir: string): HeadInfo {
  const text = readBoundedText(join(gitDir, 'HEAD'), READ_CAPS.looseRef) ?? '';
  const sym = REF.exec(text)?.[1];
  if (!sym) {
    const oid = text.trim();
    return OID.test(oid) ? { head: oid } : {};
  }
  const branch = sym.startsWith('refs/heads/') ? sym.slice(11) : undefined;
  return { branch, head: resolveRef(commonDir, sym) };
}

function resolveRef(commonDir: string, ref: string): string | undefined {
  try {
    const oid = (readBoundedText(join(commonDir, ref), READ_CAPS.looseRef) ?? '').trim();
    if (OID.test(oid)) return oid;
  } catch {
    // Not loose: packed, or unborn.
  }
  let packed = '';
  try {
    packed = readBoundedText(join(commonDir, 'packed-refs'), READ_CAPS.packedRefs) ?? '';
  } catch {
    return undefined;
  }
  const line = packed.split('\n').find((l) => l.slice(41) === ref);
  return line && OID.test(line.slice(0, 40)) ? line.slice(0, 40) : undefined;
}

function fromGit(cwd: string): HeadInfo {
  const b = git(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd, allowFail: true });
  const h = git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd, allowFail: true });
  return {
    branch: b.code === 0 && b.stdout ? b.stdout : undefined,
    head: h.code === 0 && /^[0-9a-f]{40,64}$/.test(h.stdout) ? h.stdout : undefined,
  };
}
