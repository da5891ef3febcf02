/**
 * The sprint journal, as Markdown. Pure and deterministic: the same sprint,
 * logs, artifacts and audit entries always give the same bytes (no clock, no
 * colour, sorted where the inputs are sets). Times and names come from
 * validated records; every other value comes from artifacts or audit details
 * and goes through md(), so nothing in them can open HTML or Markdown
 * structure (see markdown.ts).
 */
import { checkpointOf } from './checkpoint.js';
import { topoOrder } from './graph.js';
import { budgetOf, phaseFacts } from './journal-facts.js';
import { attemptsSection, budgetOverrides, budgetSection } from './journal-ledger.js';
import { md, mdCell, mdDuration } from './markdown.js';
import type { AuditEntry, LedgerRecord, PhaseRecord, SprintFile } from './schemas.js';

export interface JournalPhase {
  /** The phase's whole log, oldest first. */
  records: readonly PhaseRecord[];
  /** The parsed artifact of its newest completion (an override carries it), if it has one. */
  artifact?: Record<string, unknown>;
}

/** An audit entry; `event` is open, so events added later (reopen, override) are shown too. */
export type JournalEvent = Pick<AuditEntry, 'at' | 'phase' | 'agent' | 'host' | 'detail'> & { event: string };

export interface JournalInput {
  sprint: SprintFile;
  phases: ReadonlyMap<string, JournalPhase>;
  /** Audit entries of this sprint (any clone's, where known), oldest first. */
  audit: readonly JournalEvent[];
  /** The sprint's ledger (budget and attempts), oldest first. */
  ledger?: readonly LedgerRecord[];
}

const who = (r: { agent?: string; host?: string }) => (r.agent ? md(`${r.agent}@${r.host ?? '?'}`) : 'unknown');
const kindOf = (r: PhaseRecord) => String(r.kind);
const span = (from: string | undefined, to: string | undefined) => (from && to ? mdDuration(Date.parse(to) - Date.parse(from)) : '–');

/** The newest completion, the claim that led to it, and the override that cleared its halt. */
function outcome(records: readonly PhaseRecord[]) {
  const last = records.at(-1);
  const override = last?.kind === 'override' ? last : undefined;
  // An override keeps its completion: the done entry below it is the phase's outcome.
  let done = last?.kind === 'done' ? last : undefined;
  for (let i = records.length - 1; override && !done && i >= 0; i--) if (records[i]!.kind === 'done') done = records[i];
  const upTo = done ? records.indexOf(done) : records.length;
  let claimed: PhaseRecord | undefined;
  for (const r of records.slice(0, upTo)) if (r.kind === 'claim' && r.reason !== 'renew') claimed = r;
  return { done, claimed, last, override };
}

function phaseSection(name: string, p: JournalPhase | undefined, audit: JournalInput['audit']): string[] {
  const records = p?.records ?? [];
  const { done, claimed, last, override } = outcome(records);
  const out = [`## ${name}`, ''];
  const state = done
    ? `done by ${who(done)}${override ? `, its halt overridden by ${who(override)}` : ''}`
    : last?.kind === 'claim'
      ? `running, held by ${who(last)}`
      : last
        ? `not done (${last.kind === 'release' ? 'released' : md(kindOf(last), 30)} by ${who(last)})`
        : 'not started';
  out.push(`- **State:** ${state}`);
  if (claimed || done)
    out.push(`- **Claimed:** ${claimed?.at ?? '–'} · **Done:** ${done?.at ?? '–'} · **Took:** ${span(claimed?.at, done?.at)}`);
  const attempts = records.filter((r) => r.kind === 'claim' && r.reason !== 'renew').length;
  if (attempts > 1) out.push(`- **Attempts:** ${attempts} claims`);
  for (const r of records) {
    if (r.kind === 'claim' && r.reason === 'takeover')
      out.push(`- **Takeover:** ${r.at}, ${who(r)} took over from ${r.previous ? who(r.previous) : 'an expired lease'}`);
    else if (r.kind === 'release')
      out.push(`- **Released:** ${r.at} by ${who(r)} (${r.reason ?? 'abort'})${r.previous ? `, was held by ${who(r.previous)}` : ''}`);
    else if (r.kind === 'done' && r !== done)
      out.push(`- **Completed:** ${r.at} by ${who(r)}${r.halt ? `, halting the sprint: ${md(r.halt, 300)}` : ''}`);
    else if (kindOf(r) === 'reopen') out.push(`- **Reopened:** ${r.at} by ${who(r)}${reasonOf(r)}`);
    else if (kindOf(r) === 'override') out.push(`- **Halt overridden:** ${r.at} by ${who(r)}${reasonOf(r)}`);
  }
  const recorded = new Set(records.map((r) => `${kindOf(r)}|${r.at}`));
  for (const e of audit) {
    if (e.phase !== name || (e.event !== 'reopen' && e.event !== 'override') || recorded.has(`${e.event}|${e.at}`)) continue;
    out.push(
      `- **${e.event === 'reopen' ? 'Reopened' : 'Halt overridden'}:** ${e.at} by ${who(e)}${e.detail ? `: ${md(e.detail, 300)}` : ''}`,
    );
  }
  if (done?.commit) out.push(`- **Commit:** \`${done.commit}\``);
  if (done?.provenance?.branch)
    out.push(`- **Branch:** ${md(done.provenance.branch, 255)}${done.provenance.head ? ` at \`${done.provenance.head}\`` : ''}`);
  if (done?.halt)
    out.push(
      `- **Halted the sprint:** ${md(done.halt, 300)}${done.halt_rule ? ` (rule ${md(done.halt_rule, 40)})` : ''}${override ? ', overridden' : ''}`,
    );
  if (done && !done.artifact) out.push('- **Artifact:** none');
  const cp = checkpointOf(p?.artifact);
  if (cp.summary) out.push(`- **Summary:** ${md(cp.summary)}`);
  out.push(...phaseFacts(name, p?.artifact, done?.grade));
  const details = [
    cp.key_files.length && `- **Key files:** ${cp.key_files.map((f) => md(f, 300)).join(', ')}`,
    ...cp.decisions.map((d) => `- **Decision:** ${md(d)}`),
    ...cp.open_questions.map((q) => `- **Open question:** ${md(q)}`),
  ].filter((x): x is string => !!x);
  if (details.length) out.push('', '<details><summary>Checkpoint</summary>', '', ...details, '', '</details>');
  out.push('');
  return out;
}

function reasonOf(r: PhaseRecord): string {
  const reason = (r as { note?: unknown; why?: unknown; message?: unknown }).note ?? (r as { why?: unknown }).why;
  return typeof reason === 'string' ? `: ${md(reason, 300)}` : '';
}

export function renderJournal(input: JournalInput): string {
  const { sprint, phases, audit, ledger = [] } = input;
  const order = topoOrder(sprint.phases);
  const outcomes = order.map((p) => outcome(phases.get(p.name)?.records ?? []));
  const allDone = outcomes.every((o) => o.done);
  // Done, and no halt left standing: an overridden phase counts from its override.
  const end = allDone
    ? outcomes
        .map((o) => (o.override ?? o.done)!.at)
        .sort()
        .at(-1)
    : undefined;
  const lines = [
    `# Sprint ${sprint.id}`,
    '',
    '| | |',
    '|---|---|',
    `| Started | ${sprint.started_at} by ${who({ agent: sprint.started_by, host: sprint.host })} |`,
    `| Ended | ${end ?? (sprint.status === 'archived' ? `archived unfinished at ${sprint.archived_at ?? '–'}` : 'not finished')} |`,
    `| Duration | ${span(sprint.started_at, end ?? (sprint.status === 'archived' ? sprint.archived_at : undefined))} |`,
    `| Phases | ${outcomes.filter((o) => o.done).length} of ${order.length} done (graph from ${sprint.source}) |`,
    '',
  ];
  for (const p of order) lines.push(...phaseSection(p.name, phases.get(p.name), audit));
  // Halts, the reopenings that cleared them and overrides come from the logs (the same on every clone);
  // bypasses, and overrides this clone saw whose entries it no longer has, from the audit log.
  const fromLogs = [...order.flatMap((p) => gateEvents(p.name, phases.get(p.name)?.records ?? [])), ...budgetOverrides(ledger)];
  const seen = new Set(fromLogs.map((e) => `${e.event}|${e.phase}|${e.at}`));
  const fromAudit = audit.filter(
    (e) => e.event === 'bypass' || (e.event === 'override' && !seen.has(`${e.event}|${e.phase ?? 'budget'}|${e.at}`)),
  );
  lines.push(
    ...gateSection([...fromLogs, ...fromAudit]),
    ...budgetSection(
      ledger,
      order.map((p) => p.name),
      order.map((p) => [p.name, budgetOf(phases.get(p.name)?.artifact)] as const),
    ),
    ...attemptsSection(ledger),
  );
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

/** Halts, overrides and bypasses of the ship gate, in time order. */
function gateSection(events: JournalEvent[]): string[] {
  // Stable: by time, then in the order given.
  const wanted = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : 0) || a.i - b.i)
    .map((x) => x.e);
  if (!wanted.length) return ['## Halts, overrides and ship-gate bypasses', '', 'None recorded.', ''];
  const rows = wanted.map((e) => `| ${e.at} | ${mdCell(e.event)} | ${mdCell(e.phase)} | ${who(e)} | ${mdCell(e.detail, 500)} |`);
  return ['## Halts, overrides and ship-gate bypasses', '', '| when | what | phase | who | detail |', '|---|---|---|---|---|', ...rows, ''];
}

/** A phase's halts (every completion that halted, reopened or not), the reopenings that cleared one, and its overrides. */
function gateEvents(phase: string, records: readonly PhaseRecord[]): JournalEvent[] {
  const out: JournalEvent[] = [];
  let halted: PhaseRecord | undefined;
  for (const r of records) {
    const base = { at: r.at, phase, agent: r.agent, host: r.host };
    if (r.kind === 'done') {
      halted = r.halt ? r : undefined;
      if (r.halt) out.push({ ...base, event: 'halt', detail: r.halt });
    } else if (r.kind === 'reopen' && halted) {
      out.push({ ...base, event: 'reopen', detail: `cleared "${halted.halt}" by reopening${r.why ? `: ${r.why}` : ''}` });
      halted = undefined;
    } else if (r.kind === 'override') {
      out.push({ ...base, event: 'override', detail: `overrode halt "${r.overridden ?? ''}"${r.why ? `: ${r.why}` : ''}` });
      halted = undefined;
    }
  }
  return out;
}
