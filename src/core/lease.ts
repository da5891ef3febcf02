/**
 * How long a lease runs. Invariant: taking or renewing a claim never ends a
 * live lease earlier than it already ends, and no lease ever runs past
 * `now + max` when the project sets a maximum (lease_ttl_max).
 */
export interface LeasePolicy {
  /** Asked-for length: --ttl, else lease_ttl, else 1 h. */
  ms: number;
  /** lease_ttl_max, if the project sets one. */
  maxMs?: number;
}

/** The end of the lease taken or renewed at `now`; `current`: the holder's live lease end, if renewing. */
export function leaseUntil(now: number, p: LeasePolicy, current?: number): { until: number; capped: boolean } {
  const wanted = Math.max(now + p.ms, current !== undefined && current > now ? current : 0);
  if (p.maxMs !== undefined && wanted > now + p.maxMs) return { until: now + p.maxMs, capped: true };
  return { until: wanted, capped: false };
}
