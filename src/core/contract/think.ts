/** The think artifact: the problem, for whom, the narrowest wedge and the key risk. */
import * as z from 'zod/mini';
import { header, text, texts } from './common.js';

export const scopeModes = ['expand', 'selective_expand', 'hold', 'reduce'] as const;

export const think = () =>
  z.looseObject({
    ...header('think'),
    summary: z.looseObject({
      // The six brief fields: all required (see the README for why six, not five).
      value_proposition: text(),
      scope_mode: z.enum(scopeModes),
      target_user: text(),
      narrowest_wedge: text(),
      key_risk: text(),
      premise_validated: z.boolean(),
      out_of_scope: z.optional(texts()),
      manual_delivery_test: z.optional(z.looseObject({ possible: z.boolean(), steps: texts() })),
      search_summary: z.optional(
        z.looseObject({
          mode: z.enum(['local_only', 'private', 'public']),
          result: z.optional(z.string()),
          existing_solution: z.enum(['none', 'partial', 'covers_80_percent']),
        }),
      ),
    }),
    alternatives_considered: z.optional(
      z.array(z.looseObject({ approach: text(), tradeoff: z.optional(z.string()), chosen: z.optional(z.boolean()) })),
    ),
  });
