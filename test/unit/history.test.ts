/** The team history: log entries as audit events, each change once, in time order. */
import { describe, expect, it } from 'vitest';
import { mergeHistory, recordEvent } from '../../src/core/history.js';
import type { AuditEntry, PhaseRecord } from '../../src/core/schemas.js';

const S = '20260101-120000-abcdef';
const rec = (
  kind: PhaseRecord['kind'],
  reason: PhaseRecord['reason'],
  agent: string,
  at: string,
  extra: Partial<PhaseRecord> = {},
): PhaseRecord => ({ v: 1, seq: 1, id: '0123456789abcdef', kind, reason, agent, host: `${agent}-box`, at, ...extra });

describe('the team history', () => {
  it('says who reopened or overrode a phase, whose completion it was, and why, as the audit log does', () => {
    const previous = { agent: 'a', host: 'a-box', at: '2026-01-01T11:00:00.000Z' };
    expect(
      recordEvent(S, 'review', rec('reopen', 'reopen', 'lead', '2026-01-01T12:00:00.000Z', { previous, why: 'fix R1' })),
    ).toMatchObject({
      event: 'reopen',
      detail: 'reopened (completed by a@a-box at 2026-01-01T11:00:00.000Z): fix R1',
    });
    expect(
      recordEvent(
        S,
        'security',
        rec('override', 'override', 'boss', '2026-01-01T12:00:00.000Z', { overridden: 'a high finding', why: 'accepted' }),
      ),
    ).toMatchObject({ event: 'override', detail: 'overrode halt "a high finding": accepted' });
  });

  it('maps log entries to the events the audit log uses', () => {
    expect(recordEvent(S, 'p', rec('claim', 'claim', 'a', '2026-01-01T12:00:00.000Z')).event).toBe('claim');
    expect(recordEvent(S, 'p', rec('claim', 'renew', 'a', '2026-01-01T12:00:00.000Z')).event).toBe('renew');
    const takeover = recordEvent(
      S,
      'p',
      rec('claim', 'takeover', 'b', '2026-01-01T12:00:00.000Z', {
        previous: { agent: 'a', host: 'a-box', at: '2026-01-01T11:00:00.000Z' },
      }),
    );
    expect(takeover).toMatchObject({ event: 'takeover', detail: 'from a@a-box', host: 'b-box', origin: 'remote' });
    expect(
      recordEvent(
        S,
        'p',
        rec('release', 'force', 'b', '2026-01-01T12:00:00.000Z', {
          previous: { agent: 'a', host: 'a-box', at: '2026-01-01T11:00:00.000Z' },
        }),
      ),
    ).toMatchObject({ event: 'abort', detail: 'released a@a-box (forced)' });
    expect(recordEvent(S, 'p', rec('done', 'complete', 'a', '2026-01-01T12:00:00.000Z')).event).toBe('complete');
  });

  it('keeps each change once, marks where it was seen, and sorts by time', () => {
    const local: AuditEntry[] = [
      { at: '2026-01-01T12:00:02.000Z', event: 'claim', sprint_id: S, phase: 'p', agent: 'a', host: 'a-box' },
      { at: '2026-01-01T12:00:05.000Z', event: 'bypass', sprint_id: S, phase: 'ship', agent: 'a', host: 'a-box', detail: 'pushed main' },
    ];
    const remote = [
      recordEvent(S, 'p', rec('claim', 'claim', 'a', '2026-01-01T12:00:02.000Z')),
      recordEvent(S, 'q', rec('claim', 'claim', 'b', '2026-01-01T12:00:01.000Z')),
      recordEvent(S, 'q', rec('release', 'unstuck', 'c', '2026-01-01T12:00:09.000Z')),
    ];
    const merged = mergeHistory(local, remote);
    expect(merged.map((e) => `${e.event} ${e.phase} ${e.agent} ${e.origin}`)).toEqual([
      'claim q b remote',
      'claim p a both',
      'bypass ship a here',
      'unstuck q c remote',
    ]);
  });
});
