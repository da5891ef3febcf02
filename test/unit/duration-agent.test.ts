import { describe, expect, it } from 'vitest';
import { holderSession, resolveAgent, SESSION_VARS } from '../../src/core/agent.js';
import { DEFAULT_TTL_MS, parseDuration } from '../../src/core/duration.js';
import { ConductorError } from '../../src/core/errors.js';
import { AGENT_ID_RE } from '../../src/core/schemas.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    [' 5m ', 300_000],
    ['366d', 366 * 86_400_000],
  ])('%j is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  // A bare number is refused: "2" must not silently mean two seconds.
  it.each(['', '0', '45', '2', '0s', '-5m', '1.5h', '1w', 'h', '10 m', '367d', '1h30m', 'soon', '99999999'])(
    'refuses %j with exit 2, naming the flag',
    (text) => {
      try {
        parseDuration(text, '--ttl');
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(ConductorError);
        expect((e as ConductorError).exitCode).toBe(2);
        expect((e as Error).message).toContain(`invalid --ttl ${JSON.stringify(text)}`);
      }
    },
  );

  it('defaults leases to one hour', () => expect(DEFAULT_TTL_MS).toBe(3_600_000));
});

describe('agent id rule', () => {
  const anchor = (key: string, stable = true) => ({ key, kind: 'harness' as const, stable, what: `process ${key}` });
  const facts = (env: NodeJS.ProcessEnv = {}, flag?: string, worktree = '/repo', session = 'sid:42') => ({
    flag,
    env,
    user: 'dev',
    worktree,
    anchor: anchor(session),
  });

  it('prefers --agent over everything', () => {
    expect(resolveAgent(facts({ CONDUCTOR_AGENT: 'c', NANOSTACK_AGENT: 'n', CLAUDE_SESSION_ID: 's' }, 'flagged'))).toEqual({
      id: 'flagged',
      source: '--agent',
      stable: true,
    });
  });

  it('then CONDUCTOR_AGENT, then NANOSTACK_AGENT', () => {
    expect(resolveAgent(facts({ CONDUCTOR_AGENT: 'c', NANOSTACK_AGENT: 'n', CLAUDE_SESSION_ID: 's' }))).toEqual({
      id: 'c',
      source: 'CONDUCTOR_AGENT',
      stable: true,
    });
    expect(resolveAgent(facts({ NANOSTACK_AGENT: 'n', CLAUDE_SESSION_ID: 's' }))).toEqual({
      id: 'n',
      source: 'NANOSTACK_AGENT',
      stable: true,
    });
  });

  it('ignores empty variables', () => {
    expect(resolveAgent(facts({ CONDUCTOR_AGENT: '', NANOSTACK_AGENT: 'n' })).id).toBe('n');
  });

  it('then a coding agent session id, prefixed with the tool', () => {
    expect(resolveAgent(facts({ CLAUDE_SESSION_ID: 'abc-123' }))).toEqual({
      id: 'claude-abc-123',
      source: 'CLAUDE_SESSION_ID',
      stable: true,
    });
    expect(resolveAgent(facts({ CODEX_SESSION_ID: 'x9' })).id).toBe('codex-x9');
    expect(resolveAgent(facts({ OPENCODE_SESSION_ID: 'o1' })).id).toBe('opencode-o1');
    expect(resolveAgent(facts({ CODEX_THREAD_ID: 't1', CODEX_SESSION_ID: 'x9' })).id).toBe('codex-t1');
    for (const [v, tool] of SESSION_VARS) expect(resolveAgent(facts({ [v]: 'id1' })).id).toBe(`${tool}-id1`);
  });

  it('then a default that is stable for the same worktree and session', () => {
    const a = resolveAgent(facts());
    expect(a.id).toMatch(/^dev-[0-9a-f]{8}$/);
    expect(a.source).toContain('default');
    expect(resolveAgent(facts()).id).toBe(a.id);
    expect(resolveAgent(facts({}, undefined, '/other-worktree')).id).not.toBe(a.id);
    expect(resolveAgent(facts({}, undefined, '/repo', 'sid:43')).id).not.toBe(a.id);
  });

  it('keeps odd user names safe in the default id', () => {
    expect(resolveAgent({ env: {}, user: 'a b/c;d', worktree: '/r', anchor: anchor('s') }).id).toMatch(/^abcd-[0-9a-f]{8}$/);
    expect(resolveAgent({ env: {}, user: '', worktree: '/r', anchor: anchor('s') }).id).toMatch(/^user-[0-9a-f]{8}$/);
  });

  it('marks a default it cannot tie to a long-lived process as not stable, with how to bind one', () => {
    const a = resolveAgent({ env: {}, user: 'dev', worktree: '/r', anchor: anchor('orphan', false) });
    expect(a.stable).toBe(false);
    expect(a.bind).toContain('CONDUCTOR_AGENT');
    expect(resolveAgent(facts()).bind).toBeUndefined();
  });

  it('tells holder sessions apart by binding, harness variable, or anchor, and per host', () => {
    const anc = () => anchor('p1');
    const base = holderSession({}, 'h1', anc);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(holderSession({}, 'h2', anc)).not.toBe(base);
    expect(holderSession({}, 'h1', () => anchor('p2'))).not.toBe(base);
    expect(holderSession({}, 'h1', () => anchor('p1', false))).toBeUndefined();
    const bound = holderSession({ CONDUCTOR_SESSION: 'claude:s1' }, 'h1', () => anchor('p9'));
    expect(bound).toBe(holderSession({ CONDUCTOR_SESSION: 'claude:s1' }, 'h1', anc));
    expect(holderSession({ CODEX_THREAD_ID: 't' }, 'h1', anc)).not.toBe(base);
  });

  it.each([
    ['--agent', 'a b', undefined],
    ['--agent', '-x', undefined],
    ['--agent', '', undefined],
    ['CONDUCTOR_AGENT', undefined, '../../etc'],
  ])('refuses a bad id from %s with exit 2', (source, flag, env) => {
    try {
      resolveAgent(facts(env ? { CONDUCTOR_AGENT: env } : {}, flag));
      throw new Error('accepted');
    } catch (e) {
      expect((e as ConductorError).exitCode).toBe(2);
      expect((e as Error).message).toContain(`from ${source}`);
    }
  });
});

describe('the default agent id', () => {
  it('is valid for user names that start with punctuation', () => {
    for (const user of ['_svc', '.hidden', '--', 'ü']) {
      const { id } = resolveAgent({ env: {}, user, worktree: '/w', anchor: { key: 's', kind: 'harness', stable: true, what: 'p' } });
      expect(id).toMatch(AGENT_ID_RE);
    }
  });
});
