/**
 * Warnings a verb's result carries: things that went wrong after its change
 * was made (an audit line the disk refused). The change stands, the command
 * succeeds; the CLI prints them on stderr and --json has them in `warnings`,
 * beside the ledger's (the budget, the circuit breaker).
 */
import type { Warning } from '../core/ledger.js';
import type { Ctx } from './context.js';

export interface Warned {
  warnings?: Warning[];
}

/** `result` with the store's warnings (after any the result already carries), when there are any. */
export const withWarnings = <R extends object>(ctx: Pick<Ctx, 'store'>, result: R): R & Warned =>
  ctx.store.warnings.length
    ? {
        ...result,
        warnings: [...((result as Warned).warnings ?? []), ...ctx.store.warnings.map((message) => ({ code: 'W_AUDIT' as const, message }))],
      }
    : result;
