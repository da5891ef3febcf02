/**
 * context: the digest an agent reads before starting a phase. The completed
 * phases' checkpoints (all of them newest first, or a phase's transitive
 * dependencies nearest first), fitted to a character budget. Reads only:
 * the local state, brought in line with the last fetched view of the remote
 * (or a fresh one with `fetch`).
 */
import { checkpointOf } from '../core/checkpoint.js';
import { digestOrder, MIN_BUDGET, renderDigest, type DonePhase } from '../core/digest.js';
import { invalid } from '../core/errors.js';
import { validatePhaseName } from '../core/graph.js';
import { isDone } from '../core/hold.js';
import { findPhase } from '../core/phase-state.js';
import { openContext, withRemote, type CommonOptions } from './context.js';
import { readSprint } from './sprint-read.js';

export const DEFAULT_BUDGET = 2000;
const MAX_BUDGET = 1_000_000;

export interface ContextOptions extends CommonOptions {
  /** Only this phase's transitive dependencies, nearest first. */
  phase?: string;
  /** Another sprint than the active one (archived, until cleaned). */
  sprint?: string;
  /** Characters the whole digest may take; default 2000 (about 500 tokens). */
  budget?: number;
  /** With a coordination remote: fetch it first. */
  fetch?: boolean;
}

export interface ContextResult {
  sprint_id: string;
  sprint_status: 'active' | 'archived';
  phase: string | null;
  /** With a coordination remote: the time of the view read (the last fetch). */
  as_of?: string;
  budget: number;
  /** The digest, at most `budget` characters. */
  digest: string;
  chars: number;
  included: { phase: string; agent: string; host: string; done_at: string; sha256?: string; checkpoint: boolean }[];
  /** Done phases left out to fit the budget, oldest last. */
  omitted: string[];
  truncated?: string;
  /** With `phase`: its dependencies that are not done yet. */
  waiting: string[];
}

export function checkBudget(budget: number | undefined): number {
  if (budget === undefined) return DEFAULT_BUDGET;
  if (!Number.isInteger(budget) || budget < MIN_BUDGET || budget > MAX_BUDGET) {
    throw invalid(
      'E_BAD_BUDGET',
      `invalid budget ${budget}: use a whole number of characters from ${MIN_BUDGET} to ${MAX_BUDGET} (default ${DEFAULT_BUDGET})`,
      { budget },
    );
  }
  return budget;
}

export async function context(opts: ContextOptions = {}): Promise<ContextResult> {
  const budget = checkBudget(opts.budget);
  const target = opts.phase === undefined ? undefined : validatePhaseName(opts.phase);
  const ctx = await withRemote(openContext(opts), opts);
  const data = await readSprint(ctx, opts.sprint, 'tops');
  const { sprint } = data;
  if (target !== undefined) findPhase(sprint, target);
  const done = new Map<string, DonePhase>();
  for (const [name, p] of data.phases) {
    const top = p.records.at(-1);
    if (!top || !isDone(top)) continue;
    // An overridden phase is done: its completion is the holder the override entry names.
    const by = top.kind === 'override' && top.previous ? top.previous : top;
    done.set(name, {
      phase: name,
      agent: by.agent,
      host: by.host,
      at: by.at,
      sha256: top.artifact?.sha256,
      checkpoint: top.artifact ? checkpointOf(p.artifact) : undefined,
    });
  }
  const { order, waiting } = digestOrder(sprint, new Map([...done].map(([n, d]) => [n, d.at])), target);
  const as_of = ctx.remote?.asOf();
  const scope =
    target === undefined
      ? `${order.length} of ${sprint.phases.length} phases done, newest first`
      : `${order.length} of ${order.length + waiting.length} phases ${target} depends on done, nearest first${waiting.length ? `; not done yet: ${waiting.join(', ')}` : ''}`;
  const title = `context${target ? ` for ${target}` : ''}: sprint ${sprint.id} (${sprint.status}${as_of ? `, as of ${as_of}` : ''}); ${scope}`;
  const seeMore = data.active
    ? `see one with 'git conductor artifact show <phase>'`
    : `see them with 'git conductor context --sprint ${sprint.id}${target ? ` --phase ${target}` : ''} --budget ${Math.min(MAX_BUDGET, budget * 4)}'`;
  const r = renderDigest({ title, sections: order.map((n) => done.get(n)!), budget, seeMore });
  return {
    sprint_id: sprint.id,
    sprint_status: sprint.status,
    phase: target ?? null,
    as_of,
    budget,
    digest: r.text,
    chars: r.text.length,
    included: r.included.map((n) => {
      const d = done.get(n)!;
      return { phase: n, agent: d.agent, host: d.host, done_at: d.at, sha256: d.sha256, checkpoint: !!d.checkpoint?.present };
    }),
    omitted: r.omitted,
    truncated: r.truncated,
    waiting,
  };
}
