/**
 * Halts and the ledger across two clones and a bare remote: a halt cleared by reopen + fix or by override on one
 * clone is cleared on the other; two clones reopening or overriding at once produce one outcome; imported
 * reopen/override entries are held to this clone's rules (no_override); the budget ledger is mirrored to
 * its ref, concurrent spending counts once each, and a budget halt or a tripped breaker stops the other clone.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifact as example } from './helpers/artifacts.js';
import { git, gitRun } from './helpers/git.js';
import { ARTIFACT_REQUIRED } from './helpers/sprint.js';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';

const GRAPH = JSON.stringify([
  { name: 'build', concurrency: 'write' },
  { name: 'security', depends_on: ['build'], concurrency: 'read' },
  { name: 'qa', depends_on: ['build'], concurrency: 'read' },
  { name: 'ship', depends_on: ['security', 'qa'], concurrency: 'exclusive' },
]);
const checkpoint = { summary: 'state', key_files: [], decisions_made: [], open_questions: [] };
const zero = { critical: 0, high: 0, medium: 0, low: 0 };
const critical = {
  phase: 'security',
  summary: { ...zero, critical: 1 },
  context_checkpoint: checkpoint,
  findings: [{ severity: 'critical', description: 'sql injection' }],
};
const cleanSecurity = { phase: 'security', summary: zero, context_checkpoint: checkpoint, findings: [] };

function ok(c: Clone, ...args: string[]) {
  const r = c.run(args);
  expect(r.code, `${c.agent}: ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.json;
}

/** Claims and completes `phase` on `c`; review, qa and security get their clean example artifact by default. */
function finish(c: Clone, phase: string, artifact: unknown = ARTIFACT_REQUIRED.includes(phase) ? example(phase) : undefined) {
  ok(c, 'claim', phase);
  if (artifact === undefined) return ok(c, 'complete', phase);
  writeFileSync(join(c.dir, `${phase}.json`), JSON.stringify(artifact));
  return ok(c, 'complete', phase, '--artifact', `${phase}.json`);
}

/** Two clones of one bare remote, a sprint whose build is done and whose security halted it (on `a`), both fetched. */
function haltedPair() {
  const { bare, url } = makeBare();
  const a = makeClone(url, 'ana');
  const b = makeClone(url, 'ben');
  const sprint = ok(a, 'start', '--phases', GRAPH).sprint_id as string;
  finish(a, 'build');
  const done = finish(a, 'security', critical);
  expect(done.halt).toEqual(expect.any(String));
  expect(ok(b, 'status', '--fetch').halted).toMatchObject({ gate: 'phase', phase: 'security', reason: done.halt });
  return { bare, url, a, b, sprint, halt: done.halt as string };
}

const subjects = (bare: string, ref: string) => git(bare, 'log', '--format=%s', ref).split('\n');

describe('halts across clones', () => {
  it('reopen on one clone, fix on the other: the halt is gone everywhere', () => {
    const { bare, a, b, sprint } = haltedPair();
    ok(a, 'reopen', 'security', '--reason', 'fix the injection');
    expect(subjects(bare, `refs/conductor/sprints/${sprint}/phases/security`)[0]).toMatch(/^reopen security by ana@/);
    expect(ok(b, 'status', '--fetch').phases.security).toMatchObject({
      state: 'ready',
      reopened: { agent: 'ana', why: 'fix the injection' },
    });
    finish(b, 'security', cleanSecurity);
    const s = ok(a, 'status', '--fetch');
    expect([s.halts, s.phases.security.state, s.phases.security.agent]).toEqual([[], 'done', 'ben']);
    finish(a, 'qa');
  });

  it('override on one clone clears the halt on the other, which sees who, when and why', () => {
    const { a, b, halt } = haltedPair();
    ok(b, 'override', 'security', '--reason', 'accepted: ticket 7');
    const s = ok(a, 'status', '--fetch');
    expect(s.halts).toEqual([]);
    expect(s.overridden).toEqual([expect.objectContaining({ phase: 'security', halt, agent: 'ben', why: 'accepted: ticket 7' })]);
    expect(ok(a, 'artifact', 'show', 'security').content).toEqual(critical);
    finish(a, 'qa');
  });

  it('two clones overriding at once: one override, the other told it lost', async () => {
    const { bare, a, b, sprint } = haltedPair();
    const [ra, rb] = await Promise.all([
      a.runAsync(['override', 'security', '--reason', 'ana says go']),
      b.runAsync(['override', 'security', '--reason', 'ben says go']),
    ]);
    expect([ra.code, rb.code].sort()).toEqual([0, 3]);
    const loser = ra.code === 0 ? rb : ra;
    expect(['E_LOST_RACE', 'E_NOT_HALTED']).toContain(loser.json.error.code);
    const overrides = subjects(bare, `refs/conductor/sprints/${sprint}/phases/security`).filter((x) => x.startsWith('override '));
    expect(overrides).toHaveLength(1);
    const winner = ra.code === 0 ? 'ana' : 'ben';
    for (const c of [a, b]) expect(ok(c, 'status', '--fetch').overridden).toEqual([expect.objectContaining({ agent: winner })]);
  });

  it('two clones reopening at once: one reopen, the other told it lost', async () => {
    const { bare, a, b, sprint } = haltedPair();
    const [ra, rb] = await Promise.all([
      a.runAsync(['reopen', 'security', '--reason', 'ana fixes']),
      b.runAsync(['reopen', 'security', '--reason', 'ben fixes']),
    ]);
    expect([ra.code, rb.code].sort()).toEqual([0, 3]);
    const loser = ra.code === 0 ? rb : ra;
    expect(['E_LOST_RACE', 'E_NOT_DONE']).toContain(loser.json.error.code);
    expect(loser.json.error.message).toContain(`reopened by ${ra.code === 0 ? 'ana' : 'ben'}@`);
    const log = subjects(bare, `refs/conductor/sprints/${sprint}/phases/security`);
    expect(log.filter((x) => x.startsWith('reopen '))).toHaveLength(1);
    expect(log).toHaveLength(3);
    for (const c of [a, b]) expect(ok(c, 'status', '--fetch').phases.security.state).toBe('ready');
  });

  it("an imported override of a gate this clone's project config forbids is refused, not trusted", () => {
    const { a, b } = haltedPair();
    writeFileSync(join(b.dir, '.git-conductor.json'), JSON.stringify({ no_override: ['security'] }));
    ok(a, 'override', 'security', '--reason', 'ana overrides anyway');
    const s = ok(b, 'status', '--fetch');
    expect(s.remote.problems.join('\n')).toContain('which the project config forbids (no_override)');
    expect(s.halted).toMatchObject({ phase: 'security' });
    expect(b.run(['claim', 'qa']).json.error.code).toBe('E_HALTED');
  });
});

describe('start across clones', () => {
  it('refuses to replace a sprint whose phases a teammate holds by a live lease, naming them, unless --force', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    const first = ok(a, 'start', '--phases', GRAPH).sprint_id;
    ok(a, 'claim', 'build');
    const r = b.run(['start']);
    expect([r.code, r.json.error.code]).toEqual([3, 'E_LEASE_LIVE']);
    expect(r.json.error.message).toContain(`sprint ${first} still has live leases: build (held by ana@`);
    expect(ok(b, 'start', '--force').archived).toBe(first);
  });
});

describe('the ledger across clones', () => {
  it('is mirrored to its ref; spending from two clones at once counts once each', async () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    const sprint = ok(a, 'start', '--phases', GRAPH).sprint_id as string;
    ok(a, 'budget', 'set', '--tokens', '1000');
    ok(b, 'status', '--fetch');
    const adds = await Promise.all([
      ...[1, 2, 3].map(() => a.runAsync(['budget', 'add', '--tokens', '100'])),
      ...[1, 2, 3].map(() => b.runAsync(['budget', 'add', '--tokens', '10', '--phase', 'build'])),
    ]);
    for (const r of adds) expect(r.code, r.stdout + r.stderr).toBe(0);
    const ref = `refs/conductor/sprints/${sprint}/ledger`;
    expect(subjects(bare, ref), git(bare, 'log', '--format=%s %b', ref)).toHaveLength(7);
    expect(git(bare, 'rev-list', '--merges', '--count', ref)).toBe('0');
    for (const c of [a, b]) {
      ok(c, 'status', '--fetch');
      expect(ok(c, 'budget', 'status')).toMatchObject({ used: { tokens: 330 }, by_phase: { build: { tokens: 30 } }, ratio: 0.33 });
    }
  });

  it('spending recorded offline is applied on top of what reached the remote first, not rolled back', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    ok(a, 'start', '--phases', GRAPH);
    ok(a, 'budget', 'set', '--tokens', '100');
    ok(b, 'status', '--fetch');
    expect(ok(a, 'budget', 'add', '--tokens', '10', '--offline').used.tokens).toBe(10);
    ok(b, 'budget', 'add', '--tokens', '5');
    const synced = ok(a, 'sync');
    expect(synced.published).toContain('ledger');
    expect(synced.rolled_back).toEqual([]);
    for (const c of [a, b]) {
      ok(c, 'status', '--fetch');
      expect(ok(c, 'budget', 'status').used.tokens).toBe(15);
    }
  });

  it("a budget halt or a tripped breaker on one clone refuses the other's claims, and clearing it there frees them", () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    ok(a, 'start', '--phases', GRAPH);
    ok(a, 'budget', 'set', '--tokens', '100');
    ok(a, 'budget', 'add', '--tokens', '100');
    ok(b, 'status', '--fetch');
    const refused = b.run(['claim', 'build']);
    expect([refused.code, refused.json.error.code]).toEqual([4, 'E_HALTED']);
    expect(refused.json.error.message).toContain('halted by the budget');
    ok(b, 'override', 'budget', '--reason', 'ben approves');
    ok(a, 'status', '--fetch');
    expect(ok(a, 'budget', 'status').override).toMatchObject({ agent: 'ben' });
    for (let i = 0; i < 3; i++) ok(a, 'attempt', 'fail', '--key', 'e2e');
    ok(b, 'status', '--fetch');
    expect(b.run(['claim', 'build']).json.error.message).toContain('circuit breaker on "e2e"');
    ok(b, 'attempt', 'ok', '--key', 'e2e');
    ok(a, 'status', '--fetch');
    ok(a, 'claim', 'build');
  });

  it('a crafted ledger entry whose state does not follow from the one below is refused, not trusted', () => {
    const { url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprint = ok(victim, 'start', '--phases', GRAPH).sprint_id as string;
    ok(victim, 'budget', 'set', '--tokens', '100');
    ok(victim, 'budget', 'add', '--tokens', '100');
    const evil = makeClone(url, 'mallory', { init: false });
    evil.git(['fetch', '-q', url, `refs/conductor/sprints/${sprint}/ledger:refs/evil/ledger`]);
    const parent = evil.git(['rev-parse', 'refs/evil/ledger']);
    // A spend that claims to bring the used tokens back to zero.
    const record = {
      v: 1,
      seq: 3,
      id: 'fedcba9876543210',
      kind: 'spend',
      agent: 'mallory',
      host: 'evil',
      at: new Date().toISOString(),
      tokens: 1,
      state: { limit: { tokens: 100 }, used: { tokens: 0, usd: 0 }, by_phase: {}, failures: {} },
    };
    const f = join(evil.dir, '.git', 'record.tmp');
    writeFileSync(f, JSON.stringify(record));
    const blob = evil.git(['hash-object', '-w', f]);
    const treeOid = gitRun(evil.dir, ['mktree'], { input: `100644 blob ${blob}\trecord.json\n` }).stdout.trim();
    const commit = evil.git(['commit-tree', treeOid, '-p', parent, '-m', 'budget add 1 tokens by mallory@evil']);
    evil.git(['push', '-q', url, `${commit}:refs/conductor/sprints/${sprint}/ledger`]);
    const s = ok(victim, 'status', '--fetch');
    expect(s.remote.problems.join('\n')).toContain('state is not what its spend makes of the entry below it');
    expect(s.halted).toMatchObject({ gate: 'budget' });
    expect(victim.run(['claim', 'build']).json.error.code).toBe('E_HALTED');
  });
});
