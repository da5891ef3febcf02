import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, gitSync } from './helpers/repo.js';
import { independentPhases, makeBare, makeClone, serverHook, sleep, startDaemon, type Clone } from './helpers/remote.js';
import { artifactText } from './helpers/artifacts.js';

const phaseEntries = (c: Clone, sprintId: string, phase: string) => {
  const dir = join(c.dir, '.git', 'conductor', 'sprints', sprintId, 'phases', phase);
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^\d+$/.test(n)) : [];
};
const remoteHas = (bare: string, ref: string) => {
  try {
    gitSync(['rev-parse', '--verify', '-q', ref], bare);
    return true;
  } catch {
    return false;
  }
};

describe('remote faults', () => {
  it('unreachable remote: exit 5, nothing half-done locally; --offline still works', async () => {
    const { base } = makeBare('t.git');
    const daemon = await startDaemon(base);
    const a = makeClone(daemon.url('t.git'), 'alice');
    const sprintId = a.run(['start']).json.sprint_id;
    await daemon.kill();
    const r = a.run(['claim', 'think']);
    expect(r.code).toBe(5);
    expect(r.json.error.code).toBe('E_REMOTE_UNREACHABLE');
    expect(r.json.error.message).toMatch(/cannot reach|could not push/);
    expect(phaseEntries(a, sprintId, 'think')).toEqual([]);
    expect(a.run(['status']).json.phases.think.state).toBe('ready');
    const off = a.run(['claim', 'think', '--offline']);
    expect(off.code).toBe(0);
    expect(a.run(['status']).json.phases.think).toMatchObject({ state: 'running', unpublished: true });
    expect(a.run(['sync']).code).toBe(5);
  });

  it('remote killed in the middle of a push: exit 5, the claim is neither local nor remote, and a retry works', async () => {
    const { base, bare } = makeBare('k.git');
    const marker = join(base, 'push-started');
    const daemon = await startDaemon(base);
    const a = makeClone(daemon.url('k.git'), 'alice');
    const sprintId = a.run(['start']).json.sprint_id;
    // The hook holds the push far longer than any machine needs to notice the marker and kill the daemon
    // (the kill takes the hook's sleep down with the daemon's process group).
    serverHook(bare, 'pre-receive', `touch '${marker}'\nsleep 60`);
    const pending = a.runAsync(['claim', 'think']);
    const deadline = Date.now() + 30_000;
    while (!existsSync(marker) && Date.now() < deadline) await sleep(25);
    expect(existsSync(marker), 'the push never reached the pre-receive hook').toBe(true);
    await daemon.kill();
    const r = await pending;
    expect(r.code, r.stdout).toBe(5);
    expect(phaseEntries(a, sprintId, 'think')).toEqual([]);
    expect(remoteHas(bare, `refs/conductor/sprints/${sprintId}/phases/think`)).toBe(false);
    serverHook(bare, 'pre-receive', 'exit 0');
    const again = await startDaemon(base, daemon.port);
    expect(a.run(['claim', 'think']).code).toBe(0);
    expect(remoteHas(bare, `refs/conductor/sprints/${sprintId}/phases/think`)).toBe(true);
    await again.kill();
  });

  it('offline claim, then a conflicting sync: the earlier remote claim wins, yours is rolled back and you are told', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprintId = a.run(['start', '--phases', independentPhases(2)]).json.sprint_id;
    expect(b.run(['status']).code).toBe(0);
    expect(a.run(['claim', 'p1', '--offline']).code).toBe(0);
    expect(a.run(['claim', 'p2', '--offline']).code).toBe(0);
    expect(a.run(['status']).json.remote.unpublished.sort()).toEqual(['p1', 'p2']);
    expect(b.run(['claim', 'p1']).code).toBe(0);
    const s = a.run(['sync']);
    expect(s.code).toBe(3);
    expect(s.json.error.code).toBe('E_SYNC_CONFLICT');
    expect(s.json.error.message).toContain('bob');
    expect(s.json.error.published).toEqual(['p2']);
    const view = a.run(['status']).json;
    expect(view.phases.p1.agent).toBe('bob');
    expect(view.phases.p2).toMatchObject({ agent: 'alice', state: 'running' });
    expect(view.phases.p2.unpublished).toBeUndefined();
    expect(gitSync(['log', '--format=%s', `refs/conductor/sprints/${sprintId}/phases/p2`], bare)).toMatch(/^claim p2 by alice@/);
    expect(a.run(['log']).json.entries.some((e: { event: string }) => e.event === 'rollback')).toBe(true);
    expect(a.run(['sync']).code).toBe(0); // settled: nothing left
  });

  it('crafted refs (bad JSON, ../ tree entries, huge blobs, escapes) are reported cleanly and never trusted', () => {
    const { bare, url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprintId = victim.run(['start', '--phases', independentPhases(6)]).json.sprint_id;
    const evil = makeClone(url, 'mallory', { init: false });
    const { blob, treeOf } = objectWriter(evil);
    const record = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({ v: 1, seq: 1, id: '0123456789abcdef', kind: 'claim', agent: 'mallory', host: 'evil', at: new Date().toISOString(), expires_at: new Date(Date.now() + 3600e3).toISOString(), ...extra });
    const commit = (tree: string) => evil.git(['commit-tree', tree, '-m', 'claim']);
    const ref = (p: string) => `refs/conductor/sprints/${sprintId}/phases/${p}`;
    const crafted: [string, string][] = [
      [ref('p1'), commit(treeOf([['record.json', blob('{not json')]]))],
      [ref('p2'), commit(treeOf([['../x', blob('{}')], ['record.json', blob(record())]]))],
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
    const human = cli(['status'], { cwd: victim.dir, env: { CONDUCTOR_AGENT: 'victim' } });
    expect(human.code).toBe(0);
    expect(human.stdout).not.toContain('\u001b');
    expect(human.stdout).toContain('unexpected tree entry');
    const bad = victim.run(['claim', 'p2']);
    expect(bad.code).toBe(1);
    expect(bad.json.error.code).toBe('E_BAD_REMOTE_REF');
    expect(victim.run(['claim', 'p5']).code).toBe(0);
    expect(existsSync(join(victim.dir, '.git', 'conductor', 'sprints', sprintId, 'phases', 'x'))).toBe(false);
    expect(existsSync(join(victim.dir, '.git', 'conductor', 'sprints', sprintId, 'x'))).toBe(false);
    expect(remoteHas(bare, ref('p5'))).toBe(true);
  });

  it('init is idempotent, deinit reverses it; doctor detects a host refusing custom refs and the fallback namespace works', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    expect(a.run(['init']).json.added_refspec).toBe(false);
    expect(a.git(['config', '--get-all', 'remote.origin.fetch']).split('\n').filter((l) => l.includes('conductor'))).toHaveLength(1);
    expect(a.run(['doctor']).json.ok).toBe(true);
    serverHook(bare, 'pre-receive', `while read old new ref; do case "$ref" in refs/conductor/*) echo "custom refs are not allowed" >&2; exit 1;; esac; done; exit 0`);
    const d = a.run(['doctor']);
    expect(d.code).toBe(1);
    expect(d.json.ok).toBe(false);
    expect(JSON.stringify(d.json.checks)).toContain('--namespace refs/heads/conductor');
    const refused = a.run(['start']);
    expect(refused.code).toBe(5);
    expect(refused.json.error.code).toBe('E_REMOTE_REFUSED');
    expect(a.run(['init', '--namespace', 'refs/heads/conductor']).code).toBe(0);
    expect(a.run(['doctor']).json.ok).toBe(true);
    const sprintId = a.run(['start']).json.sprint_id;
    expect(a.run(['claim', 'think']).code).toBe(0);
    expect(remoteHas(bare, `refs/heads/conductor/sprints/${sprintId}/phases/think`)).toBe(true);
    const b = makeClone(url, 'bob', { init: false });
    expect(b.run(['init', '--namespace', 'refs/heads/conductor']).code).toBe(0);
    expect(b.run(['status']).json.phases.think.agent).toBe('alice');
    const off = b.run(['deinit']);
    expect(off.json.deleted_tracking_refs).toBeGreaterThan(0);
    expect(b.git(['config', '--get-all', 'remote.origin.fetch'])).not.toContain('conductor');
    expect(b.git(['for-each-ref', 'refs/conductor-remotes'])).toBe('');
    expect(b.run(['status']).json.remote).toBeUndefined();
  });
});

describe('imported completions are checked against their artifact', () => {
  it('a crafted done entry that hides a critical security finding is refused, not trusted', () => {
    const { url } = makeBare();
    const victim = makeClone(url, 'victim');
    const sprintId = victim.run(['start', '--phases', '[{"name":"security","concurrency":"read"},{"name":"ship","depends_on":["security"]}]']).json.sprint_id;
    const evil = makeClone(url, 'mallory', { init: false });
    const { blob, treeOf: tree } = objectWriter(evil);
    const now = Date.now();
    const base = { v: 1, agent: 'mallory', host: 'evil' };
    const claim = { ...base, seq: 1, id: '0123456789abcdef', kind: 'claim', reason: 'claim', at: new Date(now).toISOString(), expires_at: new Date(now + 3600e3).toISOString() };
    const artifact = artifactText('security', { summary: { critical: 1 }, findings: [{ severity: 'critical', description: 'sql injection' }] });
    const sha256 = createHash('sha256').update(artifact).digest('hex');
    const done = { ...base, seq: 2, id: 'fedcba9876543210', kind: 'done', reason: 'complete', at: new Date(now + 1000).toISOString(), artifact: { sha256, bytes: artifact.length, source: 'security.json' } };
    const c1 = evil.git(['commit-tree', tree([['record.json', blob(JSON.stringify(claim))]]), '-m', 'claim security by mallory@evil']);
    const c2 = evil.git(['commit-tree', tree([['artifact.json', blob(artifact)], ['record.json', blob(JSON.stringify(done))]]), '-p', c1, '-m', 'complete security by mallory@evil']);
    evil.git(['push', '-q', url, `${c2}:refs/conductor/sprints/${sprintId}/phases/security`]);

    const s = victim.run(['status', '--fetch']);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expect(s.json.phases.security.state).not.toBe('done');
    expect(s.json.remote.problems.join('\n')).toMatch(/halt does not match/);
    expect(victim.run(['claim', 'ship']).code).not.toBe(0);
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
      write(Buffer.concat(entries.map(([name, oid]) => Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(oid, 'hex')]))), '-t', 'tree'),
  };
}
