import { describe, expect, it } from 'vitest';
import { ancestorsOf, classesExclude, descendantsOf, mayConflict } from '../../src/core/concurrency.js';
import { DEFAULT_PHASES } from '../../src/core/graph.js';
import { sprintOf } from './fixtures.js';

const names = (g: ReturnType<typeof sprintOf>, phase: string) => mayConflict(g, phase).map((p) => p.name);

describe('classesExclude', () => {
  const of = (concurrency: 'read' | 'write' | 'exclusive') => ({ name: concurrency, depends_on: [], concurrency });
  it('is the class table: read+read and read+write run together, write+write and anything+exclusive do not', () => {
    const table = (['read', 'write', 'exclusive'] as const).map((a) =>
      (['read', 'write', 'exclusive'] as const).map((b) => classesExclude(of(a), of(b))),
    );
    expect(table).toEqual([
      [false, false, true],
      [false, true, true],
      [true, true, true],
    ]);
  });
});

describe('ancestorsOf / descendantsOf', () => {
  it('follow dependencies transitively, both ways', () => {
    expect([...ancestorsOf(DEFAULT_PHASES, 'ship')].sort()).toEqual(['build', 'plan', 'qa', 'review', 'security', 'think']);
    expect([...descendantsOf(DEFAULT_PHASES, 'plan')].sort()).toEqual(['build', 'qa', 'review', 'security', 'ship']);
    expect(ancestorsOf(DEFAULT_PHASES, 'think').size).toBe(0);
    expect(descendantsOf(DEFAULT_PHASES, 'ship').size).toBe(0);
  });
});

describe('mayConflict', () => {
  it('is empty for every phase of the default graph: build and ship are comparable to everything', () => {
    const g = sprintOf();
    for (const p of DEFAULT_PHASES) expect(names(g, p.name), p.name).toEqual([]);
  });

  it('names two independent write phases as each other’s rivals, and nothing for reads beside them', () => {
    const g = sprintOf([
      { name: 'design', concurrency: 'read' },
      { name: 'backend', depends_on: ['design'] },
      { name: 'frontend', depends_on: ['design'] },
      { name: 'docs', depends_on: ['design'], concurrency: 'read' },
    ]);
    expect(names(g, 'backend')).toEqual(['frontend']);
    expect(names(g, 'frontend')).toEqual(['backend']);
    expect(names(g, 'docs')).toEqual([]);
    expect(names(g, 'design')).toEqual([]);
  });

  it('drops a class-incompatible phase once either is an ancestor of the other, however far', () => {
    const g = sprintOf([
      { name: 'a' },
      { name: 'm', depends_on: ['a'], concurrency: 'read' },
      { name: 'b', depends_on: ['m'] },
      { name: 'c' },
    ]);
    expect(names(g, 'a')).toEqual(['c']);
    expect(names(g, 'b')).toEqual(['c']);
    expect(names(g, 'c')).toEqual(['a', 'b']);
  });

  it('makes an exclusive phase conflict with every incomparable phase, reads included', () => {
    const g = sprintOf([
      { name: 'r', concurrency: 'read' },
      { name: 'x', concurrency: 'exclusive' },
      { name: 'after', depends_on: ['x'], concurrency: 'read' },
    ]);
    expect(names(g, 'x')).toEqual(['r']);
    expect(names(g, 'r')).toEqual(['x']);
    expect(names(g, 'after')).toEqual([]);
  });

  it('is empty for an unknown phase (the claim itself refuses it)', () => {
    expect(mayConflict(sprintOf(), 'nope')).toEqual([]);
  });
});
