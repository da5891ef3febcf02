/**
 * The cross-machine guarantees on every transport teams use: file://, git
 * daemon, ssh (a real sshd) and smart HTTP (git http-backend behind lighttpd).
 * Trial counts are modest: the exhaustive races run over file:// in
 * remote-race.test.ts; here each transport proves the same rules hold through it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, artifactText } from './helpers/artifacts.js';
import { git, gitRun, hasRef } from './helpers/git.js';
import { hookEnv } from './helpers/hooks.js';
import { independentPhases, type Clone } from './helpers/remote.js';
import { serve, skipReason, TRANSPORTS, type Served } from './helpers/transports.js';

const CLONES = 4;
const TRIALS = 3;

for (const name of TRANSPORTS) {
  const skip = skipReason(name);
  describe.skipIf(!!skip)(`over ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let t: Served;
    beforeAll(async () => {
      t = await serve(name);
    });
    afterAll(async () => {
      await t?.stop();
    });

    it(`${CLONES} clones claiming one phase: exactly one winner in each of ${TRIALS} trials, and the losers name it`, async () => {
      const { bare, url } = t.newRemote();
      const clones: Clone[] = Array.from({ length: CLONES }, (_, i) => t.clone(url, `agent-${i}`, { init: i === 0 }));
      expect(clones[0]!.run(['start', '--phases', independentPhases(TRIALS)]).code).toBe(0);
      for (const c of clones.slice(1)) expect(c.run(['init']).code).toBe(0);
      for (let n = 1; n <= TRIALS; n++) {
        const phase = `p${n}`;
        const results = await Promise.all(clones.map((c) => c.runAsync(['claim', phase])));
        const winners = results.map((r, i) => (r.code === 0 ? i : -1)).filter((i) => i >= 0);
        expect(
          winners,
          `trial ${n}: ${results.map((r) => r.code + (r.code ? ':' + (r.json?.error?.code ?? r.stderr) : '')).join(' ')}`,
        ).toHaveLength(1);
        const w = results[winners[0]!]!.json;
        for (const [i, r] of results.entries()) {
          if (i === winners[0]) continue;
          expect(r.code, r.stdout).toBe(3);
          expect(r.json.error.message).toContain(w.agent);
        }
        expect(git(bare, 'log', '--format=%s', `refs/conductor/sprints/${w.sprint_id}/phases/${phase}`)).toBe(
          `claim ${phase} by ${w.agent}@${w.host}`,
        );
      }
    });

    it("a teammate's claim is visible after a plain git fetch, and a phase done there is done here", () => {
      const { url } = t.newRemote();
      const a = t.clone(url, 'alice');
      const b = t.clone(url, 'bob');
      expect(a.run(['start']).code).toBe(0);
      expect(b.run(['status', '--fetch']).json.phases.think.state).toBe('ready');
      expect(a.run(['claim', 'think']).code).toBe(0);
      expect(b.run(['status']).json.phases.think.state).toBe('ready'); // not fetched yet
      b.git(['fetch', '-q']);
      expect(b.run(['status']).json.phases.think).toMatchObject({ state: 'running', agent: 'alice' });
      writeFileSync(join(a.dir, 'think.json'), artifactText('think'));
      expect(a.run(['complete', 'think', '--artifact', join(a.dir, 'think.json')]).code).toBe(0);
      const again = b.run(['claim', 'think']);
      expect(again.code).toBe(3);
      expect(b.run(['artifact', 'show', 'think']).json.content).toEqual(artifact('think'));
    });

    it('offline claims, then a conflicting sync: the earlier remote claim wins, the other is published', () => {
      const { bare, url } = t.newRemote();
      const a = t.clone(url, 'alice');
      const b = t.clone(url, 'bob');
      const sprintId = a.run(['start', '--phases', independentPhases(2)]).json.sprint_id;
      expect(b.run(['status']).code).toBe(0);
      expect(a.run(['claim', 'p1', '--offline']).code).toBe(0);
      expect(a.run(['claim', 'p2', '--offline']).code).toBe(0);
      expect(b.run(['claim', 'p1']).code).toBe(0);
      const s = a.run(['sync']);
      expect(s.code, s.stdout).toBe(3);
      expect(s.json.error.code).toBe('E_SYNC_CONFLICT');
      expect(s.json.error.message).toContain('bob');
      expect(s.json.error.published).toEqual(['p2']);
      expect(git(bare, 'log', '--format=%s', `refs/conductor/sprints/${sprintId}/phases/p2`)).toMatch(/^claim p2 by alice@/);
      expect(a.run(['status']).json.phases.p1.agent).toBe('bob');
      expect(a.run(['sync']).code).toBe(0);
    });

    it("the ship gate judges teammates' phases read through this transport", () => {
      const { bare, url } = t.newRemote();
      const alice = t.clone(url, 'alice');
      const bob = t.clone(url, 'bob');
      const finish = (c: Clone, phase: string) => {
        mkdirSync(join(c.dir, '.conductor'), { recursive: true });
        writeFileSync(join(c.dir, '.conductor', `${phase}.json`), artifactText(phase));
        expect(c.run(['claim', phase]).code).toBe(0);
        expect(c.run(['complete', phase, '--artifact', `.conductor/${phase}.json`]).code).toBe(0);
      };
      const graph = [
        { name: 'review', concurrency: 'read' },
        { name: 'security', concurrency: 'read' },
        { name: 'ship', depends_on: ['review', 'security'] },
      ];
      expect(alice.run(['start', '--phases', JSON.stringify(graph)]).code).toBe(0);
      finish(alice, 'review');
      expect(bob.run(['claim', 'security']).code).toBe(0);
      const push = (ref = 'HEAD') => gitRun(alice.dir, ['push', 'origin', ref], { env: hookEnv({ CONDUCTOR_AGENT: 'alice' }) });
      // The first push to an empty remote has nothing to protect yet: give the remote a branch first.
      expect(push('HEAD:refs/heads/seed').code).toBe(0);
      const refused = push();
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/not ready to ship \(security: running, held by bob@\S+ since [^)]*\)/);
      expect(hasRef(bare, 'HEAD')).toBe(false);
      mkdirSync(join(bob.dir, '.conductor'), { recursive: true });
      writeFileSync(join(bob.dir, '.conductor', 'security.json'), artifactText('security'));
      expect(bob.run(['complete', 'security', '--artifact', '.conductor/security.json']).code).toBe(0);
      const ok = push();
      expect(ok.code, ok.stderr).toBe(0);
      expect(git(bare, 'rev-parse', 'HEAD')).toBe(git(alice.dir, 'rev-parse', 'HEAD'));
    });
  });
}
