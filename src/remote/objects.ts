/**
 * Git objects for the ref mirror: writing one commit per log entry, and
 * reading commits, trees and blobs back in a few batched git calls. Nothing
 * here trusts what it reads: sizes are checked before contents are loaded,
 * and tree entries are returned raw for the caller to hold to its fixed names.
 */
import { git, gitBytes } from '../git/git.js';

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

const OID_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
export const isOid = (s: string) => OID_RE.test(s);

/** `cat-file --batch-check`: type and size for each expression (oid, `oid^{tree}`, `oid:path`), undefined when missing. */
export function objectInfo(cwd: string, exprs: string[]): (ObjectInfo | undefined)[] {
  if (!exprs.length) return [];
  const r = git(['cat-file', '--batch-check'], { cwd, input: exprs.join('\n') + '\n' });
  const lines = r.stdout.split('\n');
  return exprs.map((_, i) => {
    const m = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/.exec(lines[i] ?? '');
    return m ? { oid: m[1]!, type: m[2]!, size: Number(m[3]) } : undefined;
  });
}

/** `cat-file --batch` for objects already size-checked by the caller. */
export function objectBytes(cwd: string, oids: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!oids.length) return out;
  const buf = gitBytes(['cat-file', '--batch'], { cwd, input: oids.join('\n') + '\n' }).stdout;
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    if (nl < 0) break;
    const header = buf.subarray(at, nl).toString('latin1');
    at = nl + 1;
    const m = /^([0-9a-f]{40,64}) [a-z]+ (\d+)$/.exec(header);
    if (!m) continue; // "<oid> missing"
    const size = Number(m[2]);
    out.set(m[1]!, buf.subarray(at, at + size));
    at += size + 1;
  }
  return out;
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** Parses a raw tree object. Names are returned as found: validating them is the caller's job. */
export function parseTree(raw: Buffer, oidLength: number): TreeEntry[] | undefined {
  const hashBytes = oidLength / 2;
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < raw.length) {
    const sp = raw.indexOf(32, at);
    const nul = raw.indexOf(0, sp + 1);
    if (sp < 0 || nul < 0 || nul + 1 + hashBytes > raw.length) return undefined;
    entries.push({ mode: raw.subarray(at, sp).toString('latin1'), name: raw.subarray(sp + 1, nul).toString('utf8'), oid: raw.subarray(nul + 1, nul + 1 + hashBytes).toString('hex') });
    at = nul + 1 + hashBytes;
  }
  return entries;
}

/** Commits reachable from `tips` with their parents, newest first, at most `max`. */
export function commitParents(cwd: string, tips: string[], max: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!tips.length) return out;
  const r = git(['rev-list', '--parents', `--max-count=${max}`, ...tips, '--'], { cwd });
  for (const line of r.stdout.split('\n')) {
    const [c, ...parents] = line.split(' ');
    if (c && isOid(c)) out.set(c, parents.filter(isOid));
  }
  return out;
}

export interface CommitSpec {
  /** Files to put in the tree, by their fixed name. */
  files: { name: string; path: string }[];
  parent: string | undefined;
  message: string;
  /** Author and committer; with the date, the commit id is a pure function of the entry. */
  author: { name: string; email: string };
  at: string;
}

/**
 * Writes the blobs, the tree and the commit for one log entry. The dates come
 * from the record, so two processes publishing the same entry produce the
 * same commit id, and publishing it twice is a no-op on the remote.
 */
export function writeCommit(cwd: string, spec: CommitSpec): string {
  const blobs = spec.files.length ? git(['hash-object', '-w', '--no-filters', '--', ...spec.files.map((f) => f.path)], { cwd }).stdout.split('\n') : [];
  const treeInput = spec.files.map((f, i) => `100644 blob ${blobs[i]}\t${f.name}\n`).join('');
  const tree = git(['mktree'], { cwd, input: treeInput }).stdout.trim();
  const date = `${Math.floor(Date.parse(spec.at) / 1000)} +0000`;
  const env = {
    GIT_AUTHOR_NAME: spec.author.name,
    GIT_AUTHOR_EMAIL: spec.author.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: spec.author.name,
    GIT_COMMITTER_EMAIL: spec.author.email,
    GIT_COMMITTER_DATE: date,
  };
  const args = ['commit-tree', '--no-gpg-sign', tree, ...(spec.parent ? ['-p', spec.parent] : []), '-m', spec.message];
  return git(args, { cwd, env }).stdout.trim();
}
