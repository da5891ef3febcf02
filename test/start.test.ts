/** start: it archives the previous sprint, takes its phase graph from the right place, and replaces a sprint it cannot read. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { entryFile, makeBare, makeClone } from './helpers/remote.js';
import { repoPerTest } from './helpers/sprint.js';

const t = repoPerTest();
const { ok, sprintFile } = t;

describe('start', () => {
  it('start archives the previous sprint', () => {
    const first = ok('start').sprint_id;
    ok('claim', 'think', '--agent', 'a');
    const second = ok('start');
    expect(second.archived).toBe(first);
    expect(sprintFile(first)).toMatchObject({ status: 'archived', archived_at: expect.any(String) });
    const s = ok('status');
    expect(s.sprint_id).toBe(second.sprint_id);
    expect(s.phases.think.state).toBe('ready');
  });
});

describe('where the phase graph comes from', () => {
  const names = (r: { phases: { name: string }[] }) => r.phases.map((p) => p.name);

  it('the project config .git-conductor.json (phases and lease_ttl)', () => {
    writeFileSync(
      join(t.repo, '.git-conductor.json'),
      JSON.stringify({ phases: [{ name: 'design' }, { name: 'code', depends_on: ['design'] }], lease_ttl: '15m' }),
    );
    const s = ok('start');
    expect([s.source, names(s)]).toEqual(['project', ['design', 'code']]);
    expect(s.phases[0]).toEqual({ name: 'design', depends_on: [], concurrency: 'write' });
    const c = ok('claim', 'design', '--agent', 'a');
    expect(Date.parse(c.expires_at) - Date.parse(c.claimed_at)).toBe(900_000);
    // --phases wins over the project config.
    expect(ok('start', '--phases', '[{"name":"solo"}]')).toMatchObject({ source: 'inline', phases: [{ name: 'solo' }] });
  });

  it('.nanostack/config.json phase_graph, with the known phases keeping their classes', () => {
    mkdirSync(join(t.repo, '.nanostack'));
    writeFileSync(
      join(t.repo, '.nanostack', 'config.json'),
      JSON.stringify({
        other: 1,
        phase_graph: [
          { name: 'plan' },
          { name: 'build', depends_on: ['plan'] },
          { name: 'review', depends_on: ['build'] },
          { name: 'ship', depends_on: ['review'] },
          { name: 'docs', depends_on: ['plan'] },
        ],
      }),
    );
    const s = ok('start');
    expect(s.source).toBe('nanostack');
    expect(s.phases.map((p: { name: string; concurrency: string }) => `${p.name}:${p.concurrency}`)).toEqual([
      'plan:read',
      'build:write',
      'review:read',
      'ship:exclusive',
      'docs:write',
    ]);
    // The project config wins over nanostack.
    writeFileSync(join(t.repo, '.git-conductor.json'), JSON.stringify({ phases: [{ name: 'only' }] }));
    expect(ok('start').source).toBe('project');
  });

  it('a --phases file, bare array or {"phases": [...]}', () => {
    writeFileSync(join(t.repo, 'g1.json'), '[{"name":"one"}]');
    writeFileSync(join(t.repo, 'g2.json'), '{"phases":[{"name":"two"}]}');
    expect(ok('start', '--phases', 'g1.json')).toMatchObject({ source: 'file', phases: [{ name: 'one' }] });
    expect(ok('start', '--phases', 'g2.json')).toMatchObject({ source: 'file', phases: [{ name: 'two' }] });
  });

  it('the default graph otherwise, with its batches', () => {
    expect(ok('start').source).toBe('default');
    const lines = conductor(['batch'], { cwd: t.repo })
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { batch: 1, type: 'read', phases: ['think'] },
      { batch: 2, type: 'read', phases: ['plan'] },
      { batch: 3, type: 'write', phases: ['build'] },
      { batch: 4, type: 'read', phases: ['review', 'security', 'qa'] },
      { batch: 5, type: 'exclusive', phases: ['ship'] },
    ]);
  });
});

const TWO = JSON.stringify([
  { name: 'review', depends_on: [], concurrency: 'read' },
  { name: 'qa', depends_on: [], concurrency: 'read' },
]);

describe('a corrupt local entry with a remote', () => {
  it('start still replaces the sprint', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const sprint = a.run(['start', '--phases', TWO]).json.sprint_id;
    expect(a.run(['claim', 'review']).code).toBe(0);
    writeFileSync(entryFile(a, sprint, 'review', 1), '{bad');
    const s = a.run(['start']);
    expect(s.code, s.stdout).toBe(0);
    const b = makeClone(url, 'bob');
    expect(b.run(['status']).json.sprint_id).toBe(s.json.sprint_id);
  });
});
