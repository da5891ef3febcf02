/** The review artifact: counts by severity, scope drift against the plan, and the findings. */
import * as z from 'zod/mini';
import { count, header, line, resolution, text, texts } from './common.js';

export const reviewSeverities = ['blocking', 'should_fix', 'nitpick', 'positive'] as const;

export const review = () =>
  z.looseObject({
    ...header('review'),
    summary: z.looseObject({ blocking: count(), should_fix: count(), nitpicks: count(), positive: count() }),
    scope_drift: z.looseObject({
      status: z.enum(['clean', 'drift_detected', 'requirements_missing']),
      planned_files: z.optional(texts()),
      actual_files: z.optional(texts()),
      out_of_scope_files: z.optional(texts()),
      missing_files: z.optional(texts()),
    }),
    findings: z.array(
      z.looseObject({
        id: z.optional(z.union([z.string(), z.number()])),
        severity: z.enum(reviewSeverities),
        description: text(),
        file: z.optional(z.nullable(z.string())),
        line: line(),
        ...resolution(),
      }),
    ),
  });
