/** A whole sprint across machines (git daemon and file:// remotes): claims, completions, takeovers and artifacts seen by every clone. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git } from './helpers/git.js';
import { makeBare, makeClone, sleep, startDaemon, type Clone } from './helpers/remote.js';
import { artifact, artifactText } from './helpers/artifacts.js';

const PHASES = ['think', 'plan', 'build', 'review', 'security', 'qa', 'ship'];

/** An agent's loop: take whatever is ready, do it, complete it with an artifact; stop when the sprint is done. */
async function agentLoop(c: Clone, log: string[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const n = await c.runAsync(['next', '--claim']);
    if (n.code !== 0) throw new Error(`${c.agent}: next failed: ${n.stdout}${n.stderr}`);
    if (n.json.claimed) {
      const phase = n.json.phase as string;
      mkdirSync(join(c.dir, '.conductor'), { recursive: true });
      const file = join(c.dir, '.conductor', `${phase}.json`);
      writeFileSync(file, JSON.stringify(artifact(phase, { notes: `${phase} by ${c.agent}` })));
      const done = await c.runAsync(['complete', phase, '--artifact', file]);
      if (done.code !== 0) throw new Error(`${c.agent}: complete ${phase} failed: ${done.stdout}${done.stderr}`);
      log.push(`${phase}:${c.agent}`);
      continue;
    }
    const s = await c.runAsync(['status']);
    if (PHASES.every((p) => s.json.phases[p].state === 'done')) return;
    await sleep(50 + Math.random() * 100);
  }
  throw new Error(`${c.agent}: the sprint did not finish`);
}

describe('a sprint across machines, through git daemon', () => {
  it('three clones drive a full sprint: every phase done exactly once, linear history, artifacts readable everywhere', async () => {
    const { base, bare } = makeBare('team.git');
    const daemon = await startDaemon(base);
    const url = daemon.url('team.git');
    const clones = ['ana', 'ben', 'cy'].map((a) => makeClone(url, a));
    expect(clones[0]!.run(['start']).code).toBe(0);
    const log: string[] = [];
    await Promise.all(clones.map((c) => agentLoop(c, log)));

    expect(log.map((l) => l.split(':')[0]).sort()).toEqual([...PHASES].sort());
    const sprintId = clones[0]!.run(['status']).json.sprint_id;
    for (const phase of PHASES) {
      const ref = `refs/conductor/sprints/${sprintId}/phases/${phase}`;
      const subjects = git(bare, 'log', '--format=%s', ref).split('\n');
      expect(
        subjects.filter((s) => s.startsWith('complete ')),
        `${phase}: ${subjects.join(' | ')}`,
      ).toHaveLength(1);
      expect(subjects[0]).toMatch(/^complete /);
      expect(git(bare, 'rev-list', '--merges', '--count', ref)).toBe('0');
      // One commit per entry, numbered 1..n from the root.
      const seqs = git(bare, 'log', '--reverse', '--format=%b', ref).split('\n').filter(Boolean);
      expect(seqs).toEqual(seqs.map((_, i) => `seq ${String(i + 1).padStart(6, '0')}`));
    }
    // Every clone sees the same finished sprint, and reads artifacts completed elsewhere.
    for (const c of clones) {
      const s = c.run(['status', '--fetch']).json;
      expect(PHASES.every((p) => s.phases[p].state === 'done')).toBe(true);
      expect(s.status).toBe('archived');
      for (const phase of PHASES) {
        const a = c.run(['artifact', 'show', phase]);
        expect(a.code, a.stdout).toBe(0);
        expect(a.json.content.notes).toBe(`${phase} by ${log.find((l) => l.startsWith(`${phase}:`))!.split(':')[1]}`);
      }
    }
    await daemon.kill();
  });

  it("a teammate's claim shows up in status after a plain git fetch, with host and freshness", async () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    expect(a.run(['start']).code).toBe(0);
    expect(b.run(['status']).json.phases.think.state).toBe('ready');
    expect(a.run(['claim', 'think']).code).toBe(0);
    expect(b.run(['status']).json.phases.think.state).toBe('ready'); // not fetched yet
    b.git(['fetch', '-q']);
    const s = b.run(['status']);
    expect(s.json.phases.think).toMatchObject({ state: 'running', agent: 'alice' });
    expect(s.json.phases.think.host).toBeTruthy();
    expect(Date.now() - Date.parse(s.json.remote.as_of)).toBeLessThan(60_000);
    const text = conductor(['status'], { cwd: b.dir, agent: 'bob' }).stdout;
    expect(text).toMatch(/think\s+running\s+alice@\S+/);
    expect(text).toMatch(/remote origin \(refs\/conductor\): as of \d+s ago/);
    // A phase completed on A is refused as done on B.
    writeFileSync(join(a.dir, 'think.json'), artifactText('think'));
    expect(a.run(['complete', 'think', '--artifact', join(a.dir, 'think.json')]).code).toBe(0);
    const again = b.run(['claim', 'think']);
    expect(again.code).toBe(3);
    expect(again.json.error.code).toMatch(/E_ALREADY_DONE|E_LOST_RACE/);
    expect(b.run(['artifact', 'show', 'think']).json.content).toEqual(artifact('think'));
  });

  it('a sprint started before init is published with its first claim, so teammates find it', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice', { init: false });
    expect(a.run(['start']).code).toBe(0);
    expect(a.run(['init']).code).toBe(0);
    expect(a.run(['claim', 'think']).code).toBe(0);
    const b = makeClone(url, 'bob');
    expect(b.run(['status']).json.phases.think).toMatchObject({ state: 'running', agent: 'alice' });
  });

  it('an expired lease is taken over from another machine by CAS, naming the previous holder', async () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    expect(a.run(['start']).code).toBe(0);
    const c = a.run(['claim', 'think', '--ttl', '1s']);
    expect(c.code).toBe(0);
    await sleep(Math.max(0, Date.parse(c.json.expires_at) - Date.now()) + 50);
    const t = b.run(['claim', 'think']);
    expect(t.code, t.stdout).toBe(0);
    expect(t.json.kind).toBe('takeover');
    expect(t.json.previous.agent).toBe('alice');
    expect(
      b.run(['log']).json.entries.some((e: { event: string; detail?: string }) => e.event === 'takeover' && e.detail?.includes('alice')),
    ).toBe(true);
    const s = a.run(['status', '--fetch']).json;
    expect(s.phases.think.agent).toBe('bob');
  });
});

const ORPHAN = 'refs/conductor/sprints/99991231-235959-ffffff/phases/x';

describe('a fresh clone finds the sprint the remote head names', () => {
  it('ignores a sprint ref that sorts after the active one', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const sprint = a.run(['start']).json.sprint_id;
    a.git(['push', '-q', '--no-verify', 'origin', `HEAD:${ORPHAN}`]);
    const b = makeClone(url, 'bob');
    const s = b.run(['status']);
    expect(s.code, s.stdout).toBe(0);
    expect(s.json.sprint_id).toBe(sprint);
    expect(b.run(['claim', 'think']).code).toBe(0);
  });

  it('imports a three-entry head without naming a sprint that is missing here', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    a.run(['start']);
    a.run(['start']);
    const third = a.run(['start']).json.sprint_id;
    a.git(['push', '-q', '--no-verify', 'origin', `HEAD:${ORPHAN}`]);
    const b = makeClone(url, 'bob');
    const s = b.run(['status']);
    expect(s.code, s.stdout).toBe(0);
    expect(s.json.sprint_id).toBe(third);
  });
});
