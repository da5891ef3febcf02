/** clean: archived sprints older than N days go, the active one never, and each removal is audited. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPerTest } from './helpers/sprint.js';
import { auditEvents, stateDir } from './helpers/state.js';

const t = repoPerTest();
const { ok } = t;

describe('clean', () => {
  it('clean --days removes archived sprints older than N days, never the active one', () => {
    const ids = [ok('start').sprint_id, ok('start').sprint_id, ok('start').sprint_id];
    const active = ok('start').sprint_id;
    // Age the first two: archived 10 and 3 days ago.
    ids.slice(0, 2).forEach((id, i) => {
      const f = join(stateDir(t.repo), 'sprints', id, 'sprint.json');
      const s = JSON.parse(readFileSync(f, 'utf8'));
      s.archived_at = new Date(Date.now() - [10, 3][i]! * 86_400_000).toISOString();
      writeFileSync(f, JSON.stringify(s));
    });
    expect(ok('clean')).toEqual({ removed: [ids[0]], kept: 3 });
    expect(ok('clean', '--days', '2')).toEqual({ removed: [ids[1]], kept: 2 });
    expect(ok('clean', '--days', '0')).toEqual({ removed: [ids[2]], kept: 1 });
    expect(ok('status').sprint_id).toBe(active);
    const cleans = auditEvents(t.repo).filter((e) => e.event === 'clean');
    expect(cleans.map((e) => e.detail)).toEqual([
      'removed 1 archived sprint(s) older than 7 day(s)',
      'removed 1 archived sprint(s) older than 2 day(s)',
      'removed 1 archived sprint(s) older than 0 day(s)',
    ]);
  });
});

describe('clean trims the local head log', () => {
  it('keeps the newest 100 head entries; the sprint and new starts are unaffected', () => {
    const first = ok('start').sprint_id;
    const head = join(stateDir(t.repo), 'head');
    const rec = JSON.parse(readFileSync(join(head, '000001', 'record.json'), 'utf8'));
    for (let seq = 2; seq <= 150; seq++) {
      mkdirSync(join(head, String(seq).padStart(6, '0')));
      writeFileSync(
        join(head, String(seq).padStart(6, '0'), 'record.json'),
        JSON.stringify({ ...rec, seq, id: seq.toString(16).padStart(16, '0') }),
      );
    }
    expect(ok('clean').head_entries_trimmed).toBe(50);
    expect(
      readdirSync(head)
        .filter((n) => /^\d+$/.test(n))
        .sort()[0],
    ).toBe('000051');
    expect(ok('status').sprint_id).toBe(first);
    const next = ok('start').sprint_id;
    expect(ok('status').sprint_id).toBe(next);
    expect(
      readdirSync(head)
        .filter((n) => /^\d+$/.test(n))
        .sort()
        .at(-1),
    ).toBe('000151');
    // The start that archived a sprint trimmed the log itself.
    expect(
      readdirSync(head)
        .filter((n) => /^\d+$/.test(n))
        .sort()[0],
    ).toBe('000052');
    expect(ok('clean').head_entries_trimmed).toBeUndefined();
  });
});
