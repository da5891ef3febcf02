/**
 * Talking to the coordination remote: fetch our namespace, push by
 * compare-and-swap, read the remote's actual values.
 *
 * The CAS rule: every push names the value it expects for every ref it moves,
 * `--force-with-lease=<ref>:<expected oid>` (empty = the ref must not exist),
 * with a plain `<new>:<ref>` refspec. Never the bare `--force-with-lease`
 * (a background fetch updates the value it compares against, silently
 * defeating it) and never a `+` refspec (with a lease, two racing pushers
 * were measured to both win). Our chains only ever grow, so every update is a
 * fast-forward (but the head's cut every HEAD_WINDOW starts, which the
 * explicit lease allows); the lease makes "someone else appended first" a
 * rejection instead of a silent no-op.
 */
import { unreachable } from '../core/errors.js';
import { RETRY_BOUNDS } from '../core/retry-bounds.js';
import { git, type GitResult } from '../git/git.js';
import type { RefNames } from './ref-names.js';

/** What bounds each network call: the caller's limit per call (the CLI reads CONDUCTOR_REMOTE_TIMEOUT_MS), and its deadline. */
export interface NetLimits {
  /** The most one call may take, ms (default 30 s). */
  timeoutMs?: number;
  /** Epoch ms by which every call must be over (a caller with a time budget, like the post-commit hook). */
  deadline?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * How long the next network call may take: the limit, cut to what is left
 * before the deadline. Time already up means unreachable, without trying.
 */
function timeoutMs(remote: string, { timeoutMs: limit = DEFAULT_TIMEOUT_MS, deadline }: NetLimits): number {
  if (deadline === undefined) return limit;
  const left = Math.floor(deadline - Date.now());
  if (left <= 0)
    throw unreachable(
      'E_REMOTE_UNREACHABLE',
      `ran out of time for the coordination remote "${remote}": work locally with --offline and run 'git conductor sync' later`,
      { remote },
    );
  return Math.min(limit, left);
}

// git's closing boilerplate ("Please make sure you have the correct access rights / and the repository exists.") says nothing: the line before it does.
const BOILERPLATE =
  /^(hint|To |Done)|^fatal: Could not read from remote repository|^Please make sure you have the correct access rights|^and the repository exists/;
/** The last telling line git printed, without control characters (it may quote the remote's words). */
export const gitSays = (r: GitResult) =>
  (
    r.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !BOILERPLATE.test(l))
      .pop()
      ?.replace(/^fatal: /, '') ?? `git exited with code ${r.code}`
  )
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
    .slice(0, 300);

const cannotReach = (remote: string, r: GitResult) =>
  unreachable(
    'E_REMOTE_UNREACHABLE',
    `cannot reach the coordination remote "${remote}" (${gitSays(r)}): check the network, or work locally with --offline and run 'git conductor sync' later`,
    { remote },
  );

/** Lock contention on our own tracking refs is not a network failure: retry it. */
const isLockRace = (r: GitResult) => /cannot lock ref|Unable to create '.*\.lock'|is at [0-9a-f]+ but expected/.test(r.stderr);

/**
 * Fetches `refspecs` from the coordination remote (`prune`: deleting tracking
 * refs the remote no longer has; only for our whole namespace). Throws exit 5
 * when unreachable.
 */
export function fetchRefspecs(cwd: string, names: RefNames, refspecs: string[], prune: boolean, limits: NetLimits = {}): void {
  const args = [
    '-c',
    'fetch.writeCommitGraph=false',
    'fetch',
    '--quiet',
    '--no-tags',
    '--no-write-fetch-head',
    '--no-auto-maintenance',
    '--no-recurse-submodules',
    ...(prune ? ['--prune'] : []),
    names.remote,
    ...refspecs,
  ];
  for (let i = 0; ; i++) {
    const r = git(args, { cwd, allowFail: true, timeoutMs: timeoutMs(names.remote, limits) });
    if (r.code === 0) return;
    if (!isLockRace(r) || i >= RETRY_BOUNDS.FETCH_LOCK_TRIES - 1) throw cannotReach(names.remote, r);
    sleep(20 + Math.random() * 60);
  }
}

export interface Lease {
  ref: string;
  /** What the remote ref must hold now; undefined = it must not exist. */
  expect: string | undefined;
  /** The new value; null deletes the ref. */
  next: string | null;
}

export type PushStatus = 'ok' | 'stale' | 'refused';
export interface PushOutcome {
  status: PushStatus;
  detail: string;
}

/**
 * One push moving every lease's ref. Returns each ref's outcome; throws exit 5
 * when git reports no outcome at all (the remote was not reached, or the
 * connection died: then the caller asks the remote what it holds).
 */
export function pushLeases(
  cwd: string,
  remote: string,
  leases: Lease[],
  atomic = false,
  limits: NetLimits = {},
): Map<string, PushOutcome> | GitResult {
  const args = ['-c', 'push.recurseSubmodules=no', 'push', '--porcelain', '--no-verify', ...(atomic ? ['--atomic'] : []), remote];
  for (const l of leases) args.push(`--force-with-lease=${l.ref}:${l.expect ?? ''}`);
  for (const l of leases) args.push(`${l.next ?? ''}:${l.ref}`);
  const r = git(args, { cwd, allowFail: true, timeoutMs: timeoutMs(remote, limits) });
  const out = new Map<string, PushOutcome>();
  // What the server said about a refusal ("remote: ..."): why it refused, e.g. read-only or full.
  const says = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('remote:'))
    .map((l) => l.slice(7).trim())
    .filter(Boolean)
    .join('; ');
  for (const line of r.stdout.split('\n')) {
    const [flag, refs, summary = ''] = line.split('\t');
    if (flag === undefined || refs === undefined || flag.length !== 1) continue;
    const ref = refs.slice(refs.indexOf(':') + 1);
    if (!leases.some((l) => l.ref === ref)) continue;
    const detail = summary.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 200);
    if (flag !== '!') out.set(ref, { status: 'ok', detail });
    else if (/^\[remote (rejected|failure)\]/.test(summary) && !/atomic/.test(summary))
      out.set(ref, {
        status: 'refused',
        detail: says ? `${detail}: ${says.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 200)}` : detail,
      });
    else out.set(ref, { status: 'stale', detail });
  }
  return out.size ? out : r;
}

/** The remote's actual values for `refs` (absent = no such ref). Throws exit 5 when unreachable. */
export function lsRemote(cwd: string, remote: string, refs: string[], limits: NetLimits = {}): Map<string, string> {
  const r = git(['ls-remote', remote, ...refs], { cwd, allowFail: true, timeoutMs: timeoutMs(remote, limits) });
  if (r.code !== 0) throw cannotReach(remote, r);
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const [oid, ref] = line.split('\t');
    if (oid && ref && refs.includes(ref)) out.set(ref, oid);
  }
  return out;
}

/**
 * Pushes `leases` and decides the outcome: won, lost (someone else moved a ref
 * first), or thrown (unreachable: exit 5; refused by the host: exit 5 with the
 * fallback namespace named).
 */
export function pushCas(cwd: string, names: RefNames, leases: Lease[], atomic = false, limits: NetLimits = {}): 'won' | 'lost' {
  const res = pushLeases(cwd, names.remote, leases, atomic, limits);
  if (!(res instanceof Map)) {
    // No per-ref outcome: the connection failed, perhaps after the remote applied the push. Ask it what it holds now.
    const actual = askAgain(
      cwd,
      names.remote,
      leases.map((l) => l.ref),
      limits,
    );
    const says = gitSays(res);
    if (!actual) {
      if (neverConnected(res)) throw cannotReach(names.remote, res);
      throw unreachable(
        'E_OUTCOME_UNKNOWN',
        `the connection to the coordination remote "${names.remote}" died during the push (${says}) and the remote has not answered since: it may hold your change or not. Your local entry is kept; run 'git conductor sync' once the remote answers to settle it (it stands if the remote has it)`,
        { remote: names.remote },
      );
    }
    if (leases.every((l) => (actual.get(l.ref) ?? null) === l.next)) return 'won';
    if (leases.some((l) => actual.get(l.ref) !== l.expect)) return 'lost';
    throw unreachable(
      'E_REMOTE_UNREACHABLE',
      `could not push to the coordination remote "${names.remote}" (${says}); the remote does not have it, nothing was changed locally; check the remote and retry`,
      { remote: names.remote },
    );
  }
  if (leases.every((l) => res.get(l.ref)?.status === 'ok')) return 'won';
  if (![...res.values()].some((o) => o.status === 'refused')) return 'lost';
  // "[remote rejected]" is also how a server reports losing its ref lock to a
  // concurrent pusher: only the remote's actual values tell a lost race from a refusal.
  const actual = lsRemote(
    cwd,
    names.remote,
    leases.map((l) => l.ref),
    limits,
  );
  const refused = [...res.values()].find((o) => o.status === 'refused')!;
  if (leases.some((l) => actual.get(l.ref) !== l.expect) || /lock|failed to update ref/i.test(refused.detail)) return 'lost';
  throw refusedError(names, refused.detail);
}

/**
 * Why a remote refused a push, as far as its words tell: `storage` when it
 * says it cannot take anything (read-only, no permission, no space, quota,
 * the objects could not be unpacked), else `refs` (it may refuse custom refs).
 */
export function refusalKind(detail: string): 'storage' | 'refs' {
  // "not permitted to create refs/..." is about ref names, however it is worded; so is anything naming a ref.
  if (/\brefs?\b|refs\/|refname|namespace/i.test(detail.replace(/^\[remote (rejected|failure)\]/, ''))) return 'refs';
  return /read[- ]?only|permission|denied|not permitted|no space|disk|quota|full|unpack|unable to (create|write)|insufficient|cannot write|failed to write/i.test(
    detail,
  )
    ? 'storage'
    : 'refs';
}

/** The E_REMOTE_REFUSED error for a refusal, saying what to do about its kind. */
export function refusedError(names: RefNames, detail: string) {
  if (refusalKind(detail) === 'storage') {
    return unreachable(
      'E_REMOTE_REFUSED',
      `the remote "${names.remote}" refused the push (${detail}): it looks read-only or full, which is not about our ref names. Check that you may push there and that the server has space, then retry; meanwhile work locally with --offline and run 'git conductor sync' later`,
      { remote: names.remote, kind: 'storage' },
    );
  }
  return unreachable(
    'E_REMOTE_REFUSED',
    `the remote "${names.remote}" refused our refs under ${names.namespace} (${detail}): run 'git conductor doctor'; hosts that refuse custom refs work with 'git conductor init --namespace refs/heads/conductor'`,
    { remote: names.remote, kind: 'refs' },
  );
}

export { cannotReach };

/** The remote's values after a push that gave no outcome, asked up to OUTCOME_TRIES times; undefined when it never answered. */
function askAgain(cwd: string, remote: string, refs: string[], limits: NetLimits): Map<string, string> | undefined {
  for (let i = 1; ; i++) {
    try {
      return lsRemote(cwd, remote, refs, limits);
    } catch {
      if (i >= RETRY_BOUNDS.OUTCOME_TRIES || (limits.deadline !== undefined && Date.now() >= limits.deadline)) return undefined;
      sleep(200);
    }
  }
}

/** git could not even connect (nothing was sent, so nothing can have been applied). */
const neverConnected = (r: GitResult) =>
  /unable to connect|Connection refused|Could not resolve host|unable to look up|No route to host|does not appear to be a git repository|Name or service not known|Network is unreachable|ran out of time/i.test(
    r.stderr,
  );

/**
 * What the link needs from the network, and nothing more: the seam that lets
 * the link's decisions run against an in-memory remote in unit tests. Every
 * call throws exit 5 when the remote cannot be reached.
 */
export interface Transport {
  /** Fetches `refspecs` into the tracking refs (`prune`: only for our whole namespace). */
  fetch(refspecs: string[], prune: boolean): void;
  /** The remote's actual values for `refs` (absent = no such ref). */
  lsRemote(refs: string[]): Map<string, string>;
  /** One compare-and-swap push of every lease: won, or lost to someone who moved a ref first. */
  pushCas(leases: Lease[], atomic: boolean): 'won' | 'lost';
}

/** The real transport: git fetch, ls-remote and push, each bounded by `limits`. */
export function gitTransport(cwd: string, names: RefNames, limits: NetLimits): Transport {
  return {
    fetch: (refspecs, prune) => fetchRefspecs(cwd, names, refspecs, prune, limits),
    lsRemote: (refs) => lsRemote(cwd, names.remote, refs, limits),
    pushCas: (leases, atomic) => pushCas(cwd, names, leases, atomic, limits),
  };
}

export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
