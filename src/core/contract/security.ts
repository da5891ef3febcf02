/** The security artifact: counts by severity and the findings (OWASP category or STRIDE class). */
import * as z from 'zod/mini';
import { count, header, line, resolution, text } from './common.js';

export const securitySeverities = ['critical', 'high', 'medium', 'low'] as const;

export const security = () =>
  z.looseObject({
    ...header('security'),
    summary: z.looseObject({ critical: count(), high: count(), medium: count(), low: count(), total_findings: z.optional(count()) }),
    findings: z.array(
      z.looseObject({
        id: z.optional(z.union([z.string(), z.number()])),
        severity: z.enum(securitySeverities),
        category: z.optional(z.string()),
        description: text(),
        file: z.optional(z.nullable(z.string())),
        line: line(),
        proof_of_concept: z.optional(z.string()),
        fix: z.optional(z.string()),
        confidence: z.optional(z.union([z.number(), z.string()])),
        ...resolution(),
      }),
    ),
  });
