/**
 * A sprint written straight into a repository's state directory, with fixed
 * times, hosts and ids: what the store would have written, so commands read
 * it as they would any sprint, and their output can be compared byte for
 * byte with a golden file.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyLedger, type LedgerOp } from '../../src/core/ledger.js';
import type { LedgerState } from '../../src/core/schemas.js';
import { stateDir } from './state.js';

export interface CraftedEntry {
  kind: 'claim' | 'release' | 'done' | 'reopen' | 'override';
  reason?: string;
  agent: string;
  host?: string;
  at: string;
  expires_at?: string;
  previous?: { agent: string; host: string; at: string };
  /** Stored as the artifact's exact bytes (JSON.stringify with 2 spaces), with its sha256. */
  artifact?: unknown;
  commit?: string;
  halt?: string;
  halt_rule?: string;
  /** reopen, override: the human's reason; override: the halt it cleared. */
  why?: string;
  overridden?: string;
  grade?: 'A' | 'B' | 'C' | 'D' | 'F';
  provenance?: { branch?: string; head?: string };
}

export interface CraftedSprint {
  id: string;
  started_by: string;
  started_at: string;
  status?: 'active' | 'archived';
  archived_at?: string;
  phases: { name: string; depends_on: string[]; concurrency: 'read' | 'write' | 'exclusive' }[];
  logs: Record<string, CraftedEntry[]>;
  audit?: Record<string, unknown>[];
  /** Ledger operations, oldest first; each entry's state is computed as the CLI would. */
  ledger?: (Omit<LedgerOp, 'host'> & { host?: string })[];
}

const pad = (n: number) => String(n).padStart(6, '0');
const hex16 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

export function writeCraftedSprint(repo: string, s: CraftedSprint, headSeq = 1): void {
  const root = stateDir(repo);
  const dir = join(root, 'sprints', s.id);
  mkdirSync(join(dir, 'phases'), { recursive: true });
  const sprint = {
    v: 1,
    id: s.id,
    started_by: s.started_by,
    host: 'devbox',
    started_at: s.started_at,
    status: s.status ?? 'active',
    ...(s.archived_at ? { archived_at: s.archived_at } : {}),
    source: 'default',
    phases: s.phases,
  };
  writeFileSync(join(dir, 'sprint.json'), JSON.stringify(sprint, null, 2) + '\n');
  mkdirSync(join(root, 'head', pad(headSeq)), { recursive: true });
  writeFileSync(
    join(root, 'head', pad(headSeq), 'record.json'),
    JSON.stringify({
      v: 1,
      seq: headSeq,
      id: hex16(s.id),
      kind: 'start',
      sprint_id: s.id,
      agent: s.started_by,
      host: 'devbox',
      at: s.started_at,
    }) + '\n',
  );
  for (const [phase, entries] of Object.entries(s.logs)) {
    entries.forEach((e, i) => {
      const entryDir = join(dir, 'phases', phase, pad(i + 1));
      mkdirSync(entryDir, { recursive: true });
      const { artifact, ...rest } = e;
      let ref;
      if (artifact !== undefined) {
        const bytes = Buffer.from(JSON.stringify(artifact, null, 2) + '\n');
        writeFileSync(join(entryDir, 'artifact.json'), bytes);
        ref = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, source: `.conductor/${phase}.json` };
      }
      const record = {
        v: 1,
        seq: i + 1,
        id: hex16(`${s.id}/${phase}/${i}`),
        ...rest,
        host: e.host ?? 'devbox',
        ...(ref ? { artifact: ref } : {}),
      };
      writeFileSync(join(entryDir, 'record.json'), JSON.stringify(record) + '\n');
    });
  }
  let state: LedgerState | undefined;
  (s.ledger ?? []).forEach((op, i) => {
    const entry = { ...op, host: op.host ?? 'devbox' } as LedgerOp;
    state = applyLedger(state, entry);
    const entryDir = join(dir, 'ledger', pad(i + 1));
    mkdirSync(entryDir, { recursive: true });
    const record = { v: 1, seq: i + 1, id: hex16(`${s.id}/ledger/${i}`), ...entry, state };
    writeFileSync(join(entryDir, 'record.json'), JSON.stringify(record) + '\n');
  });
  for (const line of s.audit ?? []) appendFileSync(join(root, 'audit.jsonl'), JSON.stringify({ sprint_id: s.id, ...line }) + '\n');
}

export const DEFAULT_GRAPH: CraftedSprint['phases'] = [
  { name: 'think', depends_on: [], concurrency: 'read' },
  { name: 'plan', depends_on: ['think'], concurrency: 'read' },
  { name: 'build', depends_on: ['plan'], concurrency: 'write' },
  { name: 'review', depends_on: ['build'], concurrency: 'read' },
  { name: 'security', depends_on: ['build'], concurrency: 'read' },
  { name: 'qa', depends_on: ['build'], concurrency: 'read' },
  { name: 'ship', depends_on: ['review', 'security', 'qa'], concurrency: 'exclusive' },
];

/** One phase claimed at `from` minutes past 10:00 and completed at `to`, with an artifact. */
export function claimedAndDone(
  agent: string,
  host: string,
  from: number,
  to: number,
  artifact?: unknown,
  extra: Partial<CraftedEntry> = {},
): CraftedEntry[] {
  const t = (m: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + m * 60_000).toISOString();
  return [
    { kind: 'claim', reason: 'claim', agent, host, at: t(from), expires_at: t(from + 60) },
    { kind: 'done', reason: 'complete', agent, host, at: t(to), artifact, ...extra },
  ];
}
