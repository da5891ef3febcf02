/**
 * Clock discipline: does this clock disagree with the records just fetched
 * from teammates? Pure: the link passes the records and times in.
 *
 * Two kinds of evidence, each naming the record it rests on:
 *   - a record dated later than now + CLOCK_TOLERANCE_MS: this clock is
 *     behind (or its writer's is ahead), and leases granted here would end
 *     early for everyone else;
 *   - a claim first seen in this fetch, published online (not --offline),
 *     dated earlier than our previous fetch - CLOCK_TOLERANCE_MS: it was
 *     pushed after that fetch, yet dated before it, so this clock is ahead
 *     (or its writer's behind), and leases would look expired here too soon.
 * Neither proves which clock is wrong; both mean lease times cannot be
 * trusted between the two clones, so lease decisions are refused.
 */
export const CLOCK_TOLERANCE_MS = 30_000;

export interface ClockRecord {
  agent: string;
  host: string;
  at: string;
  kind?: string;
  offline?: true;
}

export interface SkewFinding {
  /** Signed estimate: positive when this clock is ahead of the record's writer, negative when behind. */
  skew_ms: number;
  /** The record the finding rests on. */
  record: { agent: string; host: string; at: string };
  detail: string;
}

const human = (ms: number) =>
  Math.abs(ms) >= 5_400_000 ? `${(Math.abs(ms) / 3_600_000).toFixed(1).replace(/\.0$/, '')}h` : `${Math.round(Math.abs(ms) / 1000)}s`;

/** A record dated in the future beyond the tolerance, the furthest one. */
export function futureRecord(records: Iterable<ClockRecord>, now: number): SkewFinding | undefined {
  let worst: ClockRecord | undefined;
  for (const r of records)
    if (Date.parse(r.at) > now + CLOCK_TOLERANCE_MS && (!worst || Date.parse(r.at) > Date.parse(worst.at))) worst = r;
  if (!worst) return undefined;
  const ms = now - Date.parse(worst.at);
  return {
    skew_ms: ms,
    record: pick(worst),
    detail: `this clock is ${human(ms)} behind ${worst.agent}@${worst.host}'s (its record is dated ${worst.at}, in the future here)`,
  };
}

/** A claim first seen in this fetch, published online, yet dated before our previous fetch beyond the tolerance. */
export function lateRecord(fresh: Iterable<ClockRecord>, previousFetch: number | undefined): SkewFinding | undefined {
  if (previousFetch === undefined) return undefined;
  let worst: ClockRecord | undefined;
  for (const r of fresh) {
    if (r.offline || r.kind !== 'claim') continue;
    if (Date.parse(r.at) < previousFetch - CLOCK_TOLERANCE_MS && (!worst || Date.parse(r.at) < Date.parse(worst.at))) worst = r;
  }
  if (!worst) return undefined;
  const ms = previousFetch - Date.parse(worst.at);
  return {
    skew_ms: ms,
    record: pick(worst),
    detail: `this clock is about ${human(ms)} or more ahead of ${worst.agent}@${worst.host}'s (its claim dated ${worst.at} reached the remote after this clone's fetch at ${new Date(previousFetch).toISOString()})`,
  };
}

const pick = (r: ClockRecord) => ({ agent: r.agent, host: r.host, at: r.at });
