import { invalid } from './errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const DEFAULT_TTL_MS = 3_600_000;

/** "90s", "30m", "1h", "2d": the unit is required, so "2" is never silently two seconds. */
export function parseDuration(text: string, what = '--ttl'): number {
  const m = /^(\d{1,7})([smhd])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : NaN;
  if (!m || ms <= 0 || ms > 366 * UNITS.d!) {
    throw invalid(
      'E_BAD_DURATION',
      `invalid ${what} ${JSON.stringify(text)}: use a positive whole number with a unit: s (seconds), m (minutes), h (hours) or d (days), e.g. 90s, 30m, 2h; at most 366d`,
    );
  }
  return ms;
}

/** The longest lease anyone may be granted (and the cap on an imported one: core/hold.ts). */
export const MAX_TTL_MS = 366 * UNITS.d!;
