/** deinit: undo init. The refspec, the recorded remote, our tracking refs and the hooks go; local state and the remote's refs stay. */
import { DEFAULT_NAMESPACE, RefNames } from '../remote/ref-names.js';
import { deleteTrackingRefs, remoteExists, removeRefspec } from '../remote/setup.js';
import { uninstallHooks, type HooksResult } from './hooks.js';
import { openContext, type CommonOptions } from './context.js';

export interface DeinitResult {
  remote: string | null;
  removed_refspec: boolean;
  deleted_tracking_refs: number;
  /** What `hooks uninstall` did (absent with keepHooks, or when init was not in effect). */
  hooks?: HooksResult;
}

export interface DeinitOptions extends CommonOptions {
  /** Leave the git hooks installed (`--keep-hooks`). */
  keepHooks?: boolean;
}

export async function deinit(opts: DeinitOptions = {}): Promise<DeinitResult> {
  const ctx = openContext(opts);
  const config = ctx.store.readConfig();
  if (!config.remote) return { remote: null, removed_refspec: false, deleted_tracking_refs: 0 };
  const names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, config.remote);
  const removed = remoteExists(ctx.cwd, config.remote) && removeRefspec(ctx.cwd, names);
  const deleted = deleteTrackingRefs(ctx.cwd, names);
  ctx.store.writeConfig({ v: 1 });
  const hooks = opts.keepHooks ? undefined : await uninstallHooks({ cwd: ctx.cwd, agent: opts.agent, repoEnv: opts.repoEnv });
  return { remote: config.remote, removed_refspec: removed, deleted_tracking_refs: deleted, hooks };
}
