/**
 * The ship artifact, in two forms: the release (`summary` with the PR and CI
 * outcome, and a checkpoint), or a report-only run (`run_mode:
 * "report_only"`), which ships nothing and needs no checkpoint (one it has
 * must be whole).
 */
import * as z from 'zod/mini';
import { ContextCheckpoint, header, openSummary, optionalCommon, text } from './common.js';

export const shipStatuses = ['created', 'open', 'merged', 'reverted'] as const;

export const shipRelease = () =>
  z.looseObject({
    ...header('ship'),
    run_mode: z.optional(z.literal('release')),
    summary: z.looseObject({
      pr_number: z.optional(z.nullable(z.number().check(z.int(), z.minimum(1)))),
      pr_url: z.optional(z.nullable(z.string())),
      title: z.optional(text()),
      // "open" is what the original template wrote for a created PR: accepted, and means created.
      status: z.enum(shipStatuses),
      ci_passed: z.boolean(),
    }),
  });

export const shipReport = () =>
  z.looseObject({
    phase: z.literal('ship'),
    ...optionalCommon(),
    run_mode: z.literal('report_only'),
    summary: openSummary(),
    context_checkpoint: z.optional(ContextCheckpoint()),
  });

/** Which form an artifact claims to be decides which schema judges it, so messages are about that form. */
export const isReportOnly = (v: unknown) => typeof v === 'object' && v !== null && (v as { run_mode?: unknown }).run_mode === 'report_only';
