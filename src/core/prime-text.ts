/**
 * The brief an agent reads when it starts or wakes up (after a restart or a
 * compaction): who it is, what to do next (core/next-action.ts decides, as
 * for `resume`), and the three commands it needs. Invariant: at most
 * PRIME_MAX characters, the three commands always included, and only
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
  sprint_id?: string;
  /** undefined: no sprint in this repository. */
  action?: NextAction;
  counts?: Record<'done' | 'running' | 'ready' | 'pending', number>;
  displaced: { phase: string; by: string; host: string; at: string; why: string }[];
  /** Phases held under this id by another agent session (core/holder-proof.ts). */
  twinHeld: string[];
}

const COMMANDS = [
  'Commands (always --json; exit 3 = held or not yours, 4 = blocked or halted):',
  '  git conductor next --claim --json',
  '  git conductor renew --if-held --json   (long work: every 30 minutes; commits renew too)',
  '  git conductor complete <phase> --artifact .conductor/<phase>.json --json',
].join('\n');

export function primeText(f: PrimeFacts): string {
  const lines = [`git-conductor: you are agent ${f.agent} on ${f.host} (id from ${f.source}).`];
  if (!f.stable) lines.push(`WARNING: this id may change with your next command; ${f.bind ?? 'bind one with CONDUCTOR_AGENT'}.`);
  if (f.sprint_id && f.counts)
    lines.push(
      `Sprint ${f.sprint_id}: ${f.counts.done} done, ${f.counts.running} running, ${f.counts.ready} ready, ${f.counts.pending} pending.`,
    );
  for (const d of f.displaced) lines.push(`"${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}. Do not complete it.`);
  for (const p of f.twinHeld)
    lines.push(`WARNING: "${p}" is held under your id by another agent session: two agents share this id; bind a unique one.`);
  const a = f.action;
  if (!a) lines.push('No sprint in this repository. Do not start one unless a human asks (git conductor start).');
  else {
    lines.push(`Next: ${a.action}${a.phase ? ` ${a.phase}` : ''}: ${a.reason}.`);
    if (a.command) lines.push(`Run: ${a.command}`);
  }
  // The commands always fit: what is cut, when something must be, is the middle of the situation.
  const head = lines.join('\n');
  const room = PRIME_MAX - COMMANDS.length - 1;
  return `${head.length <= room ? head : head.slice(0, room - 1) + '…'}\n${COMMANDS}`;
}
