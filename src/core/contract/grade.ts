/**
 * The security grade, A to F, from the open findings by severity (see
 * counts.ts for what "open" means). The rule, worst first:
 *   F  any critical        D  any high
 *   C  3 or more medium    B  1–2 medium, or more than 3 low
 *   A  no critical, high or medium, and at most 3 low
 */
import { isFixed, openCount, type FindingLike } from './counts.js';

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface SeverityCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
}

export function gradeOf(c: SeverityCounts): Grade {
  if (c.critical > 0) return 'F';
  if (c.high > 0) return 'D';
  if (c.medium >= 3) return 'C';
  if (c.medium > 0 || c.low > 3) return 'B';
  return 'A';
}

export interface SecurityArtifact {
  summary: Partial<SeverityCounts>;
  findings: FindingLike[];
}

export function openSecurityCounts(a: SecurityArtifact): SeverityCounts {
  const n = (s: keyof SeverityCounts) => openCount(a.findings, a.summary[s], s, isFixed);
  return { critical: n('critical'), high: n('high'), medium: n('medium'), low: n('low') };
}

export const securityGrade = (a: SecurityArtifact): Grade => gradeOf(openSecurityCounts(a));
