/** init: point this clone at a coordination remote (refspec, config, first fetch, hooks). */
import { invalid, isUnreachable } from '../core/errors.js';
import { DEFAULT_NAMESPACE, FALLBACK_NAMESPACE, RefNames, validNamespace, validRemoteName } from '../remote/ref-names.js';
import { addRefspec, remoteExists, removeRefspec } from '../remote/setup.js';
import { installHooks, type HooksOptions, type HooksResult } from './hooks.js';
import { openContext, withRemote, type Ctx } from './context.js';

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

export async function init(opts: InitOptions = {}): Promise<InitResult> {
  const ctx = openContext(opts);
  const remote = opts.remote ?? 'origin';
  if (!validRemoteName(remote))
    throw invalid('E_BAD_REMOTE', `invalid remote name ${JSON.stringify(remote)}: use the name of a configured remote, like origin`);
  const namespace = opts.namespace ?? ctx.store.readConfig().namespace ?? DEFAULT_NAMESPACE;
  if (!validNamespace(namespace))
    throw invalid(
      'E_BAD_NAMESPACE',
      `invalid namespace ${JSON.stringify(namespace)}: use lowercase ref components like ${DEFAULT_NAMESPACE} or ${FALLBACK_NAMESPACE}`,
    );
  if (!remoteExists(ctx.cwd, remote))
    throw invalid(
      'E_NO_REMOTE',
      `no remote named "${remote}" in this repository: add it with 'git remote add ${remote} <url>', or pass --remote NAME`,
    );
  const previous = ctx.store.readConfig();
  if (previous.remote && (previous.remote !== remote || (previous.namespace ?? DEFAULT_NAMESPACE) !== namespace))
    removeRefspec(ctx.cwd, new RefNames(previous.namespace ?? DEFAULT_NAMESPACE, previous.remote));
  const names = new RefNames(namespace, remote);
  const added = addRefspec(ctx.cwd, names);
  ctx.store.writeConfig({ ...previous, v: 1, remote, namespace: namespace === DEFAULT_NAMESPACE ? undefined : namespace });
  let fetched = true;
  let fetchError: string | undefined;
  let attached: Ctx | undefined;
  try {
    attached = await withRemote(ctx, { fetch: true });
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    fetched = false;
    fetchError = e.message;
  }
  const hooks =
    opts.hooks === false ? undefined : await installHooks({ cwd: ctx.cwd, agent: opts.agent, cli: opts.cli, repoEnv: opts.repoEnv });
  const problems = attached?.remote?.summary().problems ?? [];
  return { remote, namespace, fetch_refspec: names.fetchRefspec, added_refspec: added, fetched, fetch_error: fetchError, problems, hooks };
}
