/**
 * The remote seam. Each verb says what it needs from the coordination remote:
 *
 *   'none'   nothing (openContext): local state only, no remote code loaded
 *   'view'   the last fetched view: the tracking refs imported, no network,
 *            except one fetch when no sprint is known here yet
 *   'fetch'  a fresh fetch first (start, next, sync, init)
 *
 * and gets a new context with the link attached; the context it passed in is
 * left as it was. Without a configured remote this reads one small file and
 * spawns nothing; the remote code is loaded only when a remote is configured.
 */
import { isUnreachable } from '../core/errors.js';
import { openContext, type CommonOptions, type Ctx } from './context.js';

export type RemoteNeed = 'none' | 'view' | 'fetch';

/** Opens a context with what `need` asks of the remote (`opts.offline`: the view only, and publish nothing). */
export async function openWithRemote(opts: CommonOptions, need: RemoteNeed): Promise<Ctx> {
  const ctx = openContext(opts);
  return need === 'none' ? ctx : withRemote(ctx, { offline: opts.offline, fetch: need === 'fetch' });
}

/**
 * `ctx` with the coordination remote attached, when `init` configured one, and
 * the local state brought up to date with the remote-tracking refs (fetching
 * first when asked). Returns `ctx` itself when there is no remote.
 */
export async function withRemote(ctx: Ctx, opts: { offline?: boolean; fetch?: boolean } = {}): Promise<Ctx> {
  const config = ctx.store.readConfig();
  if (!config.remote) return ctx;
  const { RemoteLink } = await import('../remote/link.js');
  const link = new RemoteLink(ctx, config, !!opts.offline);
  if (opts.fetch && !opts.offline) link.refresh();
  else link.importAll();
  if (!opts.offline && !link.fetched && !ctx.store.activeSprintId()) {
    // No sprint known here yet: a teammate may have started one since the last fetch.
    try {
      link.refresh();
    } catch (e) {
      if (!isUnreachable(e)) throw e;
    }
  }
  return { ...ctx, remote: link };
}

/** The same context working offline (same view of the remote; nothing fetched or pushed). */
export const offline = (ctx: Ctx): Ctx => (ctx.remote && !ctx.remote.offline ? { ...ctx, remote: ctx.remote.offlineTwin() } : ctx);
