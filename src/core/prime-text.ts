/**
 * The brief an agent reads when it starts or wakes up (after a restart or a
 * compaction): who it is, what it holds, what to do next, and the three
 * commands it needs. Invariant: at most PRIME_MAX characters, and only
 * validated names and sanitised text in it (ids, hosts and phase names match
 * their schemas; halt reasons carry no control characters), so it can go
 * straight into an agent's context.
 */
import type { NextAction } from './next-action.js';

export const PRIME_MAX = 1500;

export interface PrimeFacts {
  agent: string;
  source: string;
  host: string;
  stable: boolean;
  bind?: string;
  action: NextAction;
  counts?: Record<'done' | 'running' | 'ready' | 'pending', number>;
  displaced: { phase: string; by: string; host: string; at: string; why: string }[];
}

const mins = (s: number) => (s <= 0 ? 'expired' : s < 5400 ? `${Math.max(1, Math.round(s / 60))}m left` : `${(s / 3600).toFixed(1)}h left`);

export function primeText(f: PrimeFacts): string {
  const a = f.action;
  const lines = [`git-conductor: you are agent ${f.agent} on ${f.host} (id from ${f.source}).`];
  if (!f.stable) lines.push(`WARNING: this id may change with your next command; ${f.bind ?? 'bind one with CONDUCTOR_AGENT'}.`);
  if ('sprint_id' in a && f.counts) lines.push(`Sprint ${a.sprint_id}: ${f.counts.done} done, ${f.counts.running} running, ${f.counts.ready} ready, ${f.counts.pending} pending.`);
  for (const d of f.displaced) lines.push(`"${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}. Do not complete it.`);
  switch (a.action) {
    case 'no-sprint':
      lines.push('No sprint in this repository. Do not start one unless a human asks (git conductor start).');
      break;
    case 'done':
      lines.push(`Sprint ${a.sprint_id} is finished: nothing to claim. Stop, or ask a human.`);
      break;
    case 'continue':
      for (const h of a.held) lines.push(`You hold "${h.phase}" (lease ${mins(h.lease_left_s)}, until ${h.expires_at}). Continue it; read the phases before it with 'git conductor artifact show <phase> --json'.`);
      if (a.halt) lines.push(`The sprint is HALTED by ${a.halt.phase}: ${a.halt.reason}. Finish or abort your phase, then wait for a human.`);
      break;
    case 'halted':
      lines.push(`The sprint is HALTED by ${a.halt.phase}: ${a.halt.reason}. Claims are refused: wait for a human.`);
      break;
    case 'claim':
      lines.push(`Next: claim "${a.phase}" with 'git conductor next --claim --json'.`);
      break;
    case 'wait':
      lines.push(`Nothing to claim now${a.running.length ? `; running: ${a.running.map((r) => `${r.phase} (${r.agent})`).join(', ')}` : ''}. Wait and run 'git conductor next --claim --json' again later.`);
      break;
  }
  // The commands always fit: what is cut, when something must be, is the middle of the situation.
  const head = lines.join('\n');
  const room = PRIME_MAX - COMMANDS.length - 1;
  return `${head.length <= room ? head : head.slice(0, room - 1) + '…'}\n${COMMANDS}`;
}

const COMMANDS = [
  'Commands (always --json; exit 3 = held or not yours, 4 = blocked or halted):',
  '  git conductor next --claim --json',
  '  git conductor renew --if-held --json   (long work: every 30 minutes; commits renew too)',
  '  git conductor complete <phase> --artifact .conductor/<phase>.json --json',
].join('\n');
