/**
 * Setting a clone up for a coordination remote, as git configuration: the
 * fetch refspec that maps the remote's conductor refs to our tracking refs,
 * and, on the way out, deleting those tracking refs. The api's init, deinit
 * and doctor say what to do; the git plumbing for it lives here.
 */
import { git } from '../git/git.js';
import type { RefNames } from './ref-names.js';

/** Is `remote` a configured remote of this repository? */
export function remoteExists(cwd: string, remote: string): boolean {
  return git(['config', '--get', `remote.${remote}.url`], { cwd, allowFail: true }).code === 0;
}

function refspecs(cwd: string, remote: string): string[] {
  const r = git(['config', '--get-all', `remote.${remote}.fetch`], { cwd, allowFail: true });
  return r.stdout.split('\n').filter(Boolean);
}

/** Does the remote's fetch configuration include our refspec? */
export const hasRefspec = (cwd: string, names: RefNames) => refspecs(cwd, names.remote).includes(names.fetchRefspec);

/**
 * Adds our fetch refspec, first; false when it was already there (init is
 * idempotent). First, because a push moves the tracking ref of the *first*
 * fetch refspec that maps the pushed ref, and under the fallback namespace
 * (refs/heads/conductor) the clone's `+refs/heads/*:refs/remotes/<remote>/*`
 * maps it too: behind that one, our tracking refs would never follow our own
 * pushes, and a phase could not be completed after it was claimed.
 */
export function addRefspec(cwd: string, names: RefNames): boolean {
  const all = refspecs(cwd, names.remote);
  if (all[0] === names.fetchRefspec) return false;
  const key = `remote.${names.remote}.fetch`;
  git(['config', '--unset-all', key], { cwd, allowFail: true });
  for (const r of [names.fetchRefspec, ...all.filter((r) => r !== names.fetchRefspec)]) git(['config', '--add', key, r], { cwd });
  return !all.includes(names.fetchRefspec);
}

/** Removes our fetch refspec; false when it was not there. */
export function removeRefspec(cwd: string, names: RefNames): boolean {
  if (!hasRefspec(cwd, names)) return false;
  git(['config', '--fixed-value', '--unset-all', `remote.${names.remote}.fetch`, names.fetchRefspec], { cwd });
  return true;
}

/** Deletes every tracking ref of ours (one update-ref transaction); returns how many there were. */
export function deleteTrackingRefs(cwd: string, names: RefNames): number {
  const refs = git(['for-each-ref', '--format=%(refname)', names.trackingPrefix], { cwd }).stdout.split('\n').filter(Boolean);
  if (refs.length) git(['update-ref', '--stdin'], { cwd, input: refs.map((r) => `delete ${r}\n`).join('') });
  return refs.length;
}

/** git's version as [major, minor], or undefined when it does not say. */
export function gitVersion(cwd: string): { text: string; major: number; minor: number } | undefined {
  const v = /(\d+)\.(\d+)/.exec(git(['--version'], { cwd }).stdout);
  return v ? { text: v[0], major: Number(v[1]), minor: Number(v[2]) } : undefined;
}
