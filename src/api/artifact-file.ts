/**
 * Reading an artifact file safely. It must be a regular file (not a symlink),
 * reached through no symlinked directory, inside the work tree or the state
 * directory, at most 4 MiB of valid JSON. Its bytes are read once, so what is
 * hashed is what is stored.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type * as Crypto from 'node:crypto';
import { MAX_ARTIFACT_BYTES, validateArtifact, type ArtifactJson } from '../core/artifacts.js';
import { invalid } from '../core/errors.js';
import { redactArtifact, type Redaction } from '../core/redact.js';
import type { ArtifactRef } from '../core/schemas.js';
import type { ArtifactCheck } from './artifact-contract.js';

export { MAX_ARTIFACT_BYTES };

export interface ArtifactRead {
  ref: ArtifactRef;
  /** What is stored: the author's bytes, with any secret redacted. */
  bytes: Uint8Array;
  json: ArtifactJson;
  redactions: Redaction[];
}

const bad = (path: string, problem: string) => invalid('E_BAD_ARTIFACT', `artifact ${path} ${problem}`, { path });
const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  // `..notes.json` is inside; only `..` itself or a path starting with `../` is outside.
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

export function readArtifact(path: string, cwd: string, roots: string[], phase: string, check?: ArtifactCheck): ArtifactRead {
  const abs = resolve(cwd, path);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    throw bad(path, 'does not exist: write the JSON file first, then pass its path');
  }
  if (st.isSymbolicLink()) throw bad(path, 'is a symbolic link: pass the real file');
  if (!st.isFile()) throw bad(path, 'is not a regular file');
  const root = roots.find((r) => inside(r, abs));
  if (!root) throw bad(path, `is outside the repository: keep artifacts in the work tree (e.g. .conductor/${phase}.json)`);
  // A symlinked directory between root and file would let the path point anywhere.
  const realRoot = realpathSync(root);
  if (realpathSync(dirname(abs)) !== resolve(realRoot, relative(root, dirname(abs)))) {
    throw bad(path, 'is reached through a symbolically linked directory: pass the real path');
  }
  if (st.size > MAX_ARTIFACT_BYTES) throw bad(path, `is ${st.size} bytes, more than the ${MAX_ARTIFACT_BYTES}-byte limit`);
  const fd = openSync(abs, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  let bytes: Buffer;
  try {
    // Re-check through the open descriptor: the path could have been swapped since lstat.
    const fst = fstatSync(fd);
    if (!fst.isFile() || fst.ino !== st.ino || fst.size > MAX_ARTIFACT_BYTES) throw bad(path, 'changed while being read: try again');
    bytes = Buffer.alloc(fst.size);
    let off = 0;
    while (off < bytes.length) {
      const n = readSync(fd, bytes, off, bytes.length - off, off);
      if (n === 0) break;
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  return artifactFromBytes(bytes, path, relative(root, abs).split('\\').join('/'), phase, check);
}

/**
 * Validates artifact bytes that were read safely elsewhere (a file above, or
 * a blob of the commit that completes the phase). `source` is what the done
 * record names.
 */
export function artifactFromBytes(bytes: Uint8Array, shown: string, source: string, phase: string, check?: ArtifactCheck): ArtifactRead {
  if (bytes.length > MAX_ARTIFACT_BYTES) throw bad(shown, `is ${bytes.length} bytes, more than the ${MAX_ARTIFACT_BYTES}-byte limit`);
  let value: unknown;
  const text = Buffer.from(bytes).toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw bad(shown, `is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  // Secrets go before anything is hashed or judged: what is stored is what was judged.
  const red = redactArtifact(text, value);
  const json = validateArtifact(phase, shown, red.value, check);
  const stored = red.redactions.length ? Buffer.from(red.text) : bytes;
  if (stored.length > MAX_ARTIFACT_BYTES)
    throw bad(shown, `is ${stored.length} bytes once redacted, more than the ${MAX_ARTIFACT_BYTES}-byte limit`);
  const clean = source.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 4096);
  // crypto is loaded here, not imported: loading it costs every command start-up time.
  const crypto = process.getBuiltinModule('node:crypto') as typeof Crypto;
  const ref: ArtifactRef = { sha256: crypto.createHash('sha256').update(stored).digest('hex'), bytes: stored.length, source: clean };
  if (red.redactions.length) ref.redacted = red.redactions.slice(0, 100);
  return { ref, bytes: stored, json, redactions: red.redactions };
}
