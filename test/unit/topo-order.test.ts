import { describe, expect, it } from 'vitest';
import { topoOrder } from '../../src/core/graph.js';
import type { PhaseDef } from '../../src/core/schemas.js';

/** The definition: repeatedly take the first declared phase whose dependencies are all taken. */
function reference(phases: PhaseDef[]): string[] {
  const taken = new Set<string>();
  const out: string[] = [];
  while (out.length < phases.length) {
    const next = phases.find((p) => !taken.has(p.name) && p.depends_on.every((d) => taken.has(d)));
    if (!next) throw new Error('cycle');
    taken.add(next.name);
    out.push(next.name);
  }
  return out;
}

/** A random DAG declared in a shuffled order, so declaration order and dependency order disagree. */
function randomGraph(n: number, seed: number): PhaseDef[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const names = Array.from({ length: n }, (_, i) => `p${i}`);
  const phases = names.map((name, i) => {
    const deps = names.slice(0, i).filter(() => rand() < 3 / (i + 1));
    return { name, concurrency: 'read' as const, depends_on: rand() < 0.1 && deps.length ? [...deps, deps[0]!] : deps };
  });
  for (let i = phases.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [phases[i], phases[j]] = [phases[j]!, phases[i]!];
  }
  return phases;
}

describe('topoOrder', () => {
  it('matches the definition (earliest declared ready phase first) on random graphs', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const g = randomGraph(1 + (seed % 40), seed);
      expect(topoOrder(g).map((p) => p.name)).toEqual(reference(g));
    }
  });

  it('keeps declaration order among independent phases and puts dependencies first', () => {
    const g: PhaseDef[] = [
      { name: 'ship', concurrency: 'exclusive', depends_on: ['qa', 'build'] },
      { name: 'qa', concurrency: 'read', depends_on: ['build'] },
      { name: 'build', concurrency: 'write', depends_on: [] },
      { name: 'docs', concurrency: 'read', depends_on: [] },
    ];
    expect(topoOrder(g).map((p) => p.name)).toEqual(['build', 'qa', 'ship', 'docs']);
  });

  it('throws on a cycle, a self-dependency or an unknown dependency instead of dropping phases', () => {
    const p = (name: string, ...depends_on: string[]): PhaseDef => ({ name, concurrency: 'read', depends_on });
    expect(() => topoOrder([p('a', 'b'), p('b', 'a')])).toThrow(/cycle/);
    expect(() => topoOrder([p('a', 'a')])).toThrow(/cycle/);
    expect(() => topoOrder([p('a', 'ghost')])).toThrow(/cycle/);
  });
});
