/** The published library (dist/index.mjs): options object in, data out, typed errors. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRepo } from './helpers/repo.js';

type Lib = typeof import('../src/api/index.js');
let lib: Lib;
beforeAll(async () => {
  lib = (await import(pathToFileURL(resolve(__dirname, '../dist/index.mjs')).href)) as Lib;
});

describe('the library', () => {
  it('runs a sprint with plain calls and refuses with typed errors', async () => {
    const cwd = await makeRepo();
    const { sprint_id } = await lib.start({ cwd, agent: 'lib' });
    expect((await lib.next({ cwd, agent: 'a', claim: true })).claimed).toMatchObject({ sprint_id, phase: 'think', agent: 'a' });
    const err = await lib.claim({ cwd, phase: 'think', agent: 'b' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(lib.ConductorError);
    expect(err).toMatchObject({ code: 'E_HELD', exitCode: lib.ExitCode.unavailable });
    await expect(lib.claim({ cwd, phase: '../x', agent: 'b' })).rejects.toMatchObject({ code: 'E_BAD_PHASE_NAME', exitCode: 2 });
    expect(await lib.complete({ cwd, phase: 'think', agent: 'a' })).toMatchObject({ unlocked: ['plan'], sprint_done: false });
    const s = await lib.status({ cwd });
    expect(s.phases.think!.state).toBe('done');
    expect(lib.validateGraph([{ name: 'x' }], 'inline')).toEqual([{ name: 'x', depends_on: [], concurrency: 'write' }]);
    expect(lib.DEFAULT_PHASES.map((p) => p.name)).toEqual(['think', 'plan', 'build', 'review', 'security', 'qa', 'ship']);
  });
});
