import { describe, expect, it } from 'vitest';
import { ConductorError } from '../../src/core/errors.js';
import { DEFAULT_PHASES, findCycle, topoOrder, validateGraph, validatePhaseName } from '../../src/core/graph.js';

/** The ConductorError a call throws, so tests can look at code, exit code and message together. */
function thrown(f: () => unknown): ConductorError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConductorError);
    return e as ConductorError;
  }
  throw new Error('expected a ConductorError, nothing was thrown');
}

const bad = (graph: unknown) => {
  const e = thrown(() => validateGraph(graph, 'test.json'));
  expect(e.code).toBe('E_BAD_GRAPH');
  expect(e.exitCode).toBe(2);
  expect(e.message).toContain('(test.json)');
  expect(e.message).not.toContain('\n');
  return e.message;
};

describe('validateGraph', () => {
  it('accepts a valid graph and resolves defaults (write, no dependencies)', () => {
    expect(validateGraph([{ name: 'a' }, { name: 'b', depends_on: ['a'], concurrency: 'read' }], 'x')).toEqual([
      { name: 'a', depends_on: [], concurrency: 'write' },
      { name: 'b', depends_on: ['a'], concurrency: 'read' },
    ]);
  });

  it('accepts the default graph as user input', () => {
    expect(
      validateGraph(
        DEFAULT_PHASES.map((p) => ({ ...p })),
        'x',
      ),
    ).toEqual(DEFAULT_PHASES);
  });

  it.each([
    ['an object', { phases: [] }],
    ['a string', 'think,plan'],
    ['null', null],
    ['a number', 7],
  ])('refuses %s: not an array', (_, graph) => {
    expect(bad(graph)).toContain('expected a JSON array of phases');
  });

  it('refuses an empty array', () => {
    expect(bad([])).toContain('the array is empty');
  });

  it('refuses more than 1000 phases', () => {
    expect(bad(Array.from({ length: 1001 }, (_, i) => ({ name: `p${i}` })))).toContain('1001 phases is more than the limit of 1000');
  });

  it('refuses an element that is not an object, naming its position', () => {
    expect(bad([{ name: 'a' }, 'b'])).toContain('phase #2 is not an object');
    expect(bad([[]])).toContain('phase #1 is not an object');
    expect(bad([null])).toContain('phase #1 is not an object');
  });

  it('refuses a phase without a name, naming its position and the field', () => {
    expect(bad([{ name: 'a' }, { depends_on: ['a'] }])).toContain('phase #2 is missing "name"');
  });

  it('refuses a duplicate name, naming it', () => {
    expect(bad([{ name: 'a' }, { name: 'b' }, { name: 'a' }])).toContain('duplicate phase name "a"');
  });

  it.each(['A', 'Build', '1st', '-x', '../x', 'a/b', 'a_b', 'a.b', '', ' a', 'é', 'x'.repeat(65)])('refuses the bad name %j', (name) => {
    expect(bad([{ name }])).toContain(`phase #1 has a bad name ${JSON.stringify(name)}`);
  });

  it('refuses a non-string name', () => {
    expect(bad([{ name: 3 }])).toContain('phase #1 has a bad name 3');
  });

  it('refuses a dependency on an unknown phase, naming both', () => {
    expect(bad([{ name: 'a' }, { name: 'b', depends_on: ['a', 'zzz'] }])).toContain('phase "b" depends on unknown phase "zzz"');
  });

  it('refuses a self-dependency', () => {
    expect(bad([{ name: 'a', depends_on: ['a'] }])).toContain('phase "a" depends on itself');
  });

  it('lists the cycle as a closed path', () => {
    const msg = bad([
      { name: 'a' },
      { name: 'b', depends_on: ['a', 'd'] },
      { name: 'c', depends_on: ['b'] },
      { name: 'd', depends_on: ['c'] },
    ]);
    expect(msg).toContain('dependency cycle b -> d -> c -> b');
  });

  it('lists a two-phase cycle', () => {
    expect(
      bad([
        { name: 'x', depends_on: ['y'] },
        { name: 'y', depends_on: ['x'] },
      ]),
    ).toContain('dependency cycle x -> y -> x');
  });

  it.each([
    ['a string', 'a'],
    ['a number list', [1]],
    ['an object', { a: true }],
  ])('refuses depends_on as %s', (_, deps) => {
    expect(bad([{ name: 'a' }, { name: 'b', depends_on: deps }])).toContain('phase "b": "depends_on" must be an array of phase names');
  });

  it('refuses a dependency listed twice', () => {
    expect(bad([{ name: 'a' }, { name: 'b', depends_on: ['a', 'a'] }])).toContain('phase "b" lists a dependency twice');
  });

  it.each(['parallel', 'READ', '', 1, null])('refuses the concurrency %j', (conc) => {
    expect(bad([{ name: 'a', concurrency: conc }])).toContain(
      `phase "a": concurrency ${JSON.stringify(conc)} is not one of read, write, exclusive`,
    );
  });

  it('refuses unknown fields (a typo must not silently mean the default)', () => {
    expect(bad([{ name: 'a', dependson: ['b'] }])).toContain('phase "a": unknown field "dependson"');
  });
});

describe('validatePhaseName', () => {
  it.each(['think', 'a', 'x-1', 'code-review2'])('accepts %j', (n) => expect(validatePhaseName(n)).toBe(n));
  it.each(['../x', '-x', 'a/b', 'A', '', '.', '..', 'a b', 'a\nb', 'x'.repeat(65)])('refuses %j with exit 2', (n) => {
    const e = thrown(() => validatePhaseName(n));
    expect(e.code).toBe('E_BAD_PHASE_NAME');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('^[a-z][a-z0-9-]*$');
  });
});

describe('topological order', () => {
  it('keeps declaration order among ready phases and puts dependencies first', () => {
    const g = validateGraph([{ name: 'c', depends_on: ['b'] }, { name: 'b', depends_on: ['a'] }, { name: 'a' }, { name: 'z' }], 'x');
    expect(topoOrder(g).map((p) => p.name)).toEqual(['a', 'b', 'c', 'z']);
    expect(topoOrder(DEFAULT_PHASES).map((p) => p.name)).toEqual(['think', 'plan', 'build', 'review', 'security', 'qa', 'ship']);
  });

  it('findCycle is null for a DAG', () => {
    expect(findCycle(DEFAULT_PHASES)).toBeNull();
  });
});

describe('explicit null fails closed', () => {
  it('refuses depends_on: null rather than reading it as "no dependencies"', () => {
    expect(bad([{ name: 'a', depends_on: null }])).toContain('phase "a": "depends_on" must be an array of phase names');
  });
});
