/**
 * Warnings a verb's result carries: things that went wrong after its change
 * was made (an audit line the disk refused). The change stands, the command
 * succeeds; the CLI prints them on stderr and --json has them in `warnings`.
 */
import type { Ctx } from './context.js';

export interface Warned {
  warnings?: string[];
}

/** `result` with the store's warnings, when there are any. */
export const withWarnings = <R extends object>(ctx: Pick<Ctx, 'store'>, result: R): R & Warned =>
  ctx.store.warnings.length ? { ...result, warnings: [...ctx.store.warnings] } : result;
