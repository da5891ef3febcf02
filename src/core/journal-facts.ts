/**
 * Per-phase facts for the journal, read from an artifact whatever shape it
 * has: the fields agents of the original tool write (summary objects with
 * counts) and this tool's older loose fields (`tests`, `findings`, `files`).
 * A field of an unexpected type is skipped, never trusted. Each fact is one
 * Markdown line, every value escaped. Pure.
 */
import { md, mdCell, mdUrl } from './markdown.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Obj => !!x) : []);
const MAX_LISTED = 50;

function fileList(files: string[]): string {
  // Escaped text, not code spans: a renderer that scans raw HTML would still see `<` inside one.
  const shown = files.slice(0, MAX_LISTED).map((f) => md(f, 300));
  return `${shown.join(', ')}${files.length > MAX_LISTED ? ` and ${files.length - MAX_LISTED} more` : ''}`;
}

function plan(a: Obj, s: Obj): string[] {
  const out: string[] = [];
  const size = str(s.scope) ?? str(a.size) ?? str(a.scope);
  const steps = num(s.step_count) ?? (Array.isArray(a.steps) ? a.steps.length : undefined);
  if (size !== undefined || steps !== undefined)
    out.push(`- **Plan size:** ${[size && md(size, 40), steps !== undefined && `${steps} step(s)`].filter(Boolean).join(', ')}`);
  const files = strs(s.planned_files).length ? strs(s.planned_files) : strs(a.planned_files).length ? strs(a.planned_files) : strs(a.files);
  if (files.length) out.push(`- **Planned files (${files.length}):** ${fileList(files)}`);
  return out;
}

function resolution(f: Obj): string {
  if (f.fixed === true || f.status === 'fixed') return 'fixed';
  const why = str(f.resolution) ?? str(f.reason);
  if (str(f.status)) return `${md(f.status, 40)}${why ? `: ${md(why, 200)}` : ''}`;
  if (why) return md(why, 200);
  if (f.severity === 'positive') return 'no action needed';
  return f.blocking === true || f.severity === 'blocking' ? '**open (blocking)**' : 'open';
}

function findingsTable(findings: Obj[]): string[] {
  if (!findings.length) return [];
  const rows = findings
    .slice(0, MAX_LISTED)
    .map(
      (f) =>
        `| ${mdCell(f.id, 40)} | ${mdCell(f.severity ?? (f.blocking === true ? 'blocking' : undefined), 20)} | ${mdCell(f.title ?? f.description, 300)} | ${mdCell(f.file, 200)} | ${resolution(f)} |`,
    );
  const more = findings.length > MAX_LISTED ? [``, `(${findings.length - MAX_LISTED} more findings not listed)`] : [];
  return ['', '| id | severity | finding | file | resolution |', '|---|---|---|---|---|', ...rows, ...more, ''];
}

const bySeverity = (findings: Obj[]) => {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const sev = str(f.severity) ?? (f.blocking === true ? 'blocking' : 'unrated');
    counts.set(sev, (counts.get(sev) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, n]) => `${md(k, 30)} ${n}`)
    .join(', ');
};

function review(a: Obj, s: Obj): string[] {
  const findings = arr(a.findings);
  const out: string[] = [];
  if (findings.length) out.push(`- **Findings (${findings.length}):** ${bySeverity(findings)}`);
  else {
    const counts = ['blocking', 'should_fix', 'nitpicks', 'positive']
      .filter((k) => num(s[k]) !== undefined)
      .map((k) => `${k.replace('_', ' ')} ${num(s[k])}`);
    out.push(`- **Findings:** ${counts.length ? counts.join(', ') : 'none reported'}`);
  }
  const drift = obj(a.scope_drift);
  if (drift) {
    const extra = strs(drift.out_of_scope_files);
    const missing = strs(drift.missing_files);
    const parts = [
      md(str(drift.status) ?? 'unknown', 40),
      extra.length && `out of scope: ${fileList(extra)}`,
      missing.length && `missing: ${fileList(missing)}`,
    ];
    out.push(`- **Scope drift:** ${parts.filter(Boolean).join('; ')}`);
  }
  for (const c of arr(a.conflicts).slice(0, MAX_LISTED)) {
    out.push(
      `- **Conflict** ${md(c.finding_id, 40)} vs ${md(c.conflicts_with, 40)} (${md(c.tension, 30)}): ${md(c.resolution ?? 'unresolved', 200)}`,
    );
  }
  return [...out, ...findingsTable(findings)];
}

function qa(a: Obj, s: Obj): string[] {
  const t = obj(a.tests);
  const run = num(s.tests_run) ?? num(t?.total);
  const failed = num(s.tests_failed) ?? num(t?.failed);
  const passed = num(s.tests_passed) ?? (run !== undefined && failed !== undefined ? run - failed : undefined);
  const parts = [
    run !== undefined && `${run} run`,
    passed !== undefined && `${passed} passed`,
    failed !== undefined && `${failed} failed`,
    str(s.status) && `status ${md(s.status, 20)}`,
  ];
  return parts.some(Boolean) ? [`- **Tests:** ${parts.filter(Boolean).join(', ')}`] : [];
}

function security(a: Obj, s: Obj, recorded?: string): string[] {
  const findings = [...arr(a.findings), ...arr(a.vulnerabilities)];
  const out: string[] = [];
  // The grade the completion recorded (computed from the counts by the contract), else one the artifact states.
  const grade = recorded ?? str(a.grade) ?? str(s.grade);
  if (grade) out.push(`- **Grade:** ${md(grade, 10)}`);
  const counts = ['critical', 'high', 'medium', 'low'].filter((k) => num(s[k]) !== undefined).map((k) => `${k} ${num(s[k])}`);
  if (findings.length) out.push(`- **Findings (${findings.length}):** ${bySeverity(findings)}`);
  else if (counts.length) out.push(`- **Findings:** ${counts.join(', ')}`);
  const open = findings.filter((f) => f.fixed !== true && f.status !== 'fixed');
  out.push(`- **Open findings:** ${open.length ? open.length : 'none'}`);
  return [...out, ...findingsTable(open)];
}

function ship(a: Obj, s: Obj): string[] {
  const out: string[] = [];
  const title = str(s.title) ?? str(a.title);
  const url = s.pr_url ?? a.pr_url;
  const pr = num(s.pr_number) ?? num(a.pr_number);
  if (title || url || pr !== undefined)
    out.push(
      `- **Pull request:** ${[pr !== undefined && `#${pr}`, title && md(title, 200), url !== undefined && mdUrl(url)].filter(Boolean).join(' · ')}`,
    );
  const status = str(s.status) ?? str(a.status);
  if (status) out.push(`- **Ship status:** ${md(status, 30)}`);
  const ci = typeof s.ci_passed === 'boolean' ? s.ci_passed : typeof a.ci_passed === 'boolean' ? a.ci_passed : undefined;
  if (ci !== undefined) out.push(`- **CI:** ${ci ? 'passed' : '**failed**'}`);
  return out;
}

const BY_PHASE: Record<string, (a: Obj, s: Obj, grade?: string) => string[]> = { plan, review, qa, security, ship };

/** The facts for a phase's artifact (and the grade its done record holds); the budget and attempt fields for any phase. */
export function phaseFacts(phase: string, artifact: Obj | undefined, grade?: string): string[] {
  if (!artifact) return [];
  const s = obj(artifact.summary) ?? {};
  const out = BY_PHASE[phase]?.(artifact, s, grade) ?? [];
  const budget = obj(artifact.budget);
  if (budget && num(budget.used) !== undefined) out.push(`- **Budget:** ${num(budget.used)} used of ${num(budget.limit) ?? '?'}`);
  const fails = num(artifact.consecutive_failures);
  if (fails !== undefined)
    out.push(`- **Consecutive failed attempts:** ${fails}${str(artifact.stuck_on) ? ` on ${md(artifact.stuck_on, 200)}` : ''}`);
  return out;
}

export const budgetOf = (artifact: Obj | undefined): { used: number; limit?: number } | undefined => {
  const b = obj(artifact?.budget);
  const used = num(b?.used);
  return used === undefined ? undefined : { used, limit: num(b?.limit) };
};
