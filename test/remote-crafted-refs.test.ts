/** Crafted refs on the remote (bad JSON, ../ tree entries, huge blobs, escapes, done entries that hide a halt): reported cleanly, never trusted. */
import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git, hasRef } from './helpers/git.js';
import { independentPhases, makeBare, makeClone, type Clone } from './helpers/remote.js';
import { artifactText } from './helpers/artifacts.js';

describe('crafted refs', () => {
  it('crafted refs (bad JSON, ../ tree entries, huge blobs, escapes) are reported cleanly and never trusted', () => {
    const { bare, url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprintId = victim.run(['start', '--phases', independentPhases(6)]).json.sprint_id;
    const evil = makeClone(url, 'mallory', { init: false });
    const { blob, treeOf } = objectWriter(evil);
    const record = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        v: 1,
        seq: 1,
        id: '0123456789abcdef',
        kind: 'claim',
        agent: 'mallory',
        host: 'evil',
        at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 3600e3).toISOString(),
        ...extra,
      });
    const commit = (tree: string) => evil.git(['commit-tree', tree, '-m', 'claim']);
    const ref = (p: string) => `refs/conductor/sprints/${sprintId}/phases/${p}`;
    const crafted: [string, string][] = [
      [ref('p1'), commit(treeOf([['record.json', blob('{not json')]]))],
      [
        ref('p2'),
        commit(
          treeOf([
            ['../x', blob('{}')],
            ['record.json', blob(record())],
          ]),
        ),
      ],
      [ref('p3'), commit(treeOf([['record.json', blob(Buffer.alloc(2 * 1024 * 1024, 32))]]))],
      [ref('p4'), commit(treeOf([['record.json', blob(record({ agent: '\u001b[31mevil' }))]]))],
      ['refs/conductor/sprints/evil/phases/p1', commit(treeOf([['record.json', blob(record())]]))],
    ];
    evil.git(['push', '-q', url, ...crafted.map(([r, c]) => `${c}:${r}`)]);

    const s = victim.run(['status', '--fetch']);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    const problems: string[] = s.json.remote.problems;
    const about = (p: string) => problems.find((x) => x.includes(`${sprintId}/phases/${p} `));
    expect(problems.find((x) => x.includes('sprints/evil/'))).toMatch(/not a name this tool writes/);
    expect(about('p1')).toMatch(/not valid JSON/);
    expect(about('p2')).toMatch(/unexpected tree entry/);
    expect(about('p3')).toMatch(/cap/);
    expect(about('p4')).toMatch(/invalid/);
    for (const p of ['p1', 'p2', 'p3', 'p4']) expect(s.json.phases[p].state).toBe('ready');
    const human = conductor(['status'], { cwd: victim.dir, agent: 'victim' });
    expect(human.code).toBe(0);
    expect(human.stdout).not.toContain('\u001b');
    expect(human.stdout).toContain('unexpected tree entry');
    const bad = victim.run(['claim', 'p2']);
    expect(bad.code).toBe(1);
    expect(bad.json.error.code).toBe('E_BAD_REMOTE_REF');
    expect(victim.run(['claim', 'p5']).code).toBe(0);
    expect(existsSync(join(victim.dir, '.git', 'conductor', 'sprints', sprintId, 'phases', 'x'))).toBe(false);
    expect(existsSync(join(victim.dir, '.git', 'conductor', 'sprints', sprintId, 'x'))).toBe(false);
    expect(hasRef(bare, ref('p5'))).toBe(true);
  });
});

describe('imported completions are checked against their artifact', () => {
  it('a crafted done entry that hides a critical security finding is refused, not trusted', () => {
    const { url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprintId = victim.run([
      'start',
      '--phases',
      '[{"name":"security","concurrency":"read"},{"name":"ship","depends_on":["security"]}]',
    ]).json.sprint_id;
    const evil = makeClone(url, 'mallory', { init: false });
    const { blob, treeOf: tree } = objectWriter(evil);
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
    const artifact = artifactText('security', {
      summary: { critical: 1 },
      findings: [{ severity: 'critical', description: 'sql injection' }],
    });
    const sha256 = createHash('sha256').update(artifact).digest('hex');
    const done = {
      ...base,
      seq: 2,
      id: 'fedcba9876543210',
      kind: 'done',
      reason: 'complete',
      at: new Date(now + 1000).toISOString(),
      artifact: { sha256, bytes: artifact.length, source: 'security.json' },
    };
    const c1 = evil.git(['commit-tree', tree([['record.json', blob(JSON.stringify(claim))]]), '-m', 'claim security by mallory@evil']);
    const c2 = evil.git([
      'commit-tree',
      tree([
        ['artifact.json', blob(artifact)],
        ['record.json', blob(JSON.stringify(done))],
      ]),
      '-p',
      c1,
      '-m',
      'complete security by mallory@evil',
    ]);
    evil.git(['push', '-q', url, `${c2}:refs/conductor/sprints/${sprintId}/phases/security`]);

    const s = victim.run(['status', '--fetch']);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expect(s.json.phases.security.state).not.toBe('done');
    expect(s.json.remote.problems.join('\n')).toMatch(/halt does not match/);
    expect(victim.run(['claim', 'ship']).code).not.toBe(0);
  });

  it('a crafted review completed without its artifact (skipping its halt rule) is refused, not trusted', () => {
    const { url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprintId = victim.run(['start', '--phases', '[{"name":"review","concurrency":"read"},{"name":"ship","depends_on":["review"]}]'])
      .json.sprint_id;
    const evil = makeClone(url, 'mallory', { init: false });
    const { blob, treeOf: tree } = objectWriter(evil);
    const now = Date.now();
    const base = { v: 1, agent: 'mallory', host: 'evil' };
    const claim = { ...base, seq: 1, id: '0123456789abcdef', kind: 'claim', reason: 'claim', at: new Date(now).toISOString() };
    const done = { ...base, seq: 2, id: 'fedcba9876543210', kind: 'done', reason: 'complete', at: new Date(now + 1000).toISOString() };
    const c1 = evil.git([
      'commit-tree',
      tree([['record.json', blob(JSON.stringify({ ...claim, expires_at: new Date(now + 3600e3).toISOString() }))]]),
      '-m',
      'claim',
    ]);
    const c2 = evil.git(['commit-tree', tree([['record.json', blob(JSON.stringify(done))]]), '-p', c1, '-m', 'complete review']);
    evil.git(['push', '-q', url, `${c2}:refs/conductor/sprints/${sprintId}/phases/review`]);

    const s = victim.run(['status', '--fetch']);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expect(s.json.phases.review.state).not.toBe('done');
    expect(s.json.remote.problems.join('\n')).toMatch(/completes review without the artifact its halt rules read/);
    expect(victim.run(['claim', 'ship']).code).not.toBe(0);
  });

  it('a commit valid as one ref is never taken for another: a head pointed at a phase tip, a sprint ref aliasing another sprint', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ann');
    const sprintA = a.run(['start']).json.sprint_id;
    expect(a.run(['claim', 'think']).code).toBe(0);
    const victim = makeClone(url, 'vic');
    expect(victim.run(['status', '--fetch']).json.phases.think.state).toBe('running');
    const tracking = (suffix: string) => `refs/conductor-remotes/origin/${suffix}`;
    const think = victim.git(['rev-parse', tracking(`sprints/${sprintA}/phases/think`)]);
    const realHead = victim.git(['rev-parse', tracking('head')]);

    // The head's tracking ref moved onto the (cached, valid) phase tip: read as a head, its records are not head records.
    victim.git(['update-ref', tracking('head'), think]);
    for (const args of [['status'], ['log']]) {
      const bent = victim.run(args).json;
      expect((bent.remote?.problems ?? bent.problems).join('\n'), args[0]).toMatch(
        /refs\/conductor-remotes\/origin\/head commit .*record\.json is invalid/,
      );
    }
    expect(
      victim.run(['log']).json.entries.filter((e: { event: string; sprint_id?: string }) => e.event === 'start' && !e.sprint_id),
    ).toEqual([]);
    victim.git(['update-ref', tracking('head'), realHead]);

    // Sprint B's ref is sprint A's own commit; a new head entry names B. B is refused; A stays valid, now and later.
    const evil = makeClone(url, 'mallory', { init: false });
    evil.git(['fetch', '-q', url, 'refs/conductor/*:refs/conductor/*']);
    const { blob, treeOf } = objectWriter(evil);
    const sprintCommit = evil.git(['rev-parse', `refs/conductor/sprints/${sprintA}/sprint`]);
    const headTip = evil.git(['rev-parse', 'refs/conductor/head']);
    const sprintB = '20000101-000000-000000';
    const headRecord = {
      v: 1,
      seq: 2,
      id: '00112233445566ff',
      kind: 'start',
      sprint_id: sprintB,
      agent: 'mallory',
      host: 'evil',
      at: new Date().toISOString(),
    };
    const head2 = evil.git(['commit-tree', treeOf([['record.json', blob(JSON.stringify(headRecord))]]), '-p', headTip, '-m', 'start']);
    evil.git(['push', '-q', url, `${sprintCommit}:refs/conductor/sprints/${sprintB}/sprint`, `${head2}:refs/conductor/head`]);
    // Read with the cache of A (its tip known valid), then from nothing: B never borrows A's validity, A never B's refusal.
    for (const fresh of [false, true]) {
      if (fresh) rmSync(join(victim.dir, '.git', 'conductor', 'remote-cache.json'));
      for (const args of [['status', '--fetch'], ['status']]) {
        const problems: string[] = victim.run(args).json.remote.problems;
        expect(problems.join('\n')).toMatch(new RegExp(`sprints/${sprintB}/sprint .*names sprint ${sprintA}, not ${sprintB}`));
        expect(problems.filter((p) => p.includes(`sprints/${sprintA}/sprint`))).toEqual([]);
      }
    }
  });
});

/** Writes raw objects into a clone, as an attacker would: any names, any bytes. */
function objectWriter(c: Clone) {
  const write = (content: string | Buffer, ...type: string[]) => {
    const f = join(c.dir, '.git', 'object.tmp');
    writeFileSync(f, content);
    return c.git(['hash-object', ...type, '-w', '--literally', f]);
  };
  return {
    blob: (content: string | Buffer) => write(content),
    treeOf: (entries: [string, string][]) =>
      write(
        Buffer.concat(entries.map(([name, oid]) => Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(oid, 'hex')]))),
        '-t',
        'tree',
      ),
  };
}

describe('imported sprints meet the same graph rules as a local start', () => {
  const p = (name: string, ...depends_on: string[]) => ({ name, depends_on, concurrency: 'read' });
  const graphs: [string, unknown[], RegExp][] = [
    ['a cycle', [p('a', 'b'), p('b', 'a')], /dependency cycle/],
    ['a duplicate phase', [p('a'), p('a')], /duplicate phase name "a"/],
    ['a dangling dependency', [p('a', 'ghost')], /depends on unknown phase "ghost"/],
  ];
  for (const [what, phases, why] of graphs) {
    it(`a schema-valid sprint ref with ${what} is rejected as invalid; next, batch, status and the pre-push hook report it, never crash`, () => {
      const { url, bare } = makeBare();
      const victim = makeClone(url, 'victim');
      const first = victim.run(['start']).json.sprint_id;
      const evil = makeClone(url, 'mallory');
      const second = evil.run(['start']).json.sprint_id;
      // Replace the new sprint's definition with a crafted one that passes the schema.
      const { blob, treeOf } = objectWriter(evil);
      const sprint = JSON.parse(git(bare, 'show', `refs/conductor/sprints/${second}/sprint:sprint.json`));
      const crafted = evil.git(['commit-tree', treeOf([['sprint.json', blob(JSON.stringify({ ...sprint, phases }))]]), '-m', 'sprint']);
      evil.git(['push', '-q', '--no-verify', url, `+${crafted}:refs/conductor/sprints/${second}/sprint`]);

      const s = victim.run(['status', '--fetch']);
      expect(s.code, s.stdout + s.stderr).toBe(0);
      expect(s.json.sprint_id).toBe(first);
      expect(s.json.remote.problems.join('\n')).toMatch(/invalid phase graph/);
      expect(s.json.remote.problems.join('\n')).toMatch(why);
      for (const args of [['next'], ['batch'], ['next', '--claim']]) {
        const r = victim.run(args);
        expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(/topoOrder|TypeError|unexpected error/);
        expect(r.code, args.join(' ')).not.toBe(1);
      }
      const push = victim.run(['hook', 'pre-push', 'origin', url], {});
      expect(push.stdout + push.stderr).not.toMatch(/TypeError|unexpected error/);
      // The crafted graph never became a local sprint.
      expect(existsSync(join(victim.dir, '.git', 'conductor', 'sprints', second))).toBe(false);
    });
  }
});

describe('text from teammates reaches the terminal without control characters', () => {
  it('artifact show strips C0/C1 controls (CSI, OSC) in human mode, escapes them under --json, and --raw gives the exact bytes to a pipe only', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    a.run(['start', '--phases', '[{"name":"build"}]']);
    const evilText = 'done \u009b31mred\u009d0;title\u0007 \u001b]8;;http://x\u001b\\link\u001b[2J';
    const stored = artifactText('build', { summary: evilText });
    writeFileSync(join(a.dir, 'build.json'), stored);
    expect(a.run(['claim', 'build']).code).toBe(0);
    const done = a.run(['complete', 'build', '--artifact', 'build.json']);
    expect(done.code, done.stdout).toBe(0);
    b.run(['status', '--fetch']);
    const human = conductor(['artifact', 'show', 'build'], { cwd: b.dir, agent: 'bob' });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(human.stdout).toContain('red');
    const json = conductor(['artifact', 'show', 'build', '--json'], { cwd: b.dir, agent: 'bob' });
    expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(json.json.content.summary).toBe(evilText);
    const raw = conductor(['artifact', 'show', 'build', '--raw'], { cwd: b.dir, agent: 'bob' });
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout).toBe(stored);
  });
});
