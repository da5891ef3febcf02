/** init, deinit, sync, doctor: the coordination remote. */
import { invalid, isConductorError, unavailable } from '../core/errors.js';
import { git } from '../git/git.js';
import { randomHex } from '../store/fs-atomic.js';
import { DEFAULT_NAMESPACE, FALLBACK_NAMESPACE, RefNames, validNamespace, validRemoteName } from '../remote/ref-names.js';
import { pushLeases, lsRemote } from '../remote/transport.js';
import { writeCommit } from '../remote/objects.js';
import { headDivergedMessage, type RolledBack } from '../remote/view.js';
import { hooksStatus, installHooks, uninstallHooks, type HooksOptions, type HooksResult } from './hooks.js';
import { iso, openContext, withRemote, type CommonOptions, type Ctx } from './context.js';

export interface InitOptions extends HooksOptions {
  /** The coordination remote, default `origin`. */
  remote?: string;
  /** Where the refs live on the remote, default refs/conductor. */
  namespace?: string;
  /** Install the git hooks too (default true; `--no-hooks` on the CLI). */
  hooks?: boolean;
}

export interface InitResult {
  remote: string;
  namespace: string;
  fetch_refspec: string;
  /** False when the refspec was already there (init is idempotent). */
  added_refspec: boolean;
  fetched: boolean;
  fetch_error?: string;
  /** What the first look at the remote found wrong (e.g. this clone's sprint is not the remote's). */
  problems: string[];
  /** What `hooks install` did, unless hooks were not wanted. */
  hooks?: HooksResult;
}

function remoteExists(ctx: Ctx, remote: string): boolean {
  return git(['config', '--get', `remote.${remote}.url`], { cwd: ctx.cwd, allowFail: true }).code === 0;
}

export async function init(opts: InitOptions = {}): Promise<InitResult> {
  const ctx = openContext(opts);
  const remote = opts.remote ?? 'origin';
  if (!validRemoteName(remote)) throw invalid('E_BAD_REMOTE', `invalid remote name ${JSON.stringify(remote)}: use the name of a configured remote, like origin`);
  const namespace = opts.namespace ?? ctx.store.readConfig().namespace ?? DEFAULT_NAMESPACE;
  if (!validNamespace(namespace)) throw invalid('E_BAD_NAMESPACE', `invalid namespace ${JSON.stringify(namespace)}: use lowercase ref components like ${DEFAULT_NAMESPACE} or ${FALLBACK_NAMESPACE}`);
  if (!remoteExists(ctx, remote)) throw invalid('E_NO_REMOTE', `no remote named "${remote}" in this repository: add it with 'git remote add ${remote} <url>', or pass --remote NAME`);
  const previous = ctx.store.readConfig();
  if (previous.remote && (previous.remote !== remote || (previous.namespace ?? DEFAULT_NAMESPACE) !== namespace)) removeRefspec(ctx, new RefNames(previous.namespace ?? DEFAULT_NAMESPACE, previous.remote));
  const names = new RefNames(namespace, remote);
  const added = addRefspec(ctx, names);
  ctx.store.writeConfig({ ...previous, v: 1, remote, namespace: namespace === DEFAULT_NAMESPACE ? undefined : namespace });
  let fetched = true;
  let fetchError: string | undefined;
  try {
    await withRemote(ctx, { fetch: true });
  } catch (e) {
    if (!isConductorError(e) || e.exitCode !== 5) throw e;
    fetched = false;
    fetchError = e.message;
  }
  const hooks = opts.hooks === false ? undefined : await installHooks({ cwd: ctx.cwd, agent: opts.agent, cli: opts.cli });
  const problems = ctx.remote?.summary().problems ?? [];
  return { remote, namespace, fetch_refspec: names.fetchRefspec, added_refspec: added, fetched, fetch_error: fetchError, problems, hooks };
}

function refspecs(ctx: Ctx, remote: string): string[] {
  const r = git(['config', '--get-all', `remote.${remote}.fetch`], { cwd: ctx.cwd, allowFail: true });
  return r.stdout.split('\n').filter(Boolean);
}

function addRefspec(ctx: Ctx, names: RefNames): boolean {
  if (refspecs(ctx, names.remote).includes(names.fetchRefspec)) return false;
  git(['config', '--add', `remote.${names.remote}.fetch`, names.fetchRefspec], { cwd: ctx.cwd });
  return true;
}

function removeRefspec(ctx: Ctx, names: RefNames): boolean {
  if (!refspecs(ctx, names.remote).includes(names.fetchRefspec)) return false;
  git(['config', '--fixed-value', '--unset-all', `remote.${names.remote}.fetch`, names.fetchRefspec], { cwd: ctx.cwd });
  return true;
}

export interface DeinitResult {
  remote: string | null;
  removed_refspec: boolean;
  deleted_tracking_refs: number;
  /** What `hooks uninstall` did (absent with keepHooks, or when init was not in effect). */
  hooks?: HooksResult;
  /** Our hooks still installed after this deinit (`--keep-hooks`, or an earlier one): `hooks uninstall` removes them. */
  hooks_left?: string[];
}

export interface DeinitOptions extends CommonOptions {
  /** Leave the git hooks installed (`--keep-hooks`). */
  keepHooks?: boolean;
}

/** Reverses init: the refspec, the recorded remote, our tracking refs and the hooks go; local state and the remote's refs stay. */
export async function deinit(opts: DeinitOptions = {}): Promise<DeinitResult> {
  const ctx = openContext(opts);
  const config = ctx.store.readConfig();
  if (!config.remote) return { remote: null, removed_refspec: false, deleted_tracking_refs: 0, hooks_left: await hooksLeft(ctx) };
  const names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, config.remote);
  const removed = remoteExists(ctx, config.remote) && removeRefspec(ctx, names);
  const refs = git(['for-each-ref', '--format=%(refname)', names.trackingPrefix], { cwd: ctx.cwd }).stdout.split('\n').filter(Boolean);
  if (refs.length) git(['update-ref', '--stdin'], { cwd: ctx.cwd, input: refs.map((r) => `delete ${r}\n`).join('') });
  ctx.store.writeConfig({ v: 1 });
  const hooks = opts.keepHooks ? undefined : await uninstallHooks({ cwd: ctx.cwd, agent: opts.agent });
  return { remote: config.remote, removed_refspec: removed, deleted_tracking_refs: refs.length, hooks, hooks_left: hooks ? undefined : await hooksLeft(ctx) };
}

async function hooksLeft(ctx: Ctx): Promise<string[] | undefined> {
  const left = (await hooksStatus({ cwd: ctx.cwd })).hooks.filter((h) => h.state === 'installed' || h.state === 'outdated').map((h) => h.hook);
  return left.length ? left : undefined;
}

export interface SyncResult {
  remote: string;
  sprint_id?: string;
  /** Phases (and `head` for a sprint start) whose local entries are now on the remote. */
  published: string[];
  /** Your unpublished entries that lost to the remote's earlier ones and were rolled back. */
  rolled_back: RolledBack[];
  problems: string[];
  as_of?: string;
}

/** Fetch, reconcile (the remote's earlier entries win), publish what is still local only. */
export async function sync(opts: CommonOptions = {}): Promise<SyncResult> {
  const ctx = openContext(opts);
  if (!ctx.store.readConfig().remote) throw invalid('E_NO_REMOTE', `no coordination remote configured: run 'git conductor init [--remote NAME]' first`);
  await withRemote(ctx, { fetch: true });
  const link = ctx.remote!;
  const published: string[] = [];
  // A clone whose own sprint diverged from the remote's has nothing it may publish (see below).
  for (let attempt = 0; attempt < 4 && !link.view.headDiverged; attempt++) {
    let lost = link.publishHead() !== 'won';
    const id = ctx.store.activeSprintId();
    if (id) {
      const sprint = ctx.store.readSprint(id);
      for (const phase of [...link.unpublished]) {
        if (link.diverged.has(phase)) continue;
        if (link.publishPhase(sprint, phase) === 'won') published.push(phase);
        else lost = true;
      }
    }
    if (!lost) break;
    link.refresh();
  }
  const id = ctx.store.activeSprintId();
  for (const r of link.rolledBack) ctx.store.audit({ at: iso(Date.now()), event: 'sync', sprint_id: id, phase: r.phase, agent: r.agent, host: r.host, detail: `rolled back: ${r.kind} of ${r.at} lost to ${r.winner ? `${r.winner.agent}@${r.winner.host}` : 'the remote'}` });
  const s = link.summary();
  if (s.head_diverged) throw unavailable('E_DIVERGED', headDivergedMessage(s.head_diverged.local, s.head_diverged.remote), { ...s.head_diverged });
  const result: SyncResult = { remote: s.name, sprint_id: id, published: [...new Set(published)], rolled_back: s.rolled_back, problems: s.problems, as_of: s.as_of };
  if (result.rolled_back.length) {
    const lines = result.rolled_back.map((r) => `${r.kind} of ${r.phase ?? 'the sprint'} by ${r.agent}@${r.host} (${r.at}) lost to ${r.winner ? `${r.winner.kind} by ${r.winner.agent}@${r.winner.host} since ${r.winner.at}` : 'the remote'}`);
    throw unavailable('E_SYNC_CONFLICT', `sync rolled back ${lines.length} unpublished change(s), the remote's earlier ones win: ${lines.join('; ')}`, { ...result });
  }
  return result;
}

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const MIN_GIT: [number, number] = [2, 30];

/** git version, configuration, reachability, and whether the remote accepts refs in our namespace. */
export async function doctor(opts: CommonOptions & { remote?: string } = {}): Promise<{ ok: boolean; checks: DoctorCheck[] }> {
  const ctx = openContext(opts);
  const checks: DoctorCheck[] = [];
  const v = /(\d+)\.(\d+)/.exec(git(['--version'], { cwd: ctx.cwd }).stdout);
  const gitOk = !!v && (Number(v[1]) > MIN_GIT[0] || (Number(v[1]) === MIN_GIT[0] && Number(v[2]) >= MIN_GIT[1]));
  checks.push({ name: 'git version', ok: gitOk, detail: gitOk ? `git ${v![0]}` : `git ${v?.[0] ?? 'unknown'} is older than ${MIN_GIT.join('.')}: upgrade git` });
  const config = ctx.store.readConfig();
  const remote = opts.remote ?? config.remote;
  if (remote !== undefined && !validRemoteName(remote)) throw invalid('E_BAD_REMOTE', `invalid remote name ${JSON.stringify(remote)}: use the name of a configured remote, like origin`);
  if (!remote) {
    checks.push({ name: 'coordination remote', ok: false, detail: `none configured: run 'git conductor init [--remote NAME]'` });
    return { ok: false, checks };
  }
  const names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, remote);
  const exists = remoteExists(ctx, remote);
  checks.push({ name: 'coordination remote', ok: exists, detail: exists ? `${remote}${config.remote === remote ? '' : ' (not the configured one)'}` : `no remote named "${remote}": 'git remote add ${remote} <url>'` });
  if (!exists) return { ok: false, checks };
  const hasSpec = refspecs(ctx, remote).includes(names.fetchRefspec);
  checks.push({ name: 'fetch refspec', ok: hasSpec, detail: hasSpec ? names.fetchRefspec : `missing ${names.fetchRefspec}: run 'git conductor init --remote ${remote}'` });
  try {
    lsRemote(ctx.cwd, remote, [names.remoteRef({ kind: 'head' })]);
    checks.push({ name: 'remote reachable', ok: true, detail: 'ls-remote answered' });
  } catch (e) {
    checks.push({ name: 'remote reachable', ok: false, detail: e instanceof Error ? e.message : String(e) });
    return { ok: false, checks };
  }
  checks.push(probe(ctx, names));
  return { ok: checks.every((c) => c.ok), checks };
}

/** Creates a probe ref with a create-only lease, then deletes it with a lease on its value. */
function probe(ctx: Ctx, names: RefNames): DoctorCheck {
  const ref = names.probeRef(randomHex(6));
  const at = iso(Date.now());
  const commit = writeCommit(ctx.cwd, { files: [], parent: undefined, message: 'git-conductor doctor probe', author: { name: 'git-conductor', email: 'doctor@localhost' }, at });
  const created = pushLeases(ctx.cwd, names.remote, [{ ref, expect: undefined, next: commit }]);
  const outcome = created instanceof Map ? created.get(ref) : undefined;
  if (!outcome || outcome.status !== 'ok') {
    const why = outcome?.detail ?? (created instanceof Map ? 'no answer' : created.stderr.trim().split('\n').pop() ?? '');
    const hint = names.namespace === FALLBACK_NAMESPACE ? 'check your push permissions' : `this host refuses refs under ${names.namespace}; use the fallback: 'git conductor init --remote ${names.remote} --namespace ${FALLBACK_NAMESPACE}'`;
    return { name: `custom refs (${names.namespace})`, ok: false, detail: `probe push refused (${why.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 200)}): ${hint}` };
  }
  const deleted = pushLeases(ctx.cwd, names.remote, [{ ref, expect: commit, next: null }]);
  const ok = deleted instanceof Map && deleted.get(ref)?.status === 'ok';
  return { name: `custom refs (${names.namespace})`, ok, detail: ok ? 'probe ref created and deleted with leases' : `probe ref ${ref} was created but could not be deleted: delete it with 'git push ${names.remote} --delete ${ref}'` };
}
