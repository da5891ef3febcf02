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
 * The branches a push destination ships from, as far as this clone can tell:
 * the destination's own HEAD (`remoteHead`, asked of the remote itself), what
 * `<remote>/HEAD` points at here (set by clone and `git remote set-head`),
 * init.defaultBranch, and main and master always. Any of them is protected:
 * naming more never lets a push through that one of them would stop, and a
 * push is judged by the ref it updates on the remote (`master:main` is a push
 * to main), so the local branch's name does not matter.
 */
export function shippingBranches(cwd: string, remote: string | undefined, remoteHead: string | undefined): string[] {
  const opts = { cwd, keepGitEnv: true, allowFail: true, timeoutMs: 5000 };
  const out = new Set<string>();
  if (remoteHead) out.add(remoteHead);
  if (remote && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote)) {
    const head = git(['symbolic-ref', '-q', `refs/remotes/${remote}/HEAD`], opts);
    const m = /^refs\/remotes\/[^/]+\/(.+)$/.exec(head.stdout.trim());
    if (head.code === 0 && m) out.add(m[1]!);
  }
  const configured = git(['config', '--get', 'init.defaultBranch'], opts).stdout.trim();
  if (configured) out.add(configured);
  out.add('main');
  out.add('master');
  return [...out];
}

/**
 * The branch the remote's HEAD names (`git ls-remote --symref <where> HEAD`),
 * asked of the remote itself. `where` is the push destination: a remote name
 * or the URL a push went to. undefined: the remote did not answer in time, or
 * has no symbolic HEAD (an empty repository).
 */
export function remoteHeadBranch(cwd: string, where: string, timeoutMs: number): { branch?: string; answered: boolean } {
  if (!where || where.startsWith('-') || /[\u0000-\u001f]/.test(where)) return { answered: false };
  const r = git(['ls-remote', '--symref', where, 'HEAD'], { cwd, keepGitEnv: true, allowFail: true, timeoutMs: Math.max(1, timeoutMs) });
  if (r.code !== 0) return { answered: false };
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(r.stdout);
  return { branch: m?.[1], answered: true };
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
