/** pre-push across machines: the ship gate judges the teammates' phases too, fetching them itself. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitRun } from './helpers/git.js';
import { hookEnv } from './helpers/hooks.js';
import { makeBare, makeClone, type Clone } from './helpers/remote.js';
import { artifactText } from './helpers/artifacts.js';

const done = (c: Clone, phase: string) => {
  mkdirSync(join(c.dir, '.conductor'), { recursive: true });
  writeFileSync(join(c.dir, '.conductor', `${phase}.json`), artifactText(phase));
  expect(c.run(['claim', phase]).code).toBe(0);
  expect(c.run(['complete', phase, '--artifact', `.conductor/${phase}.json`]).code).toBe(0);
};

describe('the ship gate across machines', () => {
  it("judges the teammates' phases too: refuses naming who still holds one, then lets the same push through with no manual fetch", () => {
    const { bare, url } = makeBare();
    const alice = makeClone(url, 'alice');
    const bob = makeClone(url, 'bob');
    expect(alice.run(['start']).code).toBe(0);
    for (const p of ['think', 'plan', 'build']) done(alice, p);
    done(bob, 'review');
    done(bob, 'qa');
    expect(bob.run(['claim', 'security']).code).toBe(0);

    // A branch on the remote already: the first push to an empty remote would pass (nothing to protect yet).
    expect(gitRun(alice.dir, ['push', '-q', '--no-verify', 'origin', 'HEAD:refs/heads/seed']).code).toBe(0);
    const push = () => gitRun(alice.dir, ['push', 'origin', 'HEAD'], { env: hookEnv({ CONDUCTOR_AGENT: 'alice' }) });
    const refused = push();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not ready to ship \(security: running, held by bob@\S+ since [^)]*\)/);
    expect(gitRun(bare, ['rev-parse', '--verify', '-q', 'HEAD']).code).not.toBe(0);

    writeFileSync(join(bob.dir, '.conductor', 'security.json'), artifactText('security'));
    expect(bob.run(['complete', 'security', '--artifact', '.conductor/security.json']).code).toBe(0);
    const ok = push();
    expect(ok.code, ok.stderr).toBe(0);
    expect(gitRun(bare, ['rev-parse', 'HEAD']).stdout).toBe(gitRun(alice.dir, ['rev-parse', 'HEAD']).stdout);
  });
});
