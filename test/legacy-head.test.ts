/** A remote whose head already has thousands of entries (the ref format before windows) works for a new clone. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module shared with the benchmarks
import { writeLegacyHead } from '../scripts/lib/legacy-head.mjs';
import { conductor } from './helpers/cli.js';
import { git } from './helpers/git.js';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';

const json = (c: Clone, args: string[]) => {
  const r = c.run(args);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout);
};

describe('a long head history', () => {
  it('a new clone joins a 6,016-entry head, reading only its newest entries; the next start cuts the chain', () => {
    const { url, bare } = makeBare();
    const top = writeLegacyHead(bare, 6016) as string;
    const b = makeClone(url, 'bob');
    const s = json(b, ['status']);
    expect(s.sprint_id).toBe(top);
    expect(s.remote.problems ?? []).toEqual([]);
    const headLog = readdirSync(join(b.dir, '.git', 'conductor', 'head'))
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
    expect(headLog.length).toBeLessThanOrEqual(64);
    expect(Math.max(...headLog)).toBe(6016);
    json(b, ['claim', 'think']);
    const next = json(b, ['start']).sprint_id;
    // Entry 6017 = 1 + 94 x 64 starts a fresh chain, pushed by compare-and-swap over the old tip.
    expect(git(bare, 'rev-list', '--count', 'refs/conductor/head')).toBe('1');
    const c = makeClone(url, 'carol');
    expect(json(c, ['status']).sprint_id).toBe(next);
    expect(
      Math.max(
        ...readdirSync(join(c.dir, '.git', 'conductor', 'head'))
          .filter((n) => /^\d+$/.test(n))
          .map(Number),
      ),
    ).toBe(6017);
    // The first clone follows the newer start made elsewhere, which grows the new chain.
    const third = json(c, ['start']).sprint_id;
    expect(git(bare, 'rev-list', '--count', 'refs/conductor/head')).toBe('2');
    expect(json(b, ['status', '--fetch']).sprint_id).toBe(third);
    json(b, ['claim', 'think']);
    expect(json(c, ['status', '--fetch']).phases.think.state).toBe('running');
  });
});

describe('the head cut under the server hook', () => {
  it("a server with the hook accepts the head's cut and the deletion of archived sprints' refs", () => {
    const { url, bare } = makeBare();
    const inst = conductor(['server', 'install', bare, '--json'], { cwd: bare });
    expect(inst.code, inst.stdout + inst.stderr).toBe(0);
    writeLegacyHead(bare, 63);
    const b = makeClone(url, 'bob');
    const first = json(b, ['start']).sprint_id; // entry 64: grows the chain
    expect(git(bare, 'rev-list', '--count', 'refs/conductor/head')).toBe('64');
    const second = json(b, ['start']).sprint_id; // entry 65 = 1 + 64: a fresh root
    expect(git(bare, 'rev-list', '--count', 'refs/conductor/head')).toBe('1');
    expect(json(b, ['clean', '--remote', '--days', '0']).remote.sprints).toContain(first);
    expect(git(bare, 'for-each-ref', '--format=%(refname)', 'refs/conductor/sprints/')).toBe(`refs/conductor/sprints/${second}/sprint`);
    expect(json(makeClone(url, 'carol'), ['status']).sprint_id).toBe(second);
  });
});
