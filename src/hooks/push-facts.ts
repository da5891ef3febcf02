/** What the pre-push hook is told (stdin lines) and the repository facts the gate needs. */
import { invalid } from '../core/errors.js';
import { git } from '../git/git.js';

export interface PushUpdate {
  localRef: string;
  localOid: string;
  remoteRef: string;
  remoteOid: string;
  /** `git push origin :ref` or `--delete`: nothing is published. */
  deletion: boolean;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const ZERO = /^0+$/;

/** `<local ref> <local oid> <remote ref> <remote oid>` lines, as git documents them. */
export function parsePushLines(text: string): PushUpdate[] {
  const out: PushUpdate[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = line.trim().split(' ');
    if (f.length !== 4 || !OID.test(f[1]!) || !OID.test(f[3]!) || !f[2]!.startsWith('refs/')) {
      throw invalid(
        'E_BAD_PUSH_INPUT',
        `unexpected pre-push input line ${JSON.stringify(line.slice(0, 200))}: expected "<local ref> <local oid> <remote ref> <remote oid>"`,
      );
    }
    const [localRef, localOid, remoteRef, remoteOid] = f as [string, string, string, string];
    out.push({ localRef, localOid, remoteRef, remoteOid, deletion: ZERO.test(localOid) });
  }
  return out;
}

/**
 * The pre-commit framework consumes git's stdin itself and hands its hooks
 * one update through the environment instead.
 */
export function pushLinesFromEnv(env: Record<string, string | undefined>): string {
  return pushLineOf({
    remoteBranch: env.PRE_COMMIT_REMOTE_BRANCH,
    toRef: env.PRE_COMMIT_TO_REF,
    fromRef: env.PRE_COMMIT_FROM_REF,
    localBranch: env.PRE_COMMIT_LOCAL_BRANCH,
  });
}

/** The update the pre-commit framework passes (PRE_COMMIT_REMOTE_BRANCH, _TO_REF, _FROM_REF, _LOCAL_BRANCH), read by the CLI. */
export interface PreCommitPush {
  remoteBranch?: string;
  toRef?: string;
  fromRef?: string;
  localBranch?: string;
}

/** That update as a pre-push input line; empty when it is incomplete. */
export function pushLineOf(p: PreCommitPush): string {
  return p.remoteBranch && p.toRef && p.fromRef ? `${p.localBranch || 'HEAD'} ${p.toRef} ${p.remoteBranch} ${p.fromRef}\n` : '';
}

/**
 * The branch a remote ships from: what `<remote>/HEAD` points at (set by clone
 * and `git remote set-head`), else init.defaultBranch, main or master,
 * whichever exists here, else init.defaultBranch or main.
 */
export function defaultBranch(cwd: string, remote: string | undefined): string {
  const opts = { cwd, keepGitEnv: true, allowFail: true, timeoutMs: 5000 };
  if (remote && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote)) {
    const head = git(['symbolic-ref', '-q', `refs/remotes/${remote}/HEAD`], opts);
    const m = /^refs\/remotes\/[^/]+\/(.+)$/.exec(head.stdout.trim());
    if (head.code === 0 && m) return m[1]!;
  }
  const configured = git(['config', '--get', 'init.defaultBranch'], opts).stdout.trim() || undefined;
  const candidates = [...new Set([configured, 'main', 'master'].filter((b): b is string => !!b))];
  const have = git(['for-each-ref', '--format=%(refname)', ...candidates.map((b) => `refs/heads/${b}`)], opts).stdout.split('\n');
  return candidates.find((b) => have.includes(`refs/heads/${b}`)) ?? configured ?? 'main';
}

/** Every update creates its ref on the remote (its remote oid is all zeros). */
export const createsOnly = (updates: readonly PushUpdate[]) => updates.length > 0 && updates.every((u) => /^0+$/.test(u.remoteOid));

/**
 * The remote has no branches and no tags (conductor refs do not count): the
 * first push of a new repository. Unreachable, or any doubt, counts as not empty.
 */
export function remoteIsEmpty(cwd: string, remote: string | undefined): boolean {
  if (!remote) return false;
  const r = git(['ls-remote', '--heads', '--tags', remote], { cwd, keepGitEnv: true, allowFail: true, timeoutMs: 30_000 });
  return r.code === 0 && r.stdout.trim() === '';
}
