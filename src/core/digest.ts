/**
 * The context digest: which completed phases an agent should read, in which
 * order, and their checkpoints rendered to fit a character budget. Pure.
 *
 * The budget covers the whole text, title and footer included: sections are
 * taken in order (newest or nearest first) while they fit, the one at the
 * boundary is cut short when there is room for a useful part of it, and the
 * rest (the oldest) are named in the footer with the command that shows them.
 */
import type { Checkpoint } from './checkpoint.js';
import type { SprintFile } from './schemas.js';

export interface DonePhase {
  phase: string;
  agent: string;
  host: string;
  at: string;
  sha256?: string;
  /** Undefined when the phase was completed without an artifact. */
  checkpoint?: Checkpoint;
}

export interface DigestText {
  text: string;
  included: string[];
  /** Left out entirely, in the order they would have come. */
  omitted: string[];
  /** Included, but cut short to fit. */
  truncated?: string;
}

/** The smallest budget that always leaves room for the title and the footer. */
export const MIN_BUDGET = 400;
const MIN_USEFUL_PART = 120;
const MAX_FOOTER_NAMES = 200;
/** Code-unit order, the same in every locale. */
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * With `target`: its transitive dependencies, nearest first (graph distance),
 * then newest; `waiting` lists those not done yet (nearest, then in graph
 * order). Without: every done phase, newest first. Ties fall back to reverse
 * graph order, so the order is stable.
 */
export function digestOrder(
  sprint: SprintFile,
  doneAt: ReadonlyMap<string, string>,
  target?: string,
): { order: string[]; waiting: string[] } {
  const index = new Map(sprint.phases.map((p, i) => [p.name, i]));
  const distance = new Map<string, number>();
  if (target !== undefined) {
    const deps = new Map(sprint.phases.map((p) => [p.name, p.depends_on]));
    let frontier = [target];
    for (let d = 1; frontier.length; d++) {
      const nextFrontier: string[] = [];
      for (const n of frontier) {
        for (const dep of deps.get(n) ?? []) {
          if (distance.has(dep) || dep === target) continue;
          distance.set(dep, d);
          nextFrontier.push(dep);
        }
      }
      frontier = nextFrontier;
    }
  }
  const candidates = target === undefined ? sprint.phases.map((p) => p.name) : [...distance.keys()];
  const byRecency = (a: string, b: string) =>
    (distance.get(a) ?? 0) - (distance.get(b) ?? 0) || byString(doneAt.get(b) ?? '', doneAt.get(a) ?? '') || index.get(b)! - index.get(a)!;
  const byGraph = (a: string, b: string) => (distance.get(a) ?? 0) - (distance.get(b) ?? 0) || index.get(a)! - index.get(b)!;
  return {
    order: candidates.filter((p) => doneAt.has(p)).sort(byRecency),
    waiting: candidates.filter((p) => !doneAt.has(p)).sort(byGraph),
  };
}

export function renderSection(d: DonePhase): string {
  const lines = [`${d.phase} (done ${d.at} by ${d.agent}@${d.host}${d.sha256 ? `, sha256 ${d.sha256.slice(0, 12)}` : ''})`];
  const cp = d.checkpoint;
  if (!cp) lines.push('- completed without an artifact');
  else {
    if (!cp.present) lines.push('- no context_checkpoint in its artifact');
    if (cp.summary) lines.push(`- summary: ${cp.summary}`);
    if (cp.key_files.length) lines.push(`- key files: ${cp.key_files.join(', ')}`);
    if (cp.decisions.length) lines.push(`- decisions: ${cp.decisions.join('; ')}`);
    if (cp.open_questions.length) lines.push(`- open questions: ${cp.open_questions.join('; ')}`);
  }
  return lines.join('\n');
}

/** Names as many of `names` as fit in about MAX_FOOTER_NAMES characters, then says how many more. */
function footer(omitted: string[], truncated: string | undefined, seeMore: string): string {
  const parts: string[] = [];
  if (omitted.length) {
    const shown: string[] = [];
    let len = 0;
    for (const n of omitted) {
      if (len + n.length > MAX_FOOTER_NAMES) break;
      shown.push(n);
      len += n.length + 2;
    }
    const more = omitted.length - shown.length;
    parts.push(`left out to fit the budget (oldest first): ${shown.join(', ')}${more ? ` and ${more} more` : ''}`);
  }
  if (truncated) parts.push(`${truncated} was cut short`);
  return parts.length ? `${parts.join('; ')}; ${seeMore}` : '';
}

const join = (blocks: string[]) => blocks.filter(Boolean).join('\n\n');

export function renderDigest(o: { title: string; sections: DonePhase[]; budget: number; seeMore: string }): DigestText {
  const rendered = o.sections.map(renderSection);
  const names = o.sections.map((s) => s.phase);
  const fits = (s: string) => s.length <= o.budget;
  let k = 0;
  while (k < rendered.length && fits(join([o.title, ...rendered.slice(0, k + 1), footer(names.slice(k + 1), undefined, o.seeMore)]))) k++;
  const full = join([o.title, ...rendered.slice(0, k), footer(names.slice(k), undefined, o.seeMore)]);
  if (k < rendered.length) {
    // Room left for part of the next section: show its beginning rather than nothing.
    const tail = footer(names.slice(k + 1), names[k], o.seeMore);
    const room = o.budget - join([o.title, ...rendered.slice(0, k), 'x', tail]).length;
    if (room >= MIN_USEFUL_PART) {
      const part = `${rendered[k]!.slice(0, room).trimEnd()}…`;
      const text = join([o.title, ...rendered.slice(0, k), part, tail]);
      if (fits(text)) return { text, included: names.slice(0, k + 1), omitted: names.slice(k + 1), truncated: names[k] };
    }
  }
  return { text: full, included: names.slice(0, k), omitted: names.slice(k) };
}
