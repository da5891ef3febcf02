/** Human renderings for the agent-facing commands: renew --if-held, prime, setup. --json bypasses all of this. */
import type { RenewHeldResult, SetupResult } from '../api/index.js';
import { paint, stdout } from './output.js';

const c = paint(1);

export function renderRenewHeld(r: RenewHeldResult): void {
  for (const x of r.renewed) stdout(`${c('green', '✓')} renewed ${c('bold', x.phase)} as ${x.agent} (until ${x.expires_at}${x.capped ? ', capped by lease_ttl_max' : ''})`);
  for (const d of r.displaced) stdout(`${c('yellow', '!')} "${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`);
  if (!r.renewed.length) stdout(`${r.agent} holds nothing${r.sprint_id ? '' : ' (no sprint)'}: nothing to renew`);
}

export function renderSetup(r: SetupResult, o: { check?: boolean; remove?: boolean }): void {
  const changed = r.files.filter((f) => f.action !== 'unchanged');
  if (o.check) return stdout(`${c('green', '✓')} setup ${r.agent} is in place (${r.files.length} file(s) in ${r.root})`);
  if (o.remove && !r.files.length) return stdout(`setup ${r.agent} was not installed here: nothing to remove`);
  for (const f of changed) stdout(`  ${f.action.padEnd(12)} ${f.path}`);
  stdout(`${c('green', '✓')} setup ${r.agent}${o.remove ? ' removed' : ''}: ${changed.length ? `${changed.length} file(s) changed` : 'already in place, nothing changed'} in ${r.root}`);
}
