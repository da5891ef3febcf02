/**
 * What an imported entry is held to beyond its shape: the project's rules
 * (as local commands are), and the entry below it on the remote's chain.
 */
import { DEFAULT_LEDGER_RULES } from '../core/ledger.js';
import type { Chain, ChainEntry } from './tracking.js';
import type { ImportRules, LinkCtx } from './view.js';

/** The project's rules; a config that does not read is the commands' to report, so the import holds entries to the defaults. */
export function importRules(ctx: LinkCtx): ImportRules {
  try {
    return ctx.importRules?.() ?? { noOverride: [], ledger: DEFAULT_LEDGER_RULES };
  } catch {
    return { noOverride: [], ledger: DEFAULT_LEDGER_RULES };
  }
}

/** Refuses (throws) an imported entry that may not follow the one below it on its chain. */
export function follows<R extends { seq: number }>(
  chain: Chain<R> | undefined,
  e: ChainEntry<R>,
  refusal: (prev: R | undefined, r: R) => string | undefined,
): void {
  const why = refusal(chain?.entries[e.record.seq - 2]?.record, e.record);
  if (why) throw new Error(`commit ${e.commit.slice(0, 12)}: ${why}`);
}
