/** The lease policy of this repository (--ttl, lease_ttl, lease_ttl_max; core/lease.ts applies it), and the stub's live-claims hint. */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { LeasePolicy } from '../core/lease.js';
import { parseDuration } from '../core/duration.js';
import { leaseMs, PROJECT_CONFIG, projectConfig, type Ctx } from './context.js';

export function leasePolicy(ctx: Ctx, ttl: string | undefined): LeasePolicy {
  const max = projectConfig(ctx)?.lease_ttl_max;
  return { ms: leaseMs(ctx, ttl), maxMs: max ? parseDuration(max, `lease_ttl_max in ${PROJECT_CONFIG}`) : undefined };
}

/**
 * The post-commit stub starts the CLI for a commit without a trailer only
 * while this file exists, so commits renew live leases without every commit
 * paying for node. Claims create it; the hook removes it once no claim is live.
 */
export function markLiveClaims(ctx: Ctx): void {
  const f = ctx.store.layout.liveClaims;
  if (existsSync(f)) return;
  mkdirSync(ctx.store.layout.root, { recursive: true });
  writeFileSync(f, '');
}

export function clearLiveClaims(ctx: Ctx): void {
  rmSync(ctx.store.layout.liveClaims, { force: true });
}
