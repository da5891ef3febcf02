/**
 * Reads the refs under one prefix straight from git's files ref backend:
 * loose ref files under <common dir>/<prefix>, then packed-refs for names
 * without a loose file (a loose ref overrides its packed copy, as in git).
 * Saves a git process on the hot path of every command that has a
 * coordination remote. Only for repositories in the classic layout
 * (files-layout.ts); otherwise undefined, and the caller asks git.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import { classicLayout } from './files-layout.js';

export interface RefFile {
  ref: string;
  /** The object the ref names; undefined for a symbolic ref or an unreadable file. */
  oid: string | undefined;
}

const OID_LINE = /^([0-9a-f]{40})\n?$/;

export function readRefs(commonDir: string, prefix: string): RefFile[] | undefined {
  if (!classicLayout(commonDir) || !prefix.startsWith('refs/') || !prefix.endsWith('/')) return undefined;
  const out = new Map<string, RefFile>();
  const walk = (rel: string) => {
    let entries;
    try {
      entries = readdirSync(join(commonDir, rel), { withFileTypes: true });
    } catch {
      return; // no such directory: no loose refs there
    }
    for (const e of entries) {
      const ref = `${rel}${e.name}`;
      if (e.isDirectory()) walk(`${ref}/`);
      else if (e.isFile() && !e.name.endsWith('.lock')) {
        const oid = oidIn(join(commonDir, ref));
        if (oid !== null) out.set(ref, { ref, oid });
      }
    }
  };
  walk(prefix);
  let packed = '';
  try {
    packed = readBoundedText(join(commonDir, 'packed-refs'), READ_CAPS.packedRefs) ?? '';
  } catch {
    // no packed refs
  }
  for (const line of packed.split('\n')) {
    const sp = line.indexOf(' ');
    const ref = line.slice(sp + 1);
    if (sp !== 40 || !ref.startsWith(prefix) || out.has(ref)) continue; // comments, peeled "^" lines, other refs
    out.set(ref, { ref, oid: OID_LINE.exec(line.slice(0, 40))?.[1] });
  }
  return [...out.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

/** The oid a loose ref file names; undefined when it names none; null when the file is gone (deleted while we looked). */
function oidIn(file: string): string | undefined | null {
  try {
    const text = readBoundedText(file, READ_CAPS.looseRef);
    return text === undefined ? null : OID_LINE.exec(text)?.[1];
  } catch {
    return null;
  }
}
