/** The artifact contract: every phase's schema, what its messages say, the grade. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { artifactProblems, gradeFor, haltReason } from '../../src/core/artifacts.js';
import { CONTRACT_PHASES } from '../../src/core/contract/index.js';
import { gradeOf } from '../../src/core/contract/grade.js';
import { artifact, templatePath } from '../helpers/artifacts.js';

const messages = (phase: string, v: unknown) => artifactProblems(phase, v).map((p) => p.message);
const checkpoint = { summary: 'where things stand', key_files: ['src/a.ts:1'], decisions_made: ['x'], open_questions: [] };

/** Artifacts in the shapes of the original tool's reference, field for field. */
const canonical: Record<string, Record<string, unknown>> = {
  think: {
    phase: 'think',
    schema_version: '1',
    mode: 'thorough',
    summary: {
      value_proposition: 'v',
      scope_mode: 'selective_expand',
      target_user: 'u',
      narrowest_wedge: 'w',
      key_risk: 'r',
      premise_validated: false,
      out_of_scope: ['o'],
      manual_delivery_test: { possible: false, steps: [] },
      search_summary: { mode: 'public', result: 'found one', existing_solution: 'covers_80_percent' },
    },
    alternatives_considered: [{ approach: 'a', tradeoff: 't', chosen: true }],
    design_summary: 'free text',
    archetype: 'saas',
    context_checkpoint: checkpoint,
  },
  plan: {
    phase: 'plan',
    summary: { goal: 'g', scope: 'large', step_count: 7, planned_files: ['a.ts'], plan_approval: 'manual', risks: [], out_of_scope: [] },
    context_checkpoint: checkpoint,
    conflicts: [{ finding_id: 'R1', conflicts_with: 'S2', tension: 'tradeoff', resolution: 'r', precedence: 'security' }],
  },
  review: {
    phase: 'review',
    summary: { blocking: 0, should_fix: 1, nitpicks: 1, positive: 1 },
    scope_drift: { status: 'drift_detected', planned_files: ['a'], actual_files: ['a', 'b'], out_of_scope_files: ['b'], missing_files: [] },
    findings: [
      { id: 'R1', severity: 'should_fix', description: 'd', file: 'a.ts', line: 3 },
      { id: 'R2', severity: 'nitpick', description: 'd', file: 'a.ts', line: 9 },
      { id: 'R3', severity: 'positive', description: 'd', file: 'b.ts', line: 1 },
    ],
    context_checkpoint: checkpoint,
  },
  qa: {
    phase: 'qa',
    summary: {
      mode: 'api',
      status: 'partial',
      tests_run: 10,
      tests_passed: 9,
      tests_failed: 1,
      bugs_found: 1,
      bugs_fixed: 0,
      wtf_likelihood: 'low',
    },
    findings: [{ id: 'Q1', severity: 'high', description: 'd', reproduce: 'r', root_cause: 'c', fixed: false }],
    context_checkpoint: checkpoint,
  },
  security: {
    phase: 'security',
    summary: { critical: 0, high: 0, medium: 1, low: 1, total_findings: 2 },
    findings: [
      {
        id: 'S1',
        severity: 'medium',
        category: 'A01',
        description: 'd',
        file: 'a.ts',
        line: 2,
        proof_of_concept: 'p',
        fix: 'f',
        confidence: 'high',
      },
      {
        id: 'S2',
        severity: 'low',
        category: 'Tampering',
        description: 'd',
        file: 'a.ts',
        line: 5,
        proof_of_concept: 'p',
        fix: 'f',
        confidence: 0.6,
      },
    ],
    context_checkpoint: checkpoint,
  },
  ship: {
    phase: 'ship',
    summary: { pr_number: 12, pr_url: 'https://example.com/pr/12', title: 't', status: 'open', ci_passed: false },
    context_checkpoint: checkpoint,
  },
};

describe('the artifact contract', () => {
  it.each(CONTRACT_PHASES.map((p) => [p]))('templates/artifacts/%s.json validates and halts nothing', (phase) => {
    const v = JSON.parse(readFileSync(templatePath(phase), 'utf8'));
    expect(messages(phase, v)).toEqual([]);
    expect(haltReason(phase, v)).toBeUndefined();
  });

  it('has a template for every phase of the default graph, and no other', () => {
    expect(readdirSync(templatePath('x').replace(/x\.json$/, '')).sort()).toEqual(CONTRACT_PHASES.map((p) => `${p}.json`).sort());
  });

  it.each(Object.keys(canonical).map((p) => [p]))('accepts the canonical %s artifact of the original tool', (phase) => {
    expect(messages(phase, canonical[phase])).toEqual([]);
  });

  it('accepts the report-only ship form without a checkpoint', () => {
    expect(messages('ship', { phase: 'ship', run_mode: 'report_only', summary: 'nothing shipped: report only' })).toEqual([]);
    expect(messages('ship', { phase: 'ship', run_mode: 'report_only' })).toEqual(['summary: missing; expected text, or an object']);
  });

  it('refuses an empty object for every phase, naming each missing field', () => {
    expect(messages('think', {})).toEqual([
      'phase: missing; allowed: think',
      'context_checkpoint: missing; expected an object',
      'summary: missing; expected an object',
    ]);
    expect(messages('plan', {})).toContain('summary: missing; expected an object');
    expect(messages('review', {})).toEqual(
      expect.arrayContaining(['scope_drift: missing; expected an object', 'findings: missing; expected an array']),
    );
    expect(messages('qa', {})).toContain('findings: missing; expected an array');
    expect(messages('security', {})).toContain('findings: missing; expected an array');
    expect(messages('ship', {})).toContain('context_checkpoint: missing; expected an object');
    expect(messages('build', {})).toContain('summary: missing; expected text, or an object');
    expect(messages('deploy', {})).toEqual(['phase: missing; allowed: deploy', 'summary: missing; expected text, or an object']);
  });

  it('wants phase equal to the phase it completes', () => {
    expect(messages('plan', { ...artifact('plan'), phase: 'think' })).toEqual(['phase: "think" is not allowed; allowed: plan']);
    expect(messages('deploy', { phase: 'deploy', summary: 'out' })).toEqual([]);
  });

  it('wants a full checkpoint with a non-empty summary', () => {
    expect(messages('think', { ...artifact('think'), context_checkpoint: {} })).toEqual([
      'context_checkpoint.summary: missing; expected text',
      'context_checkpoint.key_files: missing; expected an array',
      'context_checkpoint.decisions_made: missing; expected an array',
      'context_checkpoint.open_questions: missing; expected an array',
    ]);
    expect(messages('think', { ...artifact('think'), context_checkpoint: { ...checkpoint, summary: '' } })).toEqual([
      'context_checkpoint.summary: expected non-empty text, found ""',
    ]);
    expect(messages('think', { ...artifact('think'), context_checkpoint: { ...checkpoint, key_files: [3] } })).toEqual([
      'context_checkpoint.key_files[0]: expected text, found 3',
    ]);
  });

  it('lists every problem with its path, what is allowed and what was found', () => {
    const bad = artifactProblems('review', {
      ...artifact('review'),
      schema_version: '2',
      summary: { blocking: 'one', should_fix: 0, nitpicks: 0, positive: 0 },
      findings: [
        { severity: 'severe', description: 'x' },
        { severity: 'nitpick', description: '', line: -2 },
      ],
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        { path: 'schema_version', allowed: '1', found: '"2"', message: 'schema_version: "2" is not allowed; allowed: 1' },
        { path: 'summary.blocking', allowed: 'a number', found: '"one"', message: 'summary.blocking: expected a number, found "one"' },
        {
          path: 'findings[0].severity',
          allowed: 'blocking, should_fix, nitpick, positive',
          found: '"severe"',
          message: 'findings[0].severity: "severe" is not allowed; allowed: blocking, should_fix, nitpick, positive',
        },
        {
          path: 'findings[1].description',
          allowed: 'non-empty text',
          found: '""',
          message: 'findings[1].description: expected non-empty text, found ""',
        },
        { path: 'findings[1].line', allowed: 'a number ≥ 0', found: '-2', message: 'findings[1].line: expected a number ≥ 0, found -2' },
      ]),
    );
    expect(bad).toHaveLength(5);
  });

  it('checks each phase field by field', () => {
    expect(messages('think', artifact('think', { summary: { scope_mode: 'grow' } }))).toEqual([
      'summary.scope_mode: "grow" is not allowed; allowed: expand, selective_expand, hold, reduce',
    ]);
    expect(messages('think', artifact('think', { summary: { key_risk: '' } }))).toEqual([
      'summary.key_risk: expected non-empty text, found ""',
    ]);
    expect(messages('think', artifact('think', { summary: { premise_validated: 'yes' } }))).toEqual([
      'summary.premise_validated: expected true or false, found "yes"',
    ]);
    expect(messages('plan', artifact('plan', { summary: { plan_approval: 'maybe' } }))).toEqual([
      'summary.plan_approval: "maybe" is not allowed; allowed: manual, auto, not_required',
    ]);
    expect(messages('plan', artifact('plan', { summary: { planned_files: undefined } }))).toEqual([
      'summary.planned_files: missing; expected an array',
    ]);
    expect(messages('review', artifact('review', { scope_drift: { status: 'dirty' } }))).toEqual([
      'scope_drift.status: "dirty" is not allowed; allowed: clean, drift_detected, requirements_missing',
    ]);
    expect(messages('qa', artifact('qa', { summary: { status: 'ok' } }))).toEqual([
      'summary.status: "ok" is not allowed; allowed: pass, fail, partial',
    ]);
    expect(messages('qa', artifact('qa', { summary: { wtf_likelihood: 'very' } }))).toEqual([
      'summary.wtf_likelihood: expected a number, or low, medium, high, found "very"',
    ]);
    expect(messages('qa', artifact('qa', { summary: { wtf_likelihood: 150 } }))).toEqual([
      'summary.wtf_likelihood: expected a number ≤ 100, found 150',
    ]);
    expect(messages('security', artifact('security', { summary: { critical: 1.5 } }))).toEqual([
      'summary.critical: expected a whole number, found 1.5',
    ]);
    expect(messages('ship', artifact('ship', { summary: { status: 'shipped' } }))).toEqual([
      'summary.status: "shipped" is not allowed; allowed: created, open, merged, reverted',
    ]);
    expect(messages('ship', artifact('ship', { summary: { ci_passed: undefined } }))).toEqual([
      'summary.ci_passed: missing; expected true or false',
    ]);
    expect(messages('build', artifact('build', { mode: 'fast' }))).toEqual([
      'mode: "fast" is not allowed; allowed: quick, standard, thorough',
    ]);
    expect(messages('plan', artifact('plan', { conflicts: [{ tension: 'war' }] }))).toEqual([
      'conflicts[0].tension: "war" is not allowed; allowed: complementary, tradeoff, scope, temporal',
    ]);
  });

  it('quotes odd keys and strips control characters from what it shows', () => {
    const m = messages('review', { ...artifact('review'), findings: [{ severity: 'bad\u001b[31m\n', description: 'x' }] });
    expect(m[0]).toMatch(/^findings\[0\]\.severity: "bad\\u001b\[31m\\n" is not allowed/);
    expect(messages('deploy', { phase: 'deploy', summary: 'x', budget: { 'a b': 1 } })).toEqual([
      'budget.limit: missing; expected a number',
      'budget.used: missing; expected a number',
    ]);
  });
});

describe('the security grade', () => {
  it.each([
    [{ critical: 1, high: 5, medium: 5, low: 5 }, 'F'],
    [{ critical: 0, high: 1, medium: 0, low: 0 }, 'D'],
    [{ critical: 0, high: 0, medium: 3, low: 0 }, 'C'],
    [{ critical: 0, high: 0, medium: 2, low: 0 }, 'B'],
    [{ critical: 0, high: 0, medium: 0, low: 4 }, 'B'],
    [{ critical: 0, high: 0, medium: 0, low: 3 }, 'A'],
    [{ critical: 0, high: 0, medium: 0, low: 0 }, 'A'],
  ])('%j is %s', (counts, grade) => {
    expect(gradeOf(counts)).toBe(grade);
  });

  it('grades what is still open: fixed findings do not count, unlisted counts do', () => {
    const sec = (summary: Record<string, number>, findings: unknown[]) =>
      artifact('security', { summary: { critical: 0, high: 0, medium: 0, low: 0, ...summary }, findings });
    expect(gradeFor('security', sec({ high: 1 }, [{ severity: 'high', description: 'x', status: 'fixed' }]))).toBe('A');
    expect(gradeFor('security', sec({ high: 1 }, []))).toBe('D');
    expect(gradeFor('security', sec({}, [{ severity: 'critical', description: 'x' }]))).toBe('F');
    expect(gradeFor('review', artifact('review'))).toBeUndefined();
  });
});

describe('bounded refusals', () => {
  it('names the first 20 problems and counts the rest, for a crafted artifact with thousands', async () => {
    const { validateArtifact } = await import('../../src/core/artifacts.js');
    const findings = Array.from({ length: 5000 }, () => ({ severity: 'severe', description: 'x' }));
    let err: { message: string; data: { problems: unknown[]; problems_total?: number } } | undefined;
    try {
      validateArtifact('review', 'a.json', { ...artifact('review'), findings });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err!.message).toContain('findings[19].severity');
    expect(err!.message).not.toContain('findings[20].severity');
    expect(err!.message).toContain('; and 4980 more (see');
    expect(err!.data.problems).toHaveLength(200);
    expect(err!.data.problems_total).toBe(5000);
  });

  it('checks a report-only ship checkpoint when there is one', () => {
    expect(messages('ship', { phase: 'ship', run_mode: 'report_only', summary: 'x', context_checkpoint: {} })).toContain(
      'context_checkpoint.summary: missing; expected text',
    );
  });
});
