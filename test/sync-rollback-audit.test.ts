/**
 * A rollback is audited once, by the import that made it, with its sprint:
 * `log --sprint` shows it, and sync does not audit it a second time.
 */
import { describe, expect, it } from 'vitest';
import { independentPhases, makeBare, makeClone } from './helpers/remote.js';

interface Audit {
  event: string;
  sprint_id?: string;
  phase?: string;
  agent: string;
  detail?: string;
}

describe('sync: rollback audit', () => {
  it('audits an offline claim that lost to the remote once, with its sprint id, so log --sprint shows it', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprintId = a.run(['start', '--phases', independentPhases(2)]).json.sprint_id as string;
    expect(b.run(['status']).code).toBe(0);
    expect(a.run(['claim', 'p1', '--offline']).code).toBe(0);
    expect(b.run(['claim', 'p1']).code).toBe(0);
    const s = a.run(['sync']);
    expect(s.code).toBe(3);
    expect(s.json.error.code).toBe('E_SYNC_CONFLICT');

    const all = a.run(['log']).json.entries as Audit[];
    const aboutRollback = all.filter((e) => e.event === 'rollback' || /rolled back|lost to/.test(e.detail ?? ''));
    expect(aboutRollback).toHaveLength(1);
    expect(aboutRollback[0]).toMatchObject({ event: 'rollback', sprint_id: sprintId, phase: 'p1', agent: 'alice' });
    expect(aboutRollback[0]!.detail).toContain('bob@');

    const ofSprint = a.run(['log', '--sprint', sprintId]).json.entries as Audit[];
    expect(ofSprint.filter((e) => e.event === 'rollback')).toHaveLength(1);
  });
});
