/**
 * The ledger on one machine: budget thresholds (a warning from 80% in status and in every state-changing
 * command's output, a halt at 100% that refuses claims naming the budget, cleared by `budget set` or `override
 * budget`, thresholds from the project config) and the circuit breaker (N consecutive failures on one key halt
 * the sprint naming the key; `ok` resets that key only).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { repoPerTest } from './helpers/sprint.js';
import { auditEvents } from './helpers/state.js';

const t = repoPerTest();
const { ok, no } = t;
const writeConfig = (config: unknown) => writeFileSync(join(t.repo, '.git-conductor.json'), JSON.stringify(config));
const human = (...args: string[]) => conductor(args, { cwd: t.repo, agent: 'a' });

beforeEach(() => {
  ok('start');
});

describe('budget', () => {
  it('records a limit and spending, by phase, and says where it stands', () => {
    expect(ok('budget', 'status')).toMatchObject({ used: { tokens: 0, usd: 0 }, ratio: null, warn_at: 0.8, halt_at: 1, warnings: [] });
    expect(ok('budget', 'set', '--tokens', '1000', '--usd', '5')).toMatchObject({
      limit: { tokens: 1000, usd: 5 },
      ratio: 0,
      entry: { seq: 1, kind: 'limit' },
    });
    ok('budget', 'add', '--tokens', '100', '--usd', '0.25', '--phase', 'think');
    const s = ok('budget', 'add', '--tokens', '50', '--usd', '0.05', '--phase', 'think');
    expect(s).toMatchObject({ used: { tokens: 150, usd: 0.3 }, by_phase: { think: { tokens: 150, usd: 0.3 } }, ratio: 0.15, warnings: [] });
    expect(ok('status').budget).toEqual({ limit: { tokens: 1000, usd: 5 }, used: { tokens: 150, usd: 0.3 }, ratio: 0.15 });
    expect(
      auditEvents(t.repo)
        .filter((e) => e.event === 'budget')
        .map((e) => e.detail),
    ).toEqual(['budget set: limit set to 1000 tokens and $5 (0 used)']);
  });

  it('warns from 80% in status and in the output of every state-changing command', () => {
    ok('budget', 'set', '--tokens', '1000');
    const add = ok('budget', 'add', '--tokens', '800');
    expect(add.warnings).toEqual([{ code: 'W_BUDGET', message: 'budget 80% used (800 of 1000 tokens); halts at 100%' }]);
    expect(ok('status').warnings).toEqual(add.warnings);
    expect(ok('claim', 'think', '--agent', 'a').warnings).toEqual(add.warnings);
    const r = human('complete', 'think');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('git-conductor: warning: budget 80% used (800 of 1000 tokens); halts at 100%\n');
    expect(human('status').stdout).toContain('! budget 80% used');
    expect(
      auditEvents(t.repo)
        .filter((e) => e.event === 'budget')
        .map((e) => e.detail),
    ).toContain('budget add: budget past 80%');
  });

  it('halts at 100%: claims are refused naming the budget until the limit is raised', () => {
    ok('budget', 'set', '--tokens', '1000');
    ok('claim', 'think', '--agent', 'a');
    const add = ok('budget', 'add', '--tokens', '1000', '--phase', 'think');
    expect(add.halted).toEqual({ reason: 'budget exhausted: 100% used (1000 of 1000 tokens; halts at 100%)', since: add.entry.at });
    // The holder may still finish (and renew); new work is refused.
    ok('renew', 'think', '--agent', 'a');
    ok('complete', 'think', '--agent', 'a');
    const msg = no(4, 'E_HALTED', 'claim', 'plan', '--agent', 'b');
    expect(msg).toContain('halted by the budget');
    expect(msg).toContain('budget set --tokens N');
    expect(ok('next').phase).toBeNull();
    // An agent waking up is told the same: halted by the budget, and how to clear it (never "claim").
    expect(ok('resume', '--agent', 'b')).toMatchObject({
      action: 'halted',
      phase: null,
      command: 'git conductor budget set --tokens N',
      reason: expect.stringMatching(/^sprint halted by the budget: budget exhausted.*override budget --reason/),
    });
    expect(ok('prime', '--agent', 'b').next).toMatchObject({ action: 'halted' });
    const s = ok('status');
    expect(s.halted).toEqual({ gate: 'budget', reason: add.halted.reason, since: add.entry.at });
    expect(s.halts[0]).toMatchObject({
      gate: 'budget',
      overridable: true,
      clear: ['git conductor budget set --tokens N (a higher limit)', 'git conductor override budget --reason "..."'],
    });
    // Still halted after more spending: since stays the first entry of the halt.
    expect(ok('budget', 'add', '--tokens', '5').halted.since).toBe(add.entry.at);
    const raised = ok('budget', 'set', '--tokens', '2000');
    expect(raised.halted).toBeUndefined();
    expect(raised.warnings).toEqual([]);
    ok('claim', 'plan', '--agent', 'b');
    expect(
      auditEvents(t.repo)
        .filter((e) => e.event === 'budget')
        .map((e) => e.detail),
    ).toEqual([
      'budget set: limit set to 1000 tokens (0 used)',
      'budget add: budget exhausted: the sprint is halted',
      'budget set: limit set to 2000 tokens (1005 used)',
    ]);
  });

  it('override budget clears the halt, recorded, until the next budget set; forbidden by no_override', () => {
    ok('budget', 'set', '--tokens', '10');
    ok('budget', 'add', '--tokens', '10');
    writeConfig({ no_override: ['budget'] });
    expect(no(4, 'E_OVERRIDE_FORBIDDEN', 'override', 'budget', '--reason', 'go on')).toContain('budget set');
    // A refused claim names only what the project allows.
    const refused = no(4, 'E_HALTED', 'claim', 'think', '--agent', 'a');
    expect(refused).toContain('budget set --tokens N');
    expect(refused).not.toContain('override budget');
    expect(ok('status').halts[0]).toMatchObject({ gate: 'budget', overridable: false });
    writeConfig({});
    const o = ok('override', 'budget', '--reason', 'last push, approved', '--agent', 'boss');
    expect(o).toMatchObject({ gate: 'budget', cleared: expect.stringContaining('budget exhausted'), by: 'boss' });
    const b = ok('budget', 'status');
    expect(b).toMatchObject({
      override: { agent: 'boss', why: 'last push, approved' },
      warnings: [{ message: expect.stringContaining('overridden by boss') }],
    });
    expect(b.halted).toBeUndefined();
    ok('claim', 'think', '--agent', 'a');
    expect(no(3, 'E_NOT_HALTED', 'override', 'budget', '--reason', 'again')).toContain('overridden by boss@');
    expect(auditEvents(t.repo).filter((e) => e.event === 'override')).toEqual([
      expect.objectContaining({ agent: 'boss', detail: expect.stringContaining('last push, approved') }),
    ]);
    ok('complete', 'think', '--agent', 'a');
    // A new limit ends the override: at or over it, the sprint is halted again.
    ok('budget', 'set', '--tokens', '5');
    no(4, 'E_HALTED', 'claim', 'plan', '--agent', 'b');
  });

  it('takes its thresholds from the project config, and refuses bad amounts', () => {
    writeConfig({ budget: { warn_at: 0.5, halt_at: 0.9 } });
    ok('budget', 'set', '--tokens', '100');
    expect(ok('budget', 'add', '--tokens', '50').warnings).toEqual([
      { code: 'W_BUDGET', message: 'budget 50% used (50 of 100 tokens); halts at 90%' },
    ]);
    expect(ok('budget', 'add', '--tokens', '40').halted).toBeDefined();
    for (const bad of ['-1', '1.5', 'lots', '1e3'])
      expect(no(2, 'E_BAD_AMOUNT', 'budget', 'add', '--tokens', bad)).toContain('whole number');
    expect(no(2, 'E_BAD_AMOUNT', 'budget', 'set', '--tokens', '10', '--usd', 'x')).toContain('dollars');
    expect(no(2, 'E_UNKNOWN_PHASE', 'budget', 'add', '--tokens', '1', '--phase', 'nope')).toContain('unknown phase');
    writeConfig({ budget: { warn_at: 2, halt_at: 1 } });
    no(2, 'E_BAD_CONFIG', 'budget', 'status');
  });
});

describe('attempts: the circuit breaker', () => {
  it('three consecutive failures on one key halt the sprint naming it; ok resets that key only', () => {
    expect(ok('attempt', 'fail', '--key', 'test:login', '--note', 'timeout')).toMatchObject({
      key: 'test:login',
      count: 1,
      halted: false,
      threshold: 3,
    });
    ok('attempt', 'fail', '--key', 'build');
    const second = ok('attempt', 'fail', '--key', 'test:login');
    expect(second.warnings).toEqual([
      { code: 'W_ATTEMPTS', message: '2 consecutive failed attempts on "test:login": one more halts the sprint' },
    ]);
    const third = ok('attempt', 'fail', '--key', 'test:login', '--note', 'still red');
    expect(third).toMatchObject({ count: 3, halted: true });
    expect(ok('resume', '--agent', 'b')).toMatchObject({
      action: 'halted',
      command: 'git conductor attempt ok --key test:login',
      reason: expect.stringContaining('the circuit breaker on "test:login"'),
    });
    const msg = no(4, 'E_HALTED', 'claim', 'think', '--agent', 'a');
    expect(msg).toContain('circuit breaker on "test:login"');
    expect(msg).toContain('attempt ok --key test:login');
    const s = ok('status');
    expect(s.halts).toEqual([
      {
        gate: 'attempts',
        key: 'test:login',
        rule: 'circuit breaker: 3 consecutive failed attempts on "test:login" (last: still red)',
        since: expect.any(String),
        overridable: false,
        clear: ['git conductor attempt ok --key test:login (once it passes)'],
      },
    ]);
    expect(ok('attempt', 'status').failures).toEqual([
      { key: 'test:login', count: 3, since: expect.any(String), note: 'still red', halted: true },
      { key: 'build', count: 1, since: expect.any(String), halted: false },
    ]);
    // ok on another key changes nothing for this one.
    ok('attempt', 'ok', '--key', 'build');
    no(4, 'E_HALTED', 'claim', 'think', '--agent', 'a');
    expect(ok('attempt', 'ok', '--key', 'test:login')).toMatchObject({ count: 0, halted: false, failures: [] });
    ok('claim', 'think', '--agent', 'a');
    // Reset means consecutive: one failure after ok is one.
    expect(ok('attempt', 'fail', '--key', 'test:login').count).toBe(1);
    expect(
      auditEvents(t.repo)
        .filter((e) => e.event === 'attempt')
        .map((e) => e.detail),
    ).toEqual([
      'circuit breaker: 3 consecutive failed attempts on "test:login" halt the sprint',
      'attempt ok on "test:login": its halt is cleared',
    ]);
  });

  it('takes N from the project config, and refuses bad keys', () => {
    writeConfig({ circuit_breaker: { failures: 1 } });
    expect(ok('attempt', 'fail', '--key', 'k').halted).toBe(true);
    for (const bad of ['', '-x', 'a b', 'x'.repeat(129)]) no(2, 'E_USAGE', 'attempt', 'fail', '--key', bad);
    expect(human('attempt', 'status').stdout).toContain('■ k: 1 of 1 since');
  });
});

describe("an artifact's own budget and failed attempts", () => {
  it('warn by the same thresholds when near them', () => {
    ok('claim', 'think', '--agent', 'a');
    const think = JSON.parse(readFileSync(resolve(__dirname, '../templates/artifacts/think.json'), 'utf8'));
    writeFileSync(
      join(t.repo, 'think.json'),
      JSON.stringify({ ...think, budget: { limit: 1000, used: 900 }, consecutive_failures: 2, stuck_on: 'the flaky test' }),
    );
    const r = ok('complete', 'think', '--agent', 'a', '--artifact', 'think.json');
    expect(r.halt).toBeUndefined();
    expect(r.warnings).toEqual([
      { code: 'W_BUDGET', message: 'the artifact reports its budget 90% used (900 of 1000)' },
      { code: 'W_ATTEMPTS', message: 'the artifact reports 2 consecutive failed attempts on "the flaky test": one more halts the sprint' },
    ]);
  });
});
