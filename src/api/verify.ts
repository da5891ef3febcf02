/**
 * `verify`: may the sprint ship, judged from conductor refs alone? For hosted
 * remotes, where no server hook can run: CI fetches the remote's
 * refs/conductor/* and runs this as a required check. Exit 0 when shipping is
 * allowed (or no sprint was ever started), 4 (E_SHIP_GATE) when it is not, 1
 * (E_BAD_REMOTE_REF) when the refs cannot say which sprint is active.
 */
import { blocked, conductorError, invalid } from '../core/errors.js';
import { blockersData, blockersText, shipBlockers } from '../core/ship-gate.js';
import { DEFAULT_NAMESPACE, RefNames, validNamespace, validRemoteName } from '../remote/ref-names.js';
import { fetchRefspecs } from '../remote/transport.js';
import { heldSprint, listNamespace } from '../server/held-sprint.js';
import { findRepo } from '../store/repo.js';

export interface VerifyOptions {
  cwd?: string;
  /** Where the conductor refs are in this repository (default refs/conductor). */
  ref?: string;
  /** Fetch them from this remote first (into refs/conductor-remotes/<remote>/, read from there). */
  remote?: string;
  /** The most the fetch may take, ms (default 30 s; the CLI reads CONDUCTOR_REMOTE_TIMEOUT_MS). */
  remoteTimeoutMs?: number;
}

export interface VerifyResult {
  ref: string;
  sprint_id?: string;
  ready: true;
  problems: string[];
}

export async function verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
  const repo = findRepo(opts.cwd ?? process.cwd());
  const cwd = repo.top ?? repo.gitDir;
  if (opts.ref && opts.remote)
    throw invalid('E_USAGE', 'pass --ref or --remote, not both: --remote fetches into its own place and reads that');
  let prefix = (opts.ref ?? DEFAULT_NAMESPACE).replace(/\/+$/, '');
  if (opts.remote) {
    if (!validRemoteName(opts.remote))
      throw invalid(
        'E_BAD_REMOTE',
        `remote ${JSON.stringify(opts.remote.slice(0, 100))} is not a remote name: add it with 'git remote add <name> <url>' and pass the name`,
      );
    const names = new RefNames(DEFAULT_NAMESPACE, opts.remote);
    fetchRefspecs(cwd, names, [names.fetchRefspec], true, { timeoutMs: opts.remoteTimeoutMs });
    prefix = names.trackingPrefix.replace(/\/$/, '');
  } else if (!validNamespace(prefix) && !/^refs\/conductor-remotes\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(prefix)) {
    throw invalid(
      'E_BAD_NAMESPACE',
      `--ref ${JSON.stringify(prefix.slice(0, 100))} is not a ref prefix like refs/conductor: pass where the conductor refs were fetched to`,
    );
  }
  const held = heldSprint(cwd, prefix, listNamespace(cwd, prefix));
  const problems = held.problems.map((p) => `${p.ref} ${p.problem}`);
  if (!held.head && !held.headInvalid) return { ref: prefix, ready: true, problems };
  if (!held.sprint) {
    throw conductorError(
      'E_BAD_REMOTE_REF',
      `cannot tell which sprint is active from ${prefix} (${problems.join('; ').slice(0, 500)}): repair the refs (git conductor status on a clone names the repair)`,
      { ref: prefix, problems },
    );
  }
  const b = shipBlockers(held.sprint, held.tops, Date.now());
  if (b)
    throw blocked(
      'E_SHIP_GATE',
      `sprint ${b.sprint_id} is not ready to ship (${blockersText(b)}): finish those phases (git conductor status)`,
      { ...blockersData([], b), ref: prefix, problems },
    );
  return { ref: prefix, sprint_id: held.sprint.id, ready: true, problems };
}
