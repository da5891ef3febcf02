/**
 * Git objects for the ref mirror: writing one commit per log entry, and
 * reading commits, trees and blobs back in a few batched git calls. Nothing
 * here trusts what it reads: sizes are checked before contents are loaded,
 * and tree entries are returned raw for the caller to hold to its fixed names.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { MAX_ARTIFACT_BYTES } from '../core/artifacts.js';
import { classicLayout } from '../git/files-layout.js';
import { readBounded } from '../store/bounded-read.js';
import { git, gitBytes } from '../git/git.js';
import { writeLooseObjects, type LooseObject } from '../git/loose-objects.js';
import { noteLooseObjects } from '../git/maintenance.js';
import { Layout } from '../store/layout.js';

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
    entries.push({
      mode: raw.subarray(at, sp).toString('latin1'),
      name: raw.subarray(sp + 1, nul).toString('utf8'),
      oid: raw.subarray(nul + 1, nul + 1 + hashBytes).toString('hex'),
    });
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
 * Writes the blobs, the tree and the commit for one log entry. The objects
 * are hashed here; in a repository with the classic layout they are written
 * as loose objects without any git process (the hot path of every claim),
 * otherwise handed to `git unpack-objects` as one small pack. The dates come
 * from the record, so two processes publishing the same entry produce the
 * same commit id, and publishing it twice is a no-op on the remote.
 */
export function writeCommit(cwd: string, spec: CommitSpec, commonDir?: string): string {
  const objects: { oid: string; type: ObjType; body: Buffer }[] = [];
  const add = (type: ObjType, body: Buffer) => {
    const oid = oidOf(type, body);
    objects.push({ oid, type, body });
    return oid;
  };
  const entries = spec.files.map((f) => ({ name: f.name, oid: add('blob', entryFile(f.path)) })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const tree = add(
    'tree',
    Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`100644 ${e.name}\0`), Buffer.from(e.oid, 'hex')]))),
  );
  const who = `${spec.author.name.replace(/[<>\n]/g, '')} <${spec.author.email.replace(/[<>\n]/g, '')}> ${Math.floor(Date.parse(spec.at) / 1000)} +0000`;
  const text = `tree ${tree}\n${spec.parent ? `parent ${spec.parent}\n` : ''}author ${who}\ncommitter ${who}\n\n${spec.message}\n`;
  const commit = add('commit', Buffer.from(text));
  if (!(commonDir && classicLayout(commonDir) && written(join(commonDir, 'objects'), objects)))
    git(['unpack-objects', '-q'], { cwd, input: pack(objects) });
  if (commonDir) noteLooseObjects(cwd, new Layout(commonDir).looseCounter, objects.length);
  return commit;
}

/** One file of our own log entry: never larger than an artifact may be. */
function entryFile(path: string): Buffer {
  const bytes = readBounded(path, MAX_ARTIFACT_BYTES);
  if (!bytes) throw new Error(`${path} vanished while it was being published`);
  return bytes;
}

function written(objectsDir: string, objects: LooseObject[]): boolean {
  try {
    writeLooseObjects(objectsDir, objects);
    return true;
  } catch {
    return false; // e.g. a read-only or foreign object store: let git decide
  }
}

type ObjType = 'commit' | 'tree' | 'blob';
const TYPE_CODE: Record<ObjType, number> = { commit: 1, tree: 2, blob: 3 };

const oidOf = (type: ObjType, body: Buffer) => createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');

/** A version-2 pack of undeltified objects, as `git unpack-objects` reads it. */
function pack(objects: { type: ObjType; body: Buffer }[]): Buffer {
  const head = Buffer.alloc(12);
  head.write('PACK', 0, 'latin1');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [head];
  for (const o of objects) {
    let size = o.body.length;
    const bytes = [(TYPE_CODE[o.type] << 4) | (size & 15)];
    size = Math.floor(size / 16);
    while (size > 0) {
      bytes[bytes.length - 1]! |= 0x80;
      bytes.push(size & 0x7f);
      size = Math.floor(size / 128);
    }
    parts.push(Buffer.from(bytes), deflateSync(o.body));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}
