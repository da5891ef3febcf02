/**
 * What the post-commit hook needs to know about the commit just made: its id,
 * its Conductor-Phase trailers, and the phase artifacts it added or changed,
 * read from the commit itself (not the work tree, which may hold more).
 * Hooks run with git's environment for this repository, which is the one we
 * read, so it is kept; every call has a time limit.
 */
import { git } from '../git/git.js';

export const PHASE_TRAILER = 'Conductor-Phase';
export const GIT_TIMEOUT_MS = 5000;

/** The artifact convention: `.conductor/<phase>.json` at the top of the work tree. */
export const artifactPath = (phase: string) => `.conductor/${phase}.json`;

export interface HeadCommit {
  commit: string;
  /** First parent; undefined for a root commit. */
  parent?: string;
  /** Trailer values, trimmed, in message order. */
  phases: string[];
}

export function headCommit(cwd: string): HeadCommit {
  const out = git(['log', '-1', `--format=%H%x00%P%x00%(trailers:key=${PHASE_TRAILER},valueonly)`, 'HEAD'], { cwd, keepGitEnv: true, timeoutMs: GIT_TIMEOUT_MS }).stdout;
  const [commit = '', parents = '', trailers = ''] = out.split('\0');
  const phases = trailers.split('\n').map((s) => s.trim()).filter(Boolean);
  return { commit, parent: parents.split(' ')[0] || undefined, phases };
}

export type CommittedArtifact = { path: string; bytes: Uint8Array } | { path: string; problem: string };

/** The artifacts among `paths` that `commit` added or changed, by path. */
export function committedArtifacts(cwd: string, head: HeadCommit, paths: string[], maxBytes: number): Map<string, CommittedArtifact> {
  const found = new Map<string, CommittedArtifact>();
  if (!paths.length) return found;
  const base = head.parent ? [head.parent] : ['--root'];
  const opts = { cwd, keepGitEnv: true, timeoutMs: GIT_TIMEOUT_MS };
  const raw = git(['diff-tree', '-r', '--no-commit-id', '--no-renames', '--diff-filter=AMT', ...base, head.commit, '--', ...paths], opts).stdout;
  const blobs: { path: string; oid: string }[] = [];
  for (const line of raw.split('\n')) {
    // :<old mode> <new mode> <old oid> <new oid> <status>\t<path>
    const m = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) [A-Z]\d*\t(.+)$/.exec(line);
    if (!m) continue;
    const [, mode, oid, path] = m as unknown as [string, string, string, string];
    if (mode !== '100644' && mode !== '100755') found.set(path, { path, problem: mode === '120000' ? 'is a symbolic link in the commit: commit the real file' : 'is not a regular file in the commit' });
    else blobs.push({ path, oid });
  }
  if (!blobs.length) return found;
  // One process for every blob: "<oid> blob <size>\n<content>\n" each.
  const batch = git(['cat-file', '--batch'], { ...opts, input: blobs.map((b) => b.oid).join('\n') + '\n' }).stdout + '\n';
  let at = 0;
  for (const b of blobs) {
    const nl = batch.indexOf('\n', at);
    const size = Number(batch.slice(at, nl).split(' ')[2]);
    // Sizes are bytes and the text is decoded: walk by characters, check by bytes.
    let end = nl + 1;
    let bytes = 0;
    while (bytes < size && end < batch.length) {
      const len = batch.codePointAt(end)! > 0xffff ? 2 : 1;
      bytes += Buffer.byteLength(batch.slice(end, end + len));
      end += len;
    }
    const content = batch.slice(nl + 1, end);
    at = end + 1;
    if (size > maxBytes) found.set(b.path, { path: b.path, problem: `is ${size} bytes, more than the ${maxBytes}-byte limit` });
    else if (Buffer.byteLength(content) !== size) found.set(b.path, { path: b.path, problem: 'is not valid UTF-8 JSON' });
    else found.set(b.path, { path: b.path, bytes: Buffer.from(content, 'utf8') });
  }
  return found;
}
