/**
 * Halts on one machine, both ways: a halting artifact halts the sprint (status says which phase, which rule,
 * since when, whose artifact and how to clear it); reopen + fix clears it; override clears it and is recorded;
 * the project config can forbid overriding a gate; reopen's dependants rule and --cascade.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { exampleFile } from './helpers/artifacts.js';
import { conductor } from './helpers/cli.js';
import { gitRun } from './helpers/git.js';
import { hookEnv, sprintRepo } from './helpers/hooks.js';
import { repoPerTest } from './helpers/sprint.js';
import { auditEvents, phaseDir } from './helpers/state.js';

const t = repoPerTest();
const { ok, no, finish } = t;

const checkpoint = { summary: 'where things stand', key_files: [], decisions_made: [], open_questions: [] };
const zero = { critical: 0, high: 0, medium: 0, low: 0 };
/** An artifact of `phase` that halts the sprint, and one that does not (the fix): the fields the artifact rules read. */
const halting: Record<string, unknown> = {
  security: {
    phase: 'security',
    summary: { ...zero, critical: 1 },
    context_checkpoint: checkpoint,
    findings: [{ severity: 'critical', description: 'sql injection', title: 'sql injection' }],
  },
  review: {
    phase: 'review',
    summary: { blocking: 1, should_fix: 0, nitpicks: 0, positive: 0 },
    scope_drift: { status: 'clean' },
    context_checkpoint: checkpoint,
    findings: [{ severity: 'blocking', description: 'needs a decision' }],
  },
  qa: {
    phase: 'qa',
    summary: { status: 'fail', tests_run: 10, tests_failed: 5 },
    tests: { total: 10, failed: 5 },
    context_checkpoint: checkpoint,
    findings: [],
  },
};
const clean = (phase: string) =>
  ({
    security: { phase, summary: zero, context_checkpoint: checkpoint, findings: [] },
    review: {
      phase,
      summary: { blocking: 0, should_fix: 0, nitpicks: 0, positive: 0 },
      scope_drift: { status: 'clean' },
      context_checkpoint: checkpoint,
      findings: [],
    },
    qa: {
      phase,
      summary: { status: 'pass', tests_run: 10, tests_failed: 0 },
      tests: { total: 10, failed: 0 },
      context_checkpoint: checkpoint,
      findings: [],
    },
  })[phase];

const writeConfig = (config: unknown) => writeFileSync(join(t.repo, '.git-conductor.json'), JSON.stringify(config));

const startToBuild = () =>
  beforeEach(() => {
    ok('start');
    for (const p of ['think', 'plan', 'build']) finish(p);
  });

describe.each(['security', 'review', 'qa'])('a %s halt', (phase) => {
  startToBuild();
  const other = ['review', 'security', 'qa'].find((p) => p !== phase)!;

  it('halts; status says which phase and rule, since when, whose artifact and how to clear it', () => {
    const done = finish(phase, 'finder', halting[phase]);
    expect(done.halt).toEqual(expect.any(String));
    const s = ok('status');
    expect(s.halts).toEqual([
      {
        gate: 'phase',
        phase,
        rule: done.halt,
        since: done.completed_at,
        agent: 'finder',
        host: expect.any(String),
        artifact: { source: `${phase}.json`, sha256: done.artifact.sha256 },
        overridable: true,
        clear: [expect.stringContaining(`git conductor reopen ${phase} --reason`), `git conductor override ${phase} --reason "..."`],
      },
    ]);
    const human = conductor(['status'], { cwd: t.repo });
    expect(human.stdout).toContain(`■ halted by ${phase}: ${done.halt}`);
    expect(human.stdout).toContain(`completed by finder@`);
    expect(human.stdout).toContain(`clear it: git conductor reopen ${phase}`);
    expect(no(4, 'E_HALTED', 'claim', other, '--agent', 'y')).toContain(`git conductor override ${phase} --reason`);
  });

  it('is cleared by reopen, claim, fix and complete with a clean artifact; nothing is deleted', () => {
    const done = finish(phase, 'finder', halting[phase]);
    const r = ok('reopen', phase, '--reason', 'fix the finding', '--agent', 'lead');
    expect(r).toMatchObject({
      phase,
      reason: 'fix the finding',
      by: 'lead',
      reopened: [{ phase, seq: 3, previous: { agent: 'finder' } }],
      warnings: [],
    });
    const s = ok('status');
    expect(s.halts).toEqual([]);
    expect(s.phases[phase]).toMatchObject({ state: 'ready', reopened: { agent: 'lead', why: 'fix the finding' } });
    // The done entry and its artifact stay in the log, under the reopen entry.
    expect(readdirSync(join(phaseDir(t.repo, s.sprint_id, phase), '000002')).sort()).toEqual(['artifact.json', 'record.json']);
    no(3, 'E_NOT_CLAIMED', 'complete', phase, '--agent', 'finder');
    // Not halted any more, and the phase is to be done again: claim, fix, complete.
    const fixed = finish(phase, 'fixer', clean(phase));
    expect(fixed.halt).toBeUndefined();
    expect(ok('status').halted).toBeUndefined();
    ok('claim', other, '--agent', 'y');
    expect(done.artifact.sha256).not.toBe(fixed.artifact.sha256);
    expect(auditEvents(t.repo).filter((e) => e.event === 'reopen')).toEqual([
      expect.objectContaining({ phase, agent: 'lead', detail: expect.stringContaining('fix the finding') }),
    ]);
  });

  it('is cleared by override, which records who, when and why and keeps the phase done with its artifact', () => {
    const done = finish(phase, 'finder', halting[phase]);
    const o = ok('override', phase, '--reason', 'accepted risk: ticket 42', '--agent', 'boss');
    expect(o).toMatchObject({ gate: 'phase', phase, cleared: done.halt, by: 'boss', reason: 'accepted risk: ticket 42' });
    const s = ok('status');
    expect(s.halts).toEqual([]);
    expect(s.overridden).toEqual([
      { phase, halt: done.halt, agent: 'boss', host: expect.any(String), at: o.at, why: 'accepted risk: ticket 42' },
    ]);
    expect(s.phases[phase]).toMatchObject({ state: 'done', agent: 'finder', override: { agent: 'boss', halt: done.halt } });
    expect(ok('artifact', 'show', phase)).toMatchObject({ sha256: done.artifact.sha256, content: halting[phase] });
    expect(conductor(['status'], { cwd: t.repo }).stdout).toContain(`□ ${phase}: halt overridden by boss@`);
    // Done for every reader: the context hands its checkpoint on, naming who completed it, not who overrode it.
    const digest = ok('context');
    expect(digest.included).toContainEqual(
      expect.objectContaining({ phase, agent: 'finder', done_at: done.completed_at, sha256: done.artifact.sha256, checkpoint: true }),
    );
    expect(digest.waiting).not.toContain(phase);
    ok('claim', other, '--agent', 'y');
    expect(auditEvents(t.repo).filter((e) => e.event === 'override')).toEqual([
      expect.objectContaining({ phase, agent: 'boss', detail: `overrode halt "${done.halt}": accepted risk: ticket 42` }),
    ]);
    // Nothing to override any more; and reopening an overridden phase is still possible.
    expect(no(3, 'E_NOT_HALTED', 'override', phase, '--reason', 'again')).toContain('overridden by boss@');
    ok('reopen', phase, '--reason', 'second thoughts');
    expect(ok('status').phases[phase].state).toBe('ready');
  });

  it('cannot be overridden where the project config forbids it', () => {
    writeConfig({ no_override: [phase] });
    const done = finish(phase, 'finder', halting[phase]);
    // Nothing suggests the override the project forbids: not complete, not a refused claim, not resume.
    expect(done.clear).toEqual([expect.stringContaining(`git conductor reopen ${phase}`)]);
    const refused = no(4, 'E_HALTED', 'claim', other, '--agent', 'y');
    expect(refused).toContain('the project forbids overriding it');
    expect(refused).not.toContain('git conductor override');
    expect(ok('resume', '--agent', 'y').reason).not.toContain('git conductor override');
    expect(ok('status').halts[0]).toMatchObject({ overridable: false, clear: [expect.stringContaining('reopen')] });
    expect(no(4, 'E_OVERRIDE_FORBIDDEN', 'override', phase, '--reason', 'ship it')).toContain('no_override');
    ok('reopen', phase, '--reason', 'fix it then');
    finish(phase, 'fixer', clean(phase));
    expect(ok('status').halts).toEqual([]);
  });
});

describe('reopen', () => {
  startToBuild();
  it('is refused while a phase depending on it is done, unless --cascade, which reopens those first', () => {
    for (const p of ['review', 'security', 'qa']) finish(p);
    expect(no(4, 'E_DEPENDANT_DONE', 'reopen', 'plan', '--reason', 'redo')).toContain('build, review, security, qa depend on it');
    const r = ok('reopen', 'plan', '--cascade', '--reason', 'the plan was wrong');
    expect(r.reopened.map((x: { phase: string }) => x.phase)).toEqual(['qa', 'security', 'review', 'build', 'plan']);
    expect(r.reopened.slice(0, 4).every((x: { cascade_from?: string }) => x.cascade_from === 'plan')).toBe(true);
    const s = ok('status');
    expect(['plan', 'build', 'review', 'security', 'qa'].map((p) => s.phases[p].state)).toEqual([
      'ready',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(s.phases.think.state).toBe('done');
    expect(
      auditEvents(t.repo)
        .filter((e) => e.event === 'reopen')
        .map((e) => e.phase),
    ).toEqual(['qa', 'security', 'review', 'build', 'plan']);
  });

  it('is refused while a dependant is held, for a phase that is not done, and without a reason', () => {
    ok('claim', 'review', '--agent', 'rita');
    expect(no(3, 'E_HELD', 'reopen', 'build', '--cascade', '--reason', 'x')).toContain('"review" (held by rita@');
    expect(no(3, 'E_NOT_DONE', 'reopen', 'review', '--reason', 'x')).toContain('held by rita@');
    expect(no(3, 'E_NOT_DONE', 'reopen', 'security', '--reason', 'x')).toContain('nobody completed it');
    expect(no(2, 'E_USAGE', 'reopen', 'build', '--reason', '   ')).toContain('--reason');
    expect(no(2, 'E_UNKNOWN_PHASE', 'reopen', 'nope', '--reason', 'x')).toContain('unknown phase');
    expect(no(3, 'E_NOT_HALTED', 'override', 'build', '--reason', 'x')).toContain('not halted');
    expect(no(2, 'E_UNKNOWN_PHASE', 'override', 'nope', '--reason', 'x')).toContain('or "budget"');
  });
});

describe('the ship gate and overridden halts', () => {
  it('refuses while halted; names an overridden halt in its refusal, and says so when it lets a push through past one', async () => {
    const { repo } = await sprintRepo();
    const as = (agent: string, ...args: string[]) => conductor([...args, '--json'], { cwd: repo, agent });
    const push = () => gitRun(repo, ['push', 'origin', 'main'], { env: hookEnv({ CONDUCTOR_AGENT: 'shipper' }) });
    writeFileSync(join(repo, 'security.json'), JSON.stringify(halting.security));
    for (const [phase, file] of [
      ['review', exampleFile(repo, 'review')],
      ['security', 'security.json'],
    ] as const) {
      expect(as('x', 'claim', phase).code).toBe(0);
      expect(as('x', 'complete', phase, ...(file ? ['--artifact', file] : [])).code).toBe(0);
    }
    const halted = push();
    expect(halted.code).not.toBe(0);
    expect(halted.stderr).toContain('halted by security');
    expect(as('boss', 'override', 'security', '--reason', 'accepted for the demo').code).toBe(0);
    const missingQa = push();
    expect(missingQa.code).not.toBe(0);
    expect(missingQa.stderr).toMatch(
      /overridden: security: halt "security found [^"]+" overridden by boss@\S+ at \S+ \(accepted for the demo\)/,
    );
    expect(as('x', 'claim', 'qa').code).toBe(0);
    expect(as('x', 'complete', 'qa', '--artifact', exampleFile(repo, 'qa')).code).toBe(0);
    const shipped = push();
    expect(shipped.code, shipped.stderr).toBe(0);
    expect(shipped.stderr).toContain('shipping past an overridden halt: security');
  });
});
