/** post-commit with a coordination remote that hangs or is gone: the commit returns in time and the phase completes offline. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from './helpers/git.js';
import { commit } from './helpers/hooks.js';
import { makeBare, makeClone, serverHook } from './helpers/remote.js';
import { artifactText } from './helpers/artifacts.js';

describe('post-commit across machines', () => {
  it('gives up on a hanging remote at CONDUCTOR_HOOK_TIMEOUT_MS, completes offline with the commit and its artifact, and sync publishes it', () => {
    const { bare, url } = makeBare();
    const ana = makeClone(url, 'ana');
    expect(ana.run(['start']).code).toBe(0);
    expect(ana.run(['claim', 'think']).code).toBe(0);
    // The remote accepts the connection, then hangs (at most 12 s, while the marker exists).
    const marker = join(bare, 'hang');
    writeFileSync(marker, '');
    serverHook(bare, 'pre-receive', `i=0; while [ -e "${marker}" ] && [ $i -lt 120 ]; do sleep 0.1; i=$((i+1)); done; exit 1`);
    const artifact = artifactText('think', { summary: { value_proposition: 'the problem, understood' } }) + '\n';
    const t0 = Date.now();
    const r = commit(
      ana.dir,
      'ana',
      ['think: notes', 'Conductor-Phase: think'],
      { '.conductor/think.json': artifact },
      { CONDUCTOR_HOOK_TIMEOUT_MS: '2000' },
    );
    const took = Date.now() - t0;
    expect(r.code).toBe(0);
    expect(took).toBeLessThan(5000);
    const head = git(ana.dir, 'rev-parse', 'HEAD');
    expect(r.stderr).toContain(`completed think with .conductor/think.json (commit ${head.slice(0, 12)}) offline`);
    expect(r.stderr).toContain("'git conductor sync' publishes it later");
    const local = ana.run(['status']).json;
    expect(local.phases.think).toMatchObject({ state: 'done', commit: head, unpublished: true });

    serverHook(bare, 'pre-receive', 'exit 0');
    const sync = ana.run(['sync']);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    const bob = makeClone(url, 'bob');
    expect(bob.run(['status', '--fetch']).json.phases.think).toMatchObject({ state: 'done', agent: 'ana', commit: head });
    expect(bob.run(['artifact', 'show', 'think']).json.content).toEqual(JSON.parse(artifact));
    rmSync(marker);
  }, 60_000);

  it('completes offline at once when the remote is unreachable, keeping the commit id', () => {
    const { url } = makeBare();
    const ana = makeClone(url, 'ana');
    expect(ana.run(['start']).code).toBe(0);
    expect(ana.run(['claim', 'think']).code).toBe(0);
    ana.git(['remote', 'set-url', 'origin', `${url}-gone`]);
    const r = commit(ana.dir, 'ana', ['think: bare', 'Conductor-Phase: think']);
    const head = git(ana.dir, 'rev-parse', 'HEAD');
    expect(r.stderr).toContain(`completed think (commit ${head.slice(0, 12)}) offline`);
    expect(r.stderr).toMatch(/cannot reach the coordination remote "origin"/);
    expect(r.stderr).not.toContain('NOT completed');
    ana.git(['remote', 'set-url', 'origin', url]);
    expect(ana.run(['sync']).code).toBe(0);
    const bob = makeClone(url, 'bob');
    expect(bob.run(['status', '--fetch']).json.phases.think).toMatchObject({ state: 'done', commit: head });
  });
});
