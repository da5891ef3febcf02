/**
 * A claimer killed in the middle of its push leaves an unpublished entry on its clone. When the entry's creator is
 * provably gone (this host, a dead pid), the clone settles the phase at once: every command on it, the repair
 * included, answers immediately with the remote's holder, `status` shows that holder, and `sync` exits 0.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor, spawnConductor } from './helpers/cli.js';
import { entryFile, makeBare, makeClone, serverHook, sleep } from './helpers/remote.js';

/** alice's claim of think killed in the middle of its push (which the remote then refuses); bob then claims think. */
async function killedMidPush() {
  const { bare, url } = makeBare();
  const hold = join(bare, 'hold');
  const reject = join(bare, 'reject');
  const started = join(bare, 'started');
  // Holds every push while `hold` exists, then refuses it while `reject` exists.
  serverHook(bare, 'pre-receive', `touch '${started}'\nwhile [ -f '${hold}' ]; do sleep 0.05; done\n[ -f '${reject}' ] && exit 1\nexit 0`);
  const a = makeClone(url, 'alice');
  const b = makeClone(url, 'bob');
  expect(a.run(['start']).code).toBe(0);
  expect(b.run(['status', '--fetch']).code).toBe(0);

  writeFileSync(hold, '');
  rmSync(started, { force: true });
  const claimer = spawnConductor(['claim', 'think', '--json'], { cwd: a.dir, agent: 'alice' });
  const until = Date.now() + 30_000;
  while (!existsSync(started) && Date.now() < until) await sleep(20);
  expect(existsSync(started), 'the push never reached the remote').toBe(true);
  claimer.kill('SIGKILL');
  await new Promise((r) => claimer.on('close', r));
  // Its orphaned push is refused, so the remote never gets alice's claim.
  writeFileSync(reject, '');
  rmSync(hold);
  await sleep(500);
  rmSync(reject);
  expect(b.run(['claim', 'think']).code).toBe(0);

  return { a, b };
}

describe('a claimer killed mid-push', () => {
  it('leaves nothing stalled: the phase follows the remote at once, for claim, abort --force, status and sync', async () => {
    const { a, b } = await killedMidPush();
    const t0 = Date.now();
    const again = a.run(['claim', 'think']);
    expect(again.code, again.stdout).toBe(3);
    expect(['E_HELD', 'E_LOST_RACE']).toContain(again.json.error.code);
    expect(again.json.error.message).toContain('bob@');
    const repair = a.run(['abort', 'think', '--force']);
    expect(repair.code, repair.stdout).toBe(0);
    expect(repair.json.released.agent).toBe('bob');
    expect(Date.now() - t0, 'no wait for the dead claimer').toBeLessThan(8_000);
    expect(b.run(['claim', 'think']).code).toBe(0);
    const s = a.run(['status', '--fetch']).json;
    expect(s.phases.think).toMatchObject({ state: 'running', agent: 'bob' });
    expect(s.remote.diverged).toEqual([]);
    const human = conductor(['status'], { cwd: a.dir, agent: 'alice' }).stdout;
    expect(human).toMatch(/think\s+running\s+bob@/);
    expect(human).not.toMatch(/alice@/);
    const sync = a.run(['sync']);
    expect(sync.code, sync.stdout).toBe(0);
  });

  it('while the creator may still be alive, the phase stays diverged: status says so and sync exits 3 (E_DIVERGED)', async () => {
    const { a } = await killedMidPush();
    const sprint = a.run(['status']).json.sprint_id as string;
    // The same entry, as if its creator were still running (this test process is): not provably gone, not yet stale.
    writeFileSync(
      join(entryFile(a, sprint, 'think', 1), '..', 'creator.json'),
      JSON.stringify({ host: a.run(['whoami']).json.host, pid: process.pid }),
    );
    const s = a.run(['status', '--fetch']).json;
    expect(s.remote.diverged).toEqual(['think']);
    const human = conductor(['status'], { cwd: a.dir, agent: 'alice' }).stdout;
    expect(human).toMatch(/! diverged from the remote.*think/);
    const sync = a.run(['sync']);
    expect([sync.code, sync.json.error?.code], sync.stdout).toEqual([3, 'E_DIVERGED']);
    expect(sync.json.error.message).toContain('think');
  });
});
