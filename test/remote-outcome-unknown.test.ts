/**
 * The connection dies after the remote applied our push, and the remote does not answer for a while: the outcome
 * cannot be known, so the command says "unknown, retry" (exit 5, E_OUTCOME_UNKNOWN) and keeps its local entry,
 * which the remote may hold; `sync` settles it once the remote answers. The fault is real: the remote is reached
 * through an `ext::` transport, and a reference-transaction hook on the bare repository kills receive-pack right
 * after the refs were committed and takes the transport down.
 */
import { existsSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from './helpers/git.js';
import { independentPhases, makeBare, makeClone, serverHook } from './helpers/remote.js';
import { tempDir } from './helpers/repo.js';

describe('a push whose outcome cannot be known', () => {
  it('exit 5 E_OUTCOME_UNKNOWN, the local claim kept (the remote holds it); sync settles it once the remote answers', () => {
    const { bare, url } = makeBare();
    const ctl = tempDir('conductor-fault-');
    const down = join(ctl, 'down');
    const arm = join(ctl, 'arm');
    const wrapper = join(ctl, 'transport.sh');
    // The transport: refuses every connection while `down` exists, else runs the service on the bare repository.
    writeFileSync(
      wrapper,
      `#!/bin/sh\n[ -f '${down}' ] && { echo 'connection refused by the test' >&2; exit 1; }\nexec git "\${1#git-}" '${bare}'\n`,
    );
    chmodSync(wrapper, 0o755);
    // Right after the refs are committed on the remote: take the transport down and kill receive-pack, once.
    serverHook(
      bare,
      'reference-transaction',
      `[ "$1" = committed ] || exit 0\nif [ -f '${arm}' ]; then rm -f '${arm}'; touch '${down}'; kill -9 $PPID; fi\nexit 0`,
    );
    const a = makeClone(url, 'alice');
    const b = makeClone(url, 'bob');
    const sprint = a.run(['start', '--phases', independentPhases(2)]).json.sprint_id as string;
    a.git(['config', 'protocol.ext.allow', 'always']);
    a.git(['remote', 'set-url', 'origin', `ext::${wrapper} %S`]);
    expect(a.run(['status', '--fetch']).code).toBe(0);

    writeFileSync(arm, '');
    const r = a.run(['claim', 'p1']);
    expect([r.code, r.json?.error?.code], r.stdout + r.stderr).toEqual([5, 'E_OUTCOME_UNKNOWN']);
    expect(r.json.error.message).toMatch(/may hold your change or not.*sync/);
    expect(existsSync(arm)).toBe(false);
    // The remote did apply it, and the local entry is still there: nobody was told a claim the remote holds was retracted.
    expect(git(bare, 'log', '-1', '--format=%s', `refs/conductor/sprints/${sprint}/phases/p1`)).toMatch(/^claim p1 by alice@/);
    expect(a.run(['status']).json.phases.p1).toMatchObject({ state: 'running', agent: 'alice' });
    // A teammate sees the claim the remote holds.
    expect(b.run(['claim', 'p1']).json.error.code).toBe('E_HELD');

    rmSync(down);
    const s = a.run(['sync']);
    expect(s.code, s.stdout).toBe(0);
    const st = a.run(['status']).json;
    expect(st.phases.p1).toMatchObject({ state: 'running', agent: 'alice' });
    expect(st.remote.unpublished).toEqual([]);
    expect(a.run(['complete', 'p1']).code).toBe(0);
  });
});
