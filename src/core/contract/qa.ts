/** The qa artifact: what was run, what failed, and the bugs found. */
import * as z from 'zod/mini';
import { count, header, text } from './common.js';

export const qaSeverities = ['critical', 'high', 'medium', 'low'] as const;

export const qa = () =>
  z.looseObject({
    ...header('qa'),
    summary: z
      .looseObject({
        mode: z.optional(z.enum(['browser', 'api', 'cli', 'debug'])),
        status: z.enum(['pass', 'fail', 'partial']),
        tests_run: count(),
        tests_passed: z.optional(count()),
        tests_failed: count(),
        bugs_found: z.optional(count()),
        bugs_fixed: z.optional(count()),
        // The chance that a fix caused a regression: a percentage, or a word (see the README).
        wtf_likelihood: z.optional(z.union([z.number().check(z.minimum(0), z.maximum(100)), z.enum(['low', 'medium', 'high'])])),
      })
      .check(
        z.refine((s) => s.tests_failed <= s.tests_run, { message: 'is more than summary.tests_run', path: ['tests_failed'] }),
        z.refine((s) => (s.tests_passed ?? 0) + s.tests_failed <= s.tests_run, {
          message: 'plus summary.tests_failed is more than summary.tests_run',
          path: ['tests_passed'],
        }),
      ),
    findings: z.array(
      z.looseObject({
        id: z.optional(z.union([z.string(), z.number()])),
        severity: z.enum(qaSeverities),
        description: text(),
        reproduce: z.optional(z.string()),
        root_cause: z.optional(z.string()),
        fixed: z.optional(z.boolean()),
      }),
    ),
  });
