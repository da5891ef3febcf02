/**
 * Phases without a contract of their own: `build` (in the default graph, so
 * it carries a checkpoint) and custom phases (`phase` and `summary` only,
 * unless the project config names a JSON Schema for them).
 */
import * as z from 'zod/mini';
import { header, openSummary, optionalCommon } from './common.js';

export const build = () => z.looseObject({ ...header('build'), summary: openSummary() });

export const custom = (phase: string) => z.looseObject({ phase: z.literal(phase), ...optionalCommon(), summary: openSummary() });
