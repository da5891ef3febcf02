import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PhaseRecord } from '../../src/core/schemas.js';
import { reconcile } from '../../src/remote/reconcile.js';
import type { ChainEntry } from '../../src/remote/tracking.js';
import { SeqLog } from '../../src/store/seq-log.js';

const root = mkdtempSync(join(tmpdir(), 'conductor-reconcile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const freshLog = () => new SeqLog<PhaseRecord>(join(root, `log-${++n}`), PhaseRecord, 'test');
const claimBy = (agent: string, id: string): Omit<PhaseRecord, 'seq'> => ({
  v: 1,
  id,
  kind: 'claim',
  reason: 'claim',
  agent,
  host: 'box',
  at: new Date().toISOString(),
  expires_at: new Date(Date.now() + 3_600_000).toISOString(),
});
const remoteEntry = (agent: string, id: string): ChainEntry<PhaseRecord> => ({
  commit: 'c'.repeat(40),
  record: { ...claimBy(agent, id), seq: 1 } as PhaseRecord,
});

describe('reconcile when an import loses its number', () => {
  it('a racer of this clone that took the number freed by our retraction leaves the log diverged, not in line', () => {
    const log = freshLog();
    log.append(0, claimBy('ana-1', 'a1a1a1a1a1a1a1a1'));
    const winner = remoteEntry('cy-3', 'c3c3c3c3c3c3c3c3');
    let sneaked = false;
    const r = reconcile(log, [winner], {
      ownIds: new Set(['a1a1a1a1a1a1a1a1']),
      now: Date.now(),
      // Runs between our retraction and our import: the moment a same-clone racer with a stale view appends.
      payload: () => {
        if (!sneaked) log.append(0, claimBy('ana-2', 'a2a2a2a2a2a2a2a2'));
        sneaked = true;
        return undefined;
      },
    });
    expect(r.retracted.map((x) => x.agent)).toEqual(['ana-1']);
    expect(r.imported).toEqual([]);
    expect(r.stuck).toBe(true);
    expect(r.unpublished.map((x) => x.agent)).toEqual(['ana-2']);
    expect(r.problem).toBeUndefined();
    expect(log.top()!.record.agent).toBe('ana-2');
  });

  it('another importer of the same entry leaves the log in line', () => {
    const log = freshLog();
    log.append(0, claimBy('ana-1', 'a1a1a1a1a1a1a1a1'));
    const winner = remoteEntry('cy-3', 'c3c3c3c3c3c3c3c3');
    let raced = false;
    const r = reconcile(log, [winner], {
      ownIds: new Set(['a1a1a1a1a1a1a1a1']),
      now: Date.now(),
      payload: () => {
        if (!raced) log.append(0, { ...winner.record, seq: undefined } as Omit<PhaseRecord, 'seq'>);
        raced = true;
        return undefined;
      },
    });
    expect(r.retracted.map((x) => x.agent)).toEqual(['ana-1']);
    expect(r.stuck).toBe(false);
    expect(r.unpublished).toEqual([]);
    expect(r.problem).toBeUndefined();
    expect(log.all().map((e) => e.record.id)).toEqual(['c3c3c3c3c3c3c3c3']);
  });
});
