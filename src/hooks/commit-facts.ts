/**
 * What the post-commit hook needs to know about the commit just made: its id,
 * its Conductor-Phase trailers, and the phase artifacts it added or changed,
 * read from the commit itself (not the work tree, which may hold more).
 * Hooks run with git's environment for this repository, which is the one we
 * read, so it is kept; every call has a time limit.
 */
import { git, gitBytes } from '../git/git.js';

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
  const out = git(['log', '-1', `--format=%H%x00%P%x00%(trailers:key=${PHASE_TRAILER},valueonly)`, 'HEAD'], {
    cwd,
    keepGitEnv: true,
    timeoutMs: GIT_TIMEOUT_MS,
  }).stdout;
  const [commit = '', parents = '', trailers = ''] = out.split('\0');
  const phases = trailers
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  return { commit, parent: parents.split(' ')[0] || undefined, phases };
}

export type CommittedArtifact = { path: string; bytes: Uint8Array } | { path: string; problem: string };

/** The artifacts among `paths` that `commit` added or changed, by path. */
export function committedArtifacts(cwd: string, head: HeadCommit, paths: string[], maxBytes: number): Map<string, CommittedArtifact> {
  const found = new Map<string, CommittedArtifact>();
  if (!paths.length) return found;
  const base = head.parent ? [head.parent] : ['--root'];
  const opts = { cwd, keepGitEnv: true, timeoutMs: GIT_TIMEOUT_MS };
  const raw = git(
    ['diff-tree', '-r', '--no-commit-id', '--no-renames', '--diff-filter=AMT', ...base, head.commit, '--', ...paths],
    opts,
  ).stdout;
  const blobs: { path: string; oid: string }[] = [];
  for (const line of raw.split('\n')) {
    // :<old mode> <new mode> <old oid> <new oid> <status>\t<path>
    const m = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) [A-Z]\d*\t(.+)$/.exec(line);
    if (!m) continue;
    const [, mode, oid, path] = m as unknown as [string, string, string, string];
    if (mode !== '100644' && mode !== '100755')
      found.set(path, {
        path,
        problem: mode === '120000' ? 'is a symbolic link in the commit: commit the real file' : 'is not a regular file in the commit',
      });
    else blobs.push({ path, oid });
  }
  if (!blobs.length) return found;
  // Sizes first: a blob over the cap is refused without ever being loaded.
  const sizes = git(['cat-file', '--batch-check=%(objectsize)'], { ...opts, input: blobs.map((b) => b.oid).join('\n') + '\n' })
    .stdout.split('\n')
    .map(Number);
  const wanted = blobs.filter((b, i) => {
    const size = sizes[i]!;
    if (size <= maxBytes) return true;
    found.set(b.path, { path: b.path, problem: `is too large (${size} bytes, more than the ${maxBytes}-byte limit)` });
    return false;
  });
  if (!wanted.length) return found;
  // One process for the rest, read as bytes: "<oid> blob <size>\n<content>\n" each.
  const batch = gitBytes(['cat-file', '--batch'], { ...opts, input: wanted.map((b) => b.oid).join('\n') + '\n' }).stdout;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  for (const b of wanted) {
    const nl = batch.indexOf(0x0a, at);
    const size = Number(batch.subarray(at, nl).toString('latin1').split(' ')[2]);
    const bytes = batch.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    if (nl < 0 || !Number.isSafeInteger(size) || bytes.length !== size)
      throw new Error(`git cat-file --batch gave no complete output for ${b.path}`);
    try {
      utf8.decode(bytes);
      found.set(b.path, { path: b.path, bytes: Uint8Array.from(bytes) });
    } catch {
      found.set(b.path, { path: b.path, problem: 'is not valid UTF-8' });
    }
  }
  return found;
}
