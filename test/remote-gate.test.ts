import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, hookEnv } from './helpers/hooks.js';
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

    const push = () => git(['push', 'origin', 'HEAD'], alice.dir, hookEnv({ CONDUCTOR_AGENT: 'alice' }));
    const refused = push();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not ready to ship \(security: running, held by bob@\S+ since [^)]*\)/);
    expect(git(['rev-parse', '--verify', '-q', 'HEAD'], bare).code).not.toBe(0);

    writeFileSync(join(bob.dir, '.conductor', 'security.json'), artifactText('security'));
    expect(bob.run(['complete', 'security', '--artifact', '.conductor/security.json']).code).toBe(0);
    const ok = push();
    expect(ok.code, ok.stderr).toBe(0);
    expect(git(['rev-parse', 'HEAD'], bare).stdout).toBe(git(['rev-parse', 'HEAD'], alice.dir).stdout);
  });
});
