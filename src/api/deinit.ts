/** deinit: undo init. The refspec, the recorded remote, our tracking refs and the hooks go; local state and the remote's refs stay. */
import { DEFAULT_NAMESPACE, RefNames } from '../remote/ref-names.js';
import { deleteTrackingRefs, remoteExists, removeRefspec } from '../remote/setup.js';
import { hooksStatus, uninstallHooks, type HooksResult } from './hooks.js';
import { openContext, type CommonOptions, type Ctx } from './context.js';

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

export async function deinit(opts: DeinitOptions = {}): Promise<DeinitResult> {
  const ctx = openContext(opts);
  const config = ctx.store.readConfig();
  if (!config.remote) return { remote: null, removed_refspec: false, deleted_tracking_refs: 0, hooks_left: await hooksLeft(ctx) };
  const names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, config.remote);
  const removed = remoteExists(ctx.cwd, config.remote) && removeRefspec(ctx.cwd, names);
  const deleted = deleteTrackingRefs(ctx.cwd, names);
  ctx.store.writeConfig({ v: 1 });
  const hooks = opts.keepHooks ? undefined : await uninstallHooks({ cwd: ctx.cwd, agent: opts.agent, repoEnv: opts.repoEnv });
  return {
    remote: config.remote,
    removed_refspec: removed,
    deleted_tracking_refs: deleted,
    hooks,
    hooks_left: hooks ? undefined : await hooksLeft(ctx),
  };
}

async function hooksLeft(ctx: Ctx): Promise<string[] | undefined> {
  const left = (await hooksStatus({ cwd: ctx.cwd })).hooks
    .filter((h) => h.state === 'installed' || h.state === 'outdated')
    .map((h) => h.hook);
  return left.length ? left : undefined;
}
