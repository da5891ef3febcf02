/** The lease policy of this repository (--ttl, lease_ttl, lease_ttl_max; core/lease.ts applies it), and the post-commit stub's hint. */
import { readFileSync, rmSync } from 'node:fs';
import type { LeasePolicy } from '../core/lease.js';
import { parseDuration } from '../core/duration.js';
import type { SprintFile } from '../core/schemas.js';
import { writeFileAtomic } from '../store/fs-atomic.js';
import { leaseMs, PROJECT_CONFIG, projectConfig, type Ctx } from './context.js';

export function leasePolicy(ctx: Ctx, ttl: string | undefined, sprint?: SprintFile): LeasePolicy {
  const max = projectConfig(ctx)?.lease_ttl_max;
  return { ms: leaseMs(ctx, ttl, sprint), maxMs: max ? parseDuration(max, `lease_ttl_max in ${PROJECT_CONFIG}`) : undefined };
}

/** A lease is worth renewing from a commit once half of it has run (so commits do not append an entry each). */
export const renewalDue = (r: { at: string; expires_at?: string }): number => {
  const at = Date.parse(r.at);
  return at + (Date.parse(r.expires_at ?? r.at) - at) / 2;
};

/**
 * The post-commit stub starts the CLI for a commit without a trailer only
 * when this file exists and the time in it (epoch seconds: the earliest
 * renewal due among live claims) has come, so commits keep leases alive
 * without every commit paying for node. Claims lower it; the hook rewrites it
 * after renewing, and removes it once no claim is live.
 */
export function markRenewalDue(ctx: Ctx, dueMs: number): void {
  const f = ctx.store.layout.liveClaims;
  let current = Infinity;
  try {
    current = Number(readFileSync(f, 'utf8').trim()) * 1000;
  } catch {
    // Not there: no claim was live.
  }
  if (Number.isFinite(current) && current <= dueMs) return;
  writeFileAtomic(f, `${Math.floor(dueMs / 1000)}\n`);
}

export function clearLiveClaims(ctx: Ctx): void {
  rmSync(ctx.store.layout.liveClaims, { force: true });
}
