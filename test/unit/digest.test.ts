/** The context digest: order (newest, nearest), the budget and what it cuts, defensive checkpoints, Markdown escaping. */
import { describe, expect, it } from 'vitest';
import { checkpointOf, plainText } from '../../src/core/checkpoint.js';
import { digestOrder, renderDigest, type DonePhase } from '../../src/core/digest.js';
import { md } from '../../src/core/markdown.js';
import { sprintOf } from './fixtures.js';

const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 10, m)).toISOString();

describe('digestOrder', () => {
  const sprint = sprintOf();
  const doneAt = new Map([
    ['think', at(1)],
    ['plan', at(2)],
    ['build', at(3)],
    ['security', at(5)],
    ['review', at(4)],
  ]);

  it('without a phase: every done phase, newest first', () => {
    expect(digestOrder(sprint, doneAt).order).toEqual(['security', 'review', 'build', 'plan', 'think']);
  });

  it('with a phase: only its transitive dependencies, nearest first, and those not done yet', () => {
    expect(digestOrder(sprint, doneAt, 'review')).toEqual({ order: ['build', 'plan', 'think'], waiting: [] });
    expect(digestOrder(sprint, doneAt, 'ship')).toEqual({ order: ['security', 'review', 'build', 'plan', 'think'], waiting: ['qa'] });
    expect(digestOrder(sprint, doneAt, 'think')).toEqual({ order: [], waiting: [] });
  });
});

const phase = (name: string, m: number, summary: string): DonePhase => ({
  phase: name,
  agent: 'a',
  host: 'h',
  at: at(m),
  checkpoint: { summary, key_files: ['src/x.ts:1'], decisions: ['d1'], open_questions: [], present: true },
});

describe('renderDigest: the whole text fits the budget', () => {
  const sections = [phase('c', 3, 'x'.repeat(300)), phase('b', 2, 'y'.repeat(300)), phase('a', 1, 'z'.repeat(300))];

  it('everything, when it fits', () => {
    const r = renderDigest({ title: 'T', sections, budget: 5000, seeMore: 'see more' });
    expect(r.included).toEqual(['c', 'b', 'a']);
    expect(r.omitted).toEqual([]);
    expect(r.text).not.toContain('left out');
  });

  for (const budget of [400, 500, 700, 900, 1100, 1300]) {
    it(`budget ${budget}: the oldest go first, and the footer names them`, () => {
      const r = renderDigest({ title: 'T', sections, budget, seeMore: "see one with 'git conductor artifact show <phase>'" });
      expect(r.text.length).toBeLessThanOrEqual(budget);
      expect([...r.included, ...r.omitted]).toEqual(['c', 'b', 'a']);
      for (const n of r.omitted) expect(r.text).toMatch(new RegExp(`left out.*\\b${n}\\b`));
      if (r.truncated) expect(r.text).toContain(`${r.truncated} was cut short`);
      if (r.omitted.length || r.truncated) expect(r.text).toContain('git conductor artifact show');
    });
  }

  it('a section that cannot fit whole is cut, not silently dropped', () => {
    const r = renderDigest({ title: 'T', sections: [phase('big', 1, 'w'.repeat(5000))], budget: 600, seeMore: 'see more' });
    expect(r).toMatchObject({ included: ['big'], omitted: [], truncated: 'big' });
    expect(r.text.length).toBeLessThanOrEqual(600);
  });
});

describe('checkpoints are read defensively', () => {
  it('takes the four fields; drops non-strings; strips controls', () => {
    const cp = checkpointOf({
      context_checkpoint: {
        summary: 'a\u001b[31m\nb',
        key_files: ['f:1', 7, null],
        decisions_made: 'not a list',
        open_questions: ['q\u0085?'],
      },
    });
    expect(cp).toEqual({ summary: 'a [31m b', key_files: ['f:1'], decisions: [], open_questions: ['q ?'], present: true });
  });

  it('absent or malformed: falls back to a text summary, marks it absent', () => {
    expect(checkpointOf({ summary: 'top level' })).toMatchObject({ summary: 'top level', present: false });
    expect(checkpointOf({ context_checkpoint: 'nope', summary: { goal: 'an object' } })).toMatchObject({
      summary: undefined,
      present: false,
    });
    expect(checkpointOf(undefined)).toMatchObject({ present: false, key_files: [] });
  });

  it('plainText bounds length and removes bidi overrides', () => {
    expect(plainText('\u202eevil')).toBe('evil');
    expect(plainText('x'.repeat(1000)).length).toBe(600);
  });
});

describe('md: artifact text never becomes Markdown or HTML', () => {
  it('escapes HTML, inline markup, pipes and line-start markers', () => {
    expect(md('</details><script>')).toBe('&lt;/details&gt;&lt;script&gt;');
    expect(md('a | b `c` *d* [e](f)')).toBe('a \\| b \\`c\\` \\*d\\* \\[e\\](f)');
    expect(md('# h')).toBe('\\# h');
    expect(md('- x')).toBe('\\- x');
    expect(md('12. x')).toBe('12\\. x');
    expect(md('a\nb\r\n## c')).toBe('a b ## c');
  });
});
