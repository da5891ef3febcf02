/** The remote failing: unreachable, hanging, or killed in the middle of a push. Nothing is left half-done, and a retry works. */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasRef } from './helpers/git.js';
import { makeBare, makeClone, serverHook, sleep, startDaemon, type Clone } from './helpers/remote.js';

const phaseEntries = (c: Clone, sprintId: string, phase: string) => {
  const dir = join(c.dir, '.git', 'conductor', 'sprints', sprintId, 'phases', phase);
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^\d+$/.test(n)) : [];
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

  it('a hanging remote: the push gives up at CONDUCTOR_REMOTE_TIMEOUT_MS with exit 5, and the claim is not kept', () => {
    const { bare, url } = makeBare();
    const a = makeClone(url, 'alice');
    const sprintId = a.run(['start']).json.sprint_id;
    // The remote takes the push, then hangs (at most 12 s, while the marker exists).
    const marker = join(bare, 'hang');
    writeFileSync(marker, '');
    serverHook(bare, 'pre-receive', `i=0; while [ -e "${marker}" ] && [ $i -lt 120 ]; do sleep 0.1; i=$((i+1)); done; exit 1`);
    const t0 = Date.now();
    const r = a.run(['claim', 'think'], { CONDUCTOR_REMOTE_TIMEOUT_MS: '1500' });
    const took = Date.now() - t0;
    rmSync(marker);
    expect([r.code, r.json?.error?.code], r.stdout).toEqual([5, 'E_REMOTE_UNREACHABLE']);
    expect(r.json.error.message).toContain('timed out after 1500 ms');
    expect(took).toBeLessThan(10_000);
    expect(a.run(['status']).json.phases.think.state).toBe('ready');
    expect(hasRef(bare, `refs/conductor/sprints/${sprintId}/phases/think`)).toBe(false);
  }, 30_000);

  it('remote killed in the middle of a push: exit 5 "outcome unknown", the claim kept locally (the remote may hold it), and a retry settles it', async () => {
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
    expect([r.code, r.json?.error?.code], r.stdout).toEqual([5, 'E_OUTCOME_UNKNOWN']);
    // The push was cut off before the remote applied it, but nothing here can know that: the entry is kept, not retracted.
    expect(phaseEntries(a, sprintId, 'think')).toEqual(['000001']);
    expect(hasRef(bare, `refs/conductor/sprints/${sprintId}/phases/think`)).toBe(false);
    serverHook(bare, 'pre-receive', 'exit 0');
    const again = await startDaemon(base, daemon.port);
    expect(a.run(['claim', 'think']).code).toBe(0);
    expect(hasRef(bare, `refs/conductor/sprints/${sprintId}/phases/think`)).toBe(true);
    await again.kill();
  });
});
