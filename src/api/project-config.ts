/**
 * The tracked project config (`.git-conductor.json` in the work tree): the
 * team's phase graph, lease length, protected refs, the gates nobody may
 * override, and the budget and circuit-breaker thresholds. Validated when
 * read; a bad file is an error that names it, never a silent default. Read
 * once per opened repository (a context): a command asks it several things.
 */
import { join } from 'node:path';
import { DEFAULT_TTL_MS, parseDuration } from '../core/duration.js';
import { DEFAULT_LEDGER_RULES, type LedgerRules } from '../core/ledger.js';
import { leaseRules, type LeaseRules } from '../core/hold.js';
import { invalid } from '../core/errors.js';
import { check, ProjectConfig, type SprintFile } from '../core/schemas.js';
import { BoundedReadError, READ_CAPS, readBoundedText } from '../store/bounded-read.js';
import type { Ctx } from './context.js';

export const PROJECT_CONFIG = '.git-conductor.json';

const read = new WeakMap<object, { value?: ProjectConfig; error?: unknown }>();

/** The tracked project config, if the work tree has one (its error, again, if it is bad). */
export function projectConfig(ctx: Pick<Ctx, 'repo'>): ProjectConfig | undefined {
  let known = read.get(ctx.repo);
  if (!known) {
    try {
      known = { value: readProjectConfig(ctx) };
    } catch (error) {
      known = { error };
    }
    read.set(ctx.repo, known);
  }
  if (known.error) throw known.error;
  return known.value;
}

function readProjectConfig(ctx: Pick<Ctx, 'repo'>): ProjectConfig | undefined {
  if (!ctx.repo.top) return undefined;
  const file = join(ctx.repo.top, PROJECT_CONFIG);
  let text: string | undefined;
  try {
    // Tracked, so anyone can commit it as a symlink to /dev/zero or a FIFO: never followed, never unbounded.
    text = readBoundedText(file, READ_CAPS.projectConfig, { noFollow: true });
  } catch (e) {
    if (e instanceof BoundedReadError)
      throw invalid(
        'E_BAD_CONFIG',
        `${PROJECT_CONFIG} ${e.problem}: commit it as a plain JSON file of at most ${READ_CAPS.projectConfig} bytes, or remove it`,
        { file },
      );
    return undefined;
  }
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid('E_BAD_CONFIG', `${file} is not valid JSON: fix it or remove it`);
  }
  const r = check(ProjectConfig, raw);
  if (!r.ok) throw invalid('E_BAD_CONFIG', `${file}: ${r.problem}`);
  return r.value;
}

/** The lease length: the flag, else the project's lease_ttl, else the default. */
/** --ttl, else the lease_ttl the sprint was started with, else the project config's, else 1h. */
export function leaseMs(ctx: Pick<Ctx, 'repo'>, ttl: string | undefined, sprint?: SprintFile): number {
  if (ttl !== undefined) return parseDuration(ttl);
  if (sprint?.lease_ttl) return parseDuration(sprint.lease_ttl, `lease_ttl of sprint ${sprint.id}`);
  const fromConfig = projectConfig(ctx)?.lease_ttl;
  return fromConfig ? parseDuration(fromConfig, `lease_ttl in ${PROJECT_CONFIG}`) : DEFAULT_TTL_MS;
}

/** The budget thresholds and the circuit breaker's count: the project's, else the defaults. */
export function ledgerRules(ctx: Pick<Ctx, 'repo'>): LedgerRules {
  const c = projectConfig(ctx);
  const rules = {
    warn_at: c?.budget?.warn_at ?? DEFAULT_LEDGER_RULES.warn_at,
    halt_at: c?.budget?.halt_at ?? DEFAULT_LEDGER_RULES.halt_at,
    failures: c?.circuit_breaker?.failures ?? DEFAULT_LEDGER_RULES.failures,
  };
  if (rules.warn_at > rules.halt_at)
    throw invalid(
      'E_BAD_CONFIG',
      `${PROJECT_CONFIG}: budget.warn_at (${rules.warn_at}) must not be above budget.halt_at (${rules.halt_at})`,
    );
  return rules;
}

/** The gates the project forbids overriding (`no_override`: phase names, or "budget"). */
export const noOverride = (ctx: Pick<Ctx, 'repo'>): readonly string[] => projectConfig(ctx)?.no_override ?? [];
/** The lease rules of this project: `lease_grace` from the project config ("0s": none), else each lease's default grace. */
export function rulesOf(ctx: Pick<Ctx, 'repo'>): LeaseRules {
  const config = projectConfig(ctx);
  const grace = config?.lease_grace;
  const max = config?.lease_ttl_max;
  return leaseRules(
    grace === undefined ? undefined : /^\s*0+[smhd]?\s*$/.test(grace) ? 0 : parseDuration(grace, `lease_grace in ${PROJECT_CONFIG}`),
    max ? parseDuration(max, `lease_ttl_max in ${PROJECT_CONFIG}`) : undefined,
    config?.no_override,
  );
}
