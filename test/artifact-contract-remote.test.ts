/** The artifact contract across clones: judged alike everywhere, and no secret imported. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactText } from './helpers/artifacts.js';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';

const complete = (c: Clone, phase: string, text: string) => {
  mkdirSync(join(c.dir, '.conductor'), { recursive: true });
  writeFileSync(join(c.dir, '.conductor', `${phase}.json`), text);
  expect(c.run(['claim', phase]).code).toBe(0);
  const r = c.run(['complete', phase, '--artifact', `.conductor/${phase}.json`]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.json;
};

describe('the contract across clones', () => {
  it("a qa halt under one clone's threshold is imported as it was judged by a clone with another one", () => {
    const { url } = makeBare();
    const ana = makeClone(url, 'ana');
    const bob = makeClone(url, 'bob');
    // ana's work tree sets a strict threshold (uncommitted); bob's has the default.
    writeFileSync(join(ana.dir, '.git-conductor.json'), JSON.stringify({ qa_failure_threshold: 0.05 }));
    expect(ana.run(['start', '--phases', '[{"name":"qa","concurrency":"read"},{"name":"ship","depends_on":["qa"]}]']).code).toBe(0);
    const done = complete(
      ana,
      'qa',
      artifactText('qa', { summary: { status: 'partial', tests_run: 100, tests_passed: 94, tests_failed: 6 } }),
    );
    expect(done.halt).toBe('qa failure rate 6% (6 of 100) is over the 5% threshold');
    const s = bob.run(['status', '--fetch']);
    expect(s.code, s.stdout).toBe(0);
    expect(s.json.remote.problems).toEqual([]);
    expect(s.json.phases.qa.state).toBe('done');
    expect(s.json.halted).toEqual({ phase: 'qa', reason: done.halt });
  });

  it('the grade travels with the record and is checked on import', () => {
    const { url } = makeBare();
    const ana = makeClone(url, 'ana');
    const bob = makeClone(url, 'bob');
    expect(ana.run(['start', '--phases', '[{"name":"security","concurrency":"read"}]']).code).toBe(0);
    complete(ana, 'security', artifactText('security', { summary: { critical: 0, high: 0, medium: 3, low: 0 }, findings: [] }));
    expect(bob.run(['status', '--fetch']).json.phases.security).toMatchObject({ state: 'done', grade: 'C' });
  });

  it('refuses to import a crafted completion whose artifact holds an unredacted secret', () => {
    const { url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprintId = victim.run(['start', '--phases', '[{"name":"build","concurrency":"read"}]']).json.sprint_id;
    const evil = makeClone(url, 'mallory', { init: false });
    const write = (content: string | Buffer, ...type: string[]) => {
      const f = join(evil.dir, '.git', 'object.tmp');
      writeFileSync(f, content);
      return evil.git(['hash-object', ...type, '-w', '--literally', f]);
    };
    const blob = (content: string) => write(content);
    const tree = (entries: [string, string][]) =>
      write(Buffer.concat(entries.map(([n, oid]) => Buffer.concat([Buffer.from(`100644 ${n}\0`), Buffer.from(oid, 'hex')]))), '-t', 'tree');
    const now = Date.now();
    const base = { v: 1, agent: 'mallory', host: 'evil' };
    const claim = {
      ...base,
      seq: 1,
      id: '0123456789abcdef',
      kind: 'claim',
      reason: 'claim',
      at: new Date(now).toISOString(),
      expires_at: new Date(now + 3600e3).toISOString(),
    };
    const artifact = artifactText('build', { summary: `deployed with ${['AKIA', 'IOSFODNN7EXAMPLE'].join('')}` });
    const sha256 = createHash('sha256').update(artifact).digest('hex');
    const done = {
      ...base,
      seq: 2,
      id: 'fedcba9876543210',
      kind: 'done',
      reason: 'complete',
      at: new Date(now + 1000).toISOString(),
      artifact: { sha256, bytes: artifact.length, source: 'build.json' },
      contract: { schema_version: '1' },
    };
    const c1 = evil.git(['commit-tree', tree([['record.json', blob(JSON.stringify(claim))]]), '-m', 'claim build by mallory@evil']);
    const c2 = evil.git([
      'commit-tree',
      tree([
        ['artifact.json', blob(artifact)],
        ['record.json', blob(JSON.stringify(done))],
      ]),
      '-p',
      c1,
      '-m',
      'complete build by mallory@evil',
    ]);
    evil.git(['push', '-q', url, `${c2}:refs/conductor/sprints/${sprintId}/phases/build`]);
    const s = victim.run(['status', '--fetch']);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expect(s.json.phases.build.state).not.toBe('done');
    expect(s.json.remote.problems.join('\n')).toMatch(/holds an unredacted secret \(aws-access-key-id at summary\)/);
    expect(s.stdout).not.toContain('IOSFODNN7EXAMPLE');
  });
});
