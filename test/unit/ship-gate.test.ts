/** The ship gate's pure rules: ref patterns, what blocks shipping, and what was missing at a past moment. */
import { describe, expect, it } from 'vitest';
import { isConductorRef, matchesRef, missingAt, normalizePatterns, shipBlockers } from '../../src/core/ship-gate.js';
import { DEFAULT_PHASES } from '../../src/core/graph.js';
import type { PhaseRecord, SprintFile } from '../../src/core/schemas.js';
import { parsePushLines, pushLinesFromEnv } from '../../src/hooks/push-facts.js';

const sprint: SprintFile = {
  v: 1,
  id: '20260101-000000-abcdef',
  started_by: 'a',
  host: 'h',
  started_at: '2026-01-01T00:00:00.000Z',
  status: 'active',
  source: 'default',
  phases: DEFAULT_PHASES.map((p) => ({ ...p, depends_on: [...p.depends_on] })),
};
const done = (at: string, halt?: string): PhaseRecord => ({
  v: 1,
  seq: 2,
  id: '0123456789abcdef',
  kind: 'done',
  agent: 'a',
  host: 'h',
  at,
  halt,
});
const claim = (agent: string): PhaseRecord => ({
  v: 1,
  seq: 1,
  id: '0123456789abcdef',
  kind: 'claim',
  agent,
  host: 'h',
  at: '2026-01-01T01:00:00.000Z',
  expires_at: '2099-01-01T00:00:00.000Z',
});

describe('ship gate rules', () => {
  it('normalizes protected_refs: short names mean the branch and the tag; bad patterns are refused', () => {
    expect(normalizePatterns(['main', 'refs/tags/v*'], 'cfg')).toEqual(['refs/heads/main', 'refs/tags/main', 'refs/tags/v*']);
    for (const bad of ['../x', '/abs', 'a b', 'x/', '']) expect(() => normalizePatterns([bad], 'cfg')).toThrow(/protected_refs entry/);
  });

  it('matches globs across slashes and nothing else', () => {
    expect(matchesRef('refs/heads/release/*', 'refs/heads/release/1.2/hotfix')).toBe(true);
    expect(matchesRef('refs/tags/v*', 'refs/tags/nightly')).toBe(false);
    expect(matchesRef('refs/heads/main', 'refs/heads/main2')).toBe(false);
    expect(matchesRef('refs/heads/a.b', 'refs/heads/aXb')).toBe(false);
    expect(isConductorRef('refs/conductor/sprints/x') && isConductorRef('refs/heads/c/x', ['refs/heads/c/'])).toBe(true);
  });

  it('lists the missing prerequisites with their holders, and a halt', () => {
    const tops = new Map([
      ['build', done('2026-01-01T00:30:00.000Z')],
      ['review', claim('rita')],
      ['qa', done('2026-01-01T02:00:00.000Z')],
    ]) as Map<string, PhaseRecord | undefined>;
    const b = shipBlockers(sprint, tops, Date.parse('2026-01-01T03:00:00.000Z'))!;
    expect(b.missing.map((m) => [m.name, m.state, m.agent])).toEqual([
      ['review', 'running', 'rita'],
      ['security', 'ready', undefined],
    ]);
    const all = new Map([
      ['review', done('2026-01-01T02:00:00.000Z')],
      ['qa', done('2026-01-01T02:00:00.000Z')],
      ['security', done('2026-01-01T02:30:00.000Z', 'security found 1 critical')],
    ]) as Map<string, PhaseRecord | undefined>;
    expect(shipBlockers(sprint, all, Date.now())?.halt?.phase).toBe('security');
    expect(shipBlockers({ ...sprint, status: 'archived' }, tops, Date.now())).toBeUndefined();
    expect(shipBlockers({ ...sprint, phases: sprint.phases.filter((p) => p.name !== 'ship') }, tops, Date.now())).toBeUndefined();
  });

  it('judges what was missing at a past moment', () => {
    const tops = new Map([
      ['review', done('2026-01-01T02:00:00.000Z')],
      ['qa', done('2026-01-01T02:00:00.000Z')],
      ['security', done('2026-01-01T03:00:00.000Z')],
    ]) as Map<string, PhaseRecord | undefined>;
    expect(missingAt(sprint, tops, Date.parse('2026-01-01T02:30:00.000Z'))).toEqual(['security not done']);
    expect(missingAt(sprint, tops, Date.parse('2026-01-01T03:30:00.000Z'))).toBeUndefined();
    expect(missingAt(sprint, tops, Date.parse('2025-12-31T00:00:00.000Z'))).toBeUndefined();
  });

  it('parses pre-push input strictly, and the pre-commit framework variables', () => {
    const z = '0'.repeat(40);
    const a = 'a'.repeat(40);
    expect(parsePushLines(`refs/heads/x ${a} refs/heads/main ${z}\n(delete) ${z} refs/heads/old ${a}\n`).map((u) => u.deletion)).toEqual([
      false,
      true,
    ]);
    expect(() => parsePushLines('garbage line')).toThrow(/unexpected pre-push input/);
    expect(pushLinesFromEnv({ PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/main', PRE_COMMIT_TO_REF: a, PRE_COMMIT_FROM_REF: z })).toBe(
      `HEAD ${a} refs/heads/main ${z}\n`,
    );
  });
});
