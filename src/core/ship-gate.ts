/**
 * The ship gate's rules. Pure: which pushed refs are protected, and what the
 * sprint still lacks before it may ship.
 */
import { invalid } from './errors.js';
import { CONDUCTOR_REF_PREFIXES } from './ref-prefixes.js';
import { haltOf, viewPhase, type PhaseView, type Tops } from './phase-state.js';
import type { SprintFile } from './schemas.js';

/** The phase whose prerequisites gate a release. */
export const GATE_PHASE = 'ship';
export const DEFAULT_TAG_PATTERN = 'refs/tags/v*';
export { CONDUCTOR_REF_PREFIXES };

const PATTERN_RE = /^[A-Za-z0-9._/*-]{1,200}$/;

/**
 * `protected_refs` entries: a full ref (`refs/heads/main`, `refs/tags/v*`) or a
 * short name, which means that branch and that tag (`main`, `release/*`).
 * `*` matches any run of characters, `/` included.
 */
export function normalizePatterns(entries: readonly string[], where: string): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (!PATTERN_RE.test(e) || e.includes('..') || e.startsWith('/') || e.endsWith('/')) {
      throw invalid(
        'E_BAD_CONFIG',
        `${where}: protected_refs entry ${JSON.stringify(e)} is not a ref pattern like "main", "release/*" or "refs/tags/v*"`,
      );
    }
    if (e.startsWith('refs/')) out.push(e);
    else out.push(`refs/heads/${e}`, `refs/tags/${e}`);
  }
  return out;
}

export function matchesRef(pattern: string, ref: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(ref);
}

export const isConductorRef = (ref: string, extra: readonly string[] = []) =>
  [...CONDUCTOR_REF_PREFIXES, ...extra].some((p) => ref.startsWith(p));

export interface ShipBlockers {
  sprint_id: string;
  /** Prerequisites of the gate phase that are not done, with who holds each. */
  missing: PhaseView[];
  halt?: { phase: string; reason: string };
}

/** What stops the sprint from shipping now; undefined when nothing does (or there is no gate phase). */
export function shipBlockers(sprint: SprintFile, tops: Tops, now: number): ShipBlockers | undefined {
  if (sprint.status !== 'active') return undefined;
  const gate = sprint.phases.find((p) => p.name === GATE_PHASE);
  if (!gate) return undefined;
  const missing = gate.depends_on
    .map((d) => sprint.phases.find((p) => p.name === d)!)
    .filter((p) => tops.get(p.name)?.kind !== 'done')
    .map((p) => viewPhase(p, tops, now));
  const halt = haltOf(sprint, tops);
  return missing.length || halt ? { sprint_id: sprint.id, missing, halt } : undefined;
}

/** "review: running, held by a@h since T" — one phase, one clause. */
export function describeMissing(v: PhaseView): string {
  if (v.state === 'running') return `${v.name}: ${v.expired ? 'lease expired' : 'running'}, held by ${v.agent}@${v.host} since ${v.at}`;
  if (v.state === 'ready') return `${v.name}: ready, nobody holds it`;
  return `${v.name}: pending, needs ${v.depends_on.join(', ')}`;
}

/**
 * What was missing for shipping at time `at` (ms), judged from today's state:
 * a prerequisite done later than `at`, or not done at all, was missing then;
 * a halt recorded before `at` stood then. Undefined: nothing was missing.
 */
export function missingAt(sprint: SprintFile, tops: Tops, at: number): string[] | undefined {
  const gate = sprint.phases.find((p) => p.name === GATE_PHASE);
  if (!gate || at < Date.parse(sprint.started_at)) return undefined;
  const missing = gate.depends_on.filter((d) => {
    const t = tops.get(d);
    return t?.kind !== 'done' || Date.parse(t.at) > at;
  });
  const halted = sprint.phases.some((p) => {
    const t = tops.get(p.name);
    return t?.kind === 'done' && !!t.halt && Date.parse(t.at) <= at;
  });
  const what = [...missing.map((m) => `${m} not done`), ...(halted ? ['sprint halted'] : [])];
  return what.length ? what : undefined;
}

/** What stops shipping, in one line: each missing phase, then the halt. */
export function blockersText(b: ShipBlockers): string {
  const halt = b.halt && `halted by ${b.halt.phase}: ${b.halt.reason}`;
  return [...b.missing.map(describeMissing), ...(halt ? [halt] : [])].join('; ');
}

/**
 * The refusal, worded once for both gates: the client's pre-push hook and a
 * server's pre-receive hook each add how to get past it where they run.
 */
export const notReadyMessage = (refs: readonly string[], b: ShipBlockers) =>
  `push of ${refs.join(', ')} refused: sprint ${b.sprint_id} is not ready to ship (${blockersText(b)}). Finish those phases (git conductor status)`;

/** The refusal's data for --json, the same from both gates. */
export const blockersData = (refs: readonly string[], b: ShipBlockers) => ({
  refs: [...refs],
  sprint_id: b.sprint_id,
  missing: b.missing.map((m) => ({ phase: m.name, state: m.state, agent: m.agent, host: m.host, since: m.at })),
  halt: b.halt,
});
