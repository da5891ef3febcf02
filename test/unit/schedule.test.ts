import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, validateGraph } from '../../src/core/graph.js';
import { batches, claimable } from '../../src/core/schedule.js';
import { claimRec, done, doneRec, NOW, sprintOf, tops } from './fixtures.js';

describe('batches', () => {
  it('gives exactly the five batches of the default graph', () => {
    expect(batches(DEFAULT_PHASES)).toEqual([
      { batch: 1, type: 'read', phases: ['think'] },
      { batch: 2, type: 'read', phases: ['plan'] },
      { batch: 3, type: 'write', phases: ['build'] },
      { batch: 4, type: 'read', phases: ['review', 'security', 'qa'] },
      { batch: 5, type: 'exclusive', phases: ['ship'] },
    ]);
  });

  it('groups read phases however the graph is declared (out of order, interleaved with writes)', () => {
    const g = validateGraph(
      [
        { name: 'ship', depends_on: ['qa', 'review', 'security'], concurrency: 'exclusive' },
        { name: 'qa', depends_on: ['build'], concurrency: 'read' },
        { name: 'docs', depends_on: ['build'], concurrency: 'write' },
        { name: 'review', depends_on: ['build'], concurrency: 'read' },
        { name: 'build', depends_on: ['plan'] },
        { name: 'security', depends_on: ['build'], concurrency: 'read' },
        { name: 'plan', concurrency: 'read' },
      ],
      'x',
    );
    expect(batches(g)).toEqual([
      { batch: 1, type: 'read', phases: ['plan'] },
      { batch: 2, type: 'write', phases: ['build'] },
      { batch: 3, type: 'read', phases: ['qa', 'review', 'security'] },
      { batch: 4, type: 'write', phases: ['docs'] },
      { batch: 5, type: 'exclusive', phases: ['ship'] },
    ]);
  });

  it('runs each write phase alone, even independent ones', () => {
    const g = validateGraph([{ name: 'a' }, { name: 'b' }, { name: 'c', concurrency: 'exclusive' }], 'x');
    expect(batches(g)).toEqual([
      { batch: 1, type: 'write', phases: ['a'] },
      { batch: 2, type: 'write', phases: ['b'] },
      { batch: 3, type: 'exclusive', phases: ['c'] },
    ]);
  });

  it('joins independent read chains into shared batches', () => {
    const g = validateGraph(
      [
        { name: 'b2', depends_on: ['b1'], concurrency: 'read' },
        { name: 'a1', concurrency: 'read' },
        { name: 'b1', concurrency: 'read' },
        { name: 'a2', depends_on: ['a1'], concurrency: 'read' },
      ],
      'x',
    );
    expect(batches(g)).toEqual([
      { batch: 1, type: 'read', phases: ['a1', 'b1'] },
      { batch: 2, type: 'read', phases: ['b2', 'a2'] },
    ]);
  });

  it('schedules every phase exactly once on a large graph', () => {
    const g = validateGraph(
      Array.from({ length: 200 }, (_, i) => ({
        name: `p${i}`,
        depends_on: i ? [`p${Math.floor(i / 2)}`] : [],
        concurrency: i % 3 ? 'read' : 'write',
      })),
      'x',
    );
    const all = batches(g).flatMap((b) => b.phases);
    expect(all.sort()).toEqual(g.map((p) => p.name).sort());
  });
});

describe('claimable (what next offers, best first)', () => {
  const s = sprintOf();

  it('offers the first phase of a fresh sprint, only', () => {
    expect(claimable(s, tops({}), NOW)).toEqual(['think']);
  });

  it('offers nothing while the only ready phase is held', () => {
    expect(claimable(s, tops({ think: claimRec('a') }), NOW)).toEqual([]);
  });

  it('offers review, security, qa in topological order once build is done', () => {
    expect(claimable(s, tops(done('think', 'plan', 'build')), NOW)).toEqual(['review', 'security', 'qa']);
  });

  it('skips held phases and puts expired leases after free phases', () => {
    const t = tops({ ...done('think', 'plan', 'build'), review: claimRec('a', -500), security: claimRec('b') });
    expect(claimable(s, t, NOW)).toEqual(['qa', 'review']);
  });

  it('offers ship only when all three are done, and nothing once everything is done', () => {
    expect(claimable(s, tops(done('think', 'plan', 'build', 'review', 'qa')), NOW)).toEqual(['security']);
    expect(claimable(s, tops(done('think', 'plan', 'build', 'review', 'qa', 'security')), NOW)).toEqual(['ship']);
    expect(claimable(s, tops(done('think', 'plan', 'build', 'review', 'qa', 'security', 'ship')), NOW)).toEqual([]);
  });

  it('offers nothing once a completed phase halted the sprint', () => {
    const t = tops({
      ...done('think', 'plan', 'build'),
      review: doneRec('r', { halt: 'review has 1 blocking finding(s) that need a human' }),
    });
    expect(claimable(s, t, NOW)).toEqual([]);
  });

  it('skips phases the concurrency class forbids: write excludes write, exclusive runs alone', () => {
    const g = sprintOf([{ name: 'w1' }, { name: 'w2' }, { name: 'r', concurrency: 'read' }, { name: 'x', concurrency: 'exclusive' }]);
    expect(claimable(g, tops({}), NOW)).toEqual(['w1', 'w2', 'r', 'x']);
    expect(claimable(g, tops({ w1: claimRec('a') }), NOW)).toEqual(['r']);
    expect(claimable(g, tops({ r: claimRec('a') }), NOW)).toEqual(['w1', 'w2']);
    expect(claimable(g, tops({ x: claimRec('a') }), NOW)).toEqual([]);
    // An expired lease does not count as running.
    expect(claimable(g, tops({ x: claimRec('a', -500) }), NOW)).toEqual(['w1', 'w2', 'r', 'x']);
  });
});
