/** Bounded remote: clean --remote deletes archived sprints' refs by compare-and-swap; retention keeps the ref count bounded. */
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from './helpers/git.js';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';

const sprintsOn = (bare: string) => {
  const out = git(bare, 'for-each-ref', '--format=%(refname)', 'refs/conductor/');
  return out.split('\n').filter(Boolean);
};
const json = (c: Clone, args: string[]) => {
  const r = c.run(args);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout);
};
const GRAPH = JSON.stringify([{ name: 'think' }, { name: 'build', depends_on: ['think'] }]);

describe('clean --remote', () => {
  it("deletes only archived sprints' refs, never the active sprint's, never a ref that moved", () => {
    const { url, bare } = makeBare();
    const a = makeClone(url, 'alice');
    const s1 = json(a, ['start', '--phases', GRAPH]).sprint_id;
    json(a, ['claim', 'think']);
    const s2 = json(a, ['start', '--phases', GRAPH]).sprint_id;
    json(a, ['claim', 'think']);
    const s3 = json(a, ['start', '--phases', GRAPH]).sprint_id;
    json(a, ['claim', 'think']);
    const b = makeClone(url, 'bob');
    expect(b.git(['for-each-ref', '--format=%(refname)', `refs/conductor-remotes/origin/sprints/${s1}/`])).not.toBe('');
    // A teammate appends to s2's think between our read and our delete: the server moves it first.
    const moved = `refs/conductor/sprints/${s2}/phases/think`;
    const elsewhere = git(bare, 'rev-parse', `refs/conductor/sprints/${s3}/phases/think`);
    const hook = join(bare, 'hooks', 'pre-receive');
    writeFileSync(
      hook,
      `#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = "${moved}" ]; then git update-ref "$ref" ${elsewhere}; fi\ndone\nexit 0\n`,
    );
    chmodSync(hook, 0o755);
    const r = json(a, ['clean', '--remote', '--days', '0']);
    expect(r.remote.sprints).toEqual([s1]);
    expect(r.remote.deleted).toBe(2);
    expect(r.remote.kept.map((k: { ref: string }) => k.ref)).toEqual([moved]);
    const left = sprintsOn(bare);
    expect(left.filter((x) => x.includes(s1))).toEqual([]);
    // s2 keeps its definition beside the phase ref that moved; the active sprint is untouched.
    expect(left).toEqual(
      expect.arrayContaining([
        `refs/conductor/sprints/${s2}/sprint`,
        moved,
        `refs/conductor/sprints/${s3}/sprint`,
        `refs/conductor/sprints/${s3}/phases/think`,
        'refs/conductor/head',
      ]),
    );
    expect(git(bare, 'rev-parse', moved)).toBe(elsewhere);
    // Our own tracking copies went with the push; the teammate's go on their next fetch.
    expect(a.git(['for-each-ref', '--format=%(refname)', `refs/conductor-remotes/origin/sprints/${s1}/`])).toBe('');
    expect(json(b, ['status', '--fetch']).sprint_id).toBe(s3);
    expect(b.git(['for-each-ref', '--format=%(refname)', `refs/conductor-remotes/origin/sprints/${s1}/`])).toBe('');
    // The next run reads the moved ref afresh and deletes s2; the active sprint goes on.
    writeFileSync(hook, '#!/bin/sh\nexit 0\n');
    expect(json(a, ['clean', '--remote', '--days', '0']).remote.sprints).toEqual([s2]);
    expect(sprintsOn(bare).sort()).toEqual([
      'refs/conductor/head',
      `refs/conductor/sprints/${s3}/phases/think`,
      `refs/conductor/sprints/${s3}/sprint`,
    ]);
    expect(json(b, ['complete', 'think', '--agent', 'alice']).phase).toBe('think');
    expect(json(a, ['status', '--fetch']).phases.think.state).toBe('done');
  });
});

describe('retention', () => {
  it('keeps the remote at (phases + 2) x keep_sprints refs over many sprints, and the local state too', () => {
    const { url, bare } = makeBare();
    const a = makeClone(url, 'alice');
    writeFileSync(join(a.dir, '.git-conductor.json'), JSON.stringify({ keep_sprints: 3, phases: JSON.parse(GRAPH) }));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(json(a, ['start']).sprint_id);
      json(a, ['claim', 'think']);
    }
    const refs = sprintsOn(bare);
    // Per kept sprint: its sprint ref and one phase ref (think); and the head.
    expect(refs.length).toBeLessThanOrEqual((2 + 2) * 3);
    const kept = [...new Set(refs.filter((r) => r.includes('/sprints/')).map((r) => r.split('/')[3]))].sort();
    // Retention ranks sprints by id alone (start time to the second, then random, so starts within one second
    // tie at random) and always keeps the active one: the active sprint and the two newest others by id.
    const active = ids.at(-1)!;
    const newest = [...ids.slice(0, -1).sort().slice(-2), active].sort();
    expect(kept).toEqual(newest);
    expect(refs).toHaveLength(1 + 3 * 2);
    const local = a.git(['for-each-ref', '--format=%(refname)', 'refs/conductor-remotes/origin/']).split('\n').filter(Boolean);
    expect(local).toHaveLength(refs.length);
    expect(
      readdirSync(join(a.dir, '.git', 'conductor', 'sprints'))
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(newest);
    // A new teammate joins the active sprint as usual.
    const b = makeClone(url, 'bob');
    expect(json(b, ['status']).sprint_id).toBe(ids.at(-1));
  });
});
