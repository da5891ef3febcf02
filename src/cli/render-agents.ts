/** Human renderings for the agent-facing commands: renew --if-held, prime, setup. --json bypasses all of this. */
import type { RenewHeldResult } from '../api/index.js';
import { paint, stdout } from './output.js';

const c = paint(1);

export function renderRenewHeld(r: RenewHeldResult): void {
  for (const x of r.renewed) stdout(`${c('green', '✓')} renewed ${c('bold', x.phase)} as ${x.agent} (until ${x.expires_at}${x.capped ? ', capped by lease_ttl_max' : ''})`);
  for (const d of r.displaced) stdout(`${c('yellow', '!')} "${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`);
  if (!r.renewed.length) stdout(`${r.agent} holds nothing${r.sprint_id ? '' : ' (no sprint)'}: nothing to renew`);
}
