/** The plan artifact: the goal, its size, the files it will touch and how it was approved. */
import * as z from 'zod/mini';
import { count, header, texts } from './common.js';

export const plan = () =>
  z.looseObject({
    ...header('plan'),
    summary: z.looseObject({
      goal: z.optional(z.string()),
      scope: z.optional(z.enum(['small', 'medium', 'large'])),
      step_count: z.optional(count()),
      planned_files: texts(),
      plan_approval: z.enum(['manual', 'auto', 'not_required']),
      risks: z.optional(texts()),
      out_of_scope: z.optional(texts()),
    }),
  });
