/** Human renderings of API results. --json output bypasses all of this. */
import type { ClaimResult, CompleteResult, NextResult, ReleaseResult, StartResult, StatusResult } from '../api/index.js';
import type { AuditEntry } from '../core/schemas.js';
import { ago, duration, paint, stderr, stdout, table } from './output.js';

const c = paint(1);
const STATE_COLOR = { done: 'green', running: 'yellow', ready: 'cyan', pending: 'dim' } as const;

export function renderStart(r: StartResult): void {
  stdout(`${c('green', '✓')} started sprint ${c('bold', r.sprint_id)} (${r.phases.length} phases, graph from ${r.source})${r.archived ? `; archived ${r.archived}` : ''}`);
}

export function renderClaim(r: ClaimResult): void {
  const lease = `lease ${duration(Date.parse(r.expires_at) - Date.parse(r.claimed_at))}, until ${r.expires_at}`;
  const what = r.kind === 'renew' ? 'renewed' : r.kind === 'takeover' ? `took over (from ${r.previous?.agent}@${r.previous?.host}, lease expired)` : 'claimed';
  stdout(`${c('green', '✓')} ${what} ${c('bold', r.phase)} as ${r.agent} (${lease}${r.capped ? ', capped by lease_ttl_max' : ''})`);
  if (r.token) stdout(c('dim', `  claim token ${r.token}: only needed to act on this claim from another session (CONDUCTOR_CLAIM_TOKEN)`));
  if (r.id_warning) stdout(`${c('yellow', '! warning:')} ${r.id_warning.message}; ${r.id_warning.bind}`);
}

export function renderComplete(r: CompleteResult): void {
  const art = r.artifact ? ` with ${r.artifact.source} (sha256 ${r.artifact.sha256.slice(0, 12)})` : '';
  stdout(`${c('green', '✓')} completed ${c('bold', r.phase)}${art}`);
  if (r.unlocked.length) stdout(`  unlocked: ${r.unlocked.join(', ')}`);
  if (r.halt) stdout(`${c('red', '■ sprint halted:')} ${r.halt}`);
  if (r.sprint_done) stdout(`  every phase is done: sprint ${r.sprint_id} archived`);
}

export function renderRelease(r: ReleaseResult): void {
  stdout(`${c('green', '✓')} released ${c('bold', r.phase)} (held by ${r.released.agent}@${r.released.host})${r.forced ? ' — forced' : ''}`);
}

export function renderNext(r: NextResult): void {
  // On stderr: `phase=$(git conductor next)` must still read just the phase.
  for (const d of r.displaced ?? []) stderr(`! "${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`);
  if (r.phase) stdout(r.phase);
}

export function renderStatus(r: StatusResult): void {
  const now = Date.now();
  const head = `sprint ${c('bold', r.sprint_id)}  ${r.status}  started ${ago(r.started_at, now)} by ${r.started_by}`;
  stdout(head);
  if (r.halted) stdout(c('red', `■ halted by ${r.halted.phase}: ${r.halted.reason}`));
  const rows = [[c('dim', 'PHASE'), c('dim', 'STATE'), c('dim', 'AGENT'), c('dim', 'SINCE'), c('dim', 'LEASE')]];
  for (const p of Object.values(r.phases)) {
    const lease =
      p.state !== 'running' ? '' : p.expired ? c('red', `expired ${duration(now - Date.parse(p.expires_at!))} ago`) : `${duration(Date.parse(p.expires_at!) - now)} left`;
    const who = p.agent ? `${p.agent}@${p.host}` : p.state === 'pending' ? c('dim', `needs ${p.depends_on.join(', ')}`) : '';
    const state = c(STATE_COLOR[p.state], p.state) + (p.unpublished ? c('yellow', '*') : '');
    rows.push([p.name, state, who, ago(p.at, now), lease]);
  }
  stdout(table(rows));
  if (r.remote) renderRemote(r.remote, now);
}

function renderRemote(m: NonNullable<StatusResult['remote']>, now: number): void {
  const fresh = m.as_of ? `as of ${ago(m.as_of, now)} (last fetch)` : 'never fetched';
  stdout(c('dim', `remote ${m.name} (${m.namespace}): ${fresh}; 'status --fetch' to refresh`));
  if (m.unpublished.length) stdout(c('yellow', `* not on the remote yet: ${m.unpublished.join(', ')} (run 'git conductor sync')`));
  for (const b of m.rolled_back) stdout(c('red', `rolled back ${b.kind} of ${b.phase ?? 'the sprint'} by ${b.agent}@${b.host}: the remote's ${b.winner ? `${b.winner.kind} by ${b.winner.agent}@${b.winner.host}` : 'entry'} came first`));
  for (const p of m.problems) stdout(c('red', `! ${p}`));
}

export function renderLog(entries: AuditEntry[]): void {
  for (const e of entries) {
    const who = e.agent ? `${e.agent}@${e.host}` : '';
    stdout([c('dim', e.at), e.event.padEnd(8), (e.phase ?? '').padEnd(10), who, e.detail ? c('dim', e.detail) : ''].join(' ').trimEnd());
  }
}
