/**
 * Open findings by severity, from an artifact that has passed its schema.
 * A summary count and the findings list can disagree; the larger number of
 * open findings wins, so a count with no finding to show it fixed stays
 * open (fail closed): open = max(listed and not resolved, counted − listed
 * and resolved).
 */

export interface FindingLike {
  severity: string;
  status?: 'open' | 'fixed' | 'wontfix';
  reason?: string;
  fixed?: boolean;
}

export type Resolved = (f: FindingLike) => boolean;

export const isFixed: Resolved = (f) => f.status === 'fixed' || (f.fixed === true && f.status !== 'open');
/** Review: a fix, or a decision not to fix with its reason, clears a finding. */
export const isFixedOrExplained: Resolved = (f) => isFixed(f) || (f.status === 'wontfix' && !!f.reason?.trim());

export function openCount(findings: readonly FindingLike[], counted: number | undefined, severity: string, resolved: Resolved): number {
  const of = findings.filter((f) => f.severity === severity);
  const done = of.filter(resolved).length;
  return Math.max(of.length - done, (counted ?? 0) - done);
}
