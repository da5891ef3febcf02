/** The V8 code cache of the CLI bundle: written, reused, rewritten when corrupt, and never read from a directory others can write. */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';
import { tempDir } from './helpers/repo.js';

const DIST = resolve(__dirname, '../dist');
const CACHE_RE = /^cli-main\.[0-9a-f]{16}\.v8cache$/;

/** A private copy of the built CLI, so each test owns the directory its cache goes to. */
function install(): string {
  const dir = tempDir('conductor-bin-');
  for (const f of ['cli.cjs', 'cli-main.cjs']) copyFileSync(join(DIST, f), join(dir, f));
  return dir;
}

const run = (bin: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(bin, 'cli.cjs'), '--version'], { env: testEnv(env), encoding: 'utf8' });
const caches = (dir: string) => readdirSync(dir).filter((n) => CACHE_RE.test(n));

describe('the V8 code cache of the CLI bundle', () => {
  it('is written next to the bundle after the first run and used, unchanged, by the next', () => {
    const bin = install();
    expect(run(bin).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const [cache] = caches(bin);
    expect(cache).toBeDefined();
    const before = statSync(join(bin, cache!));
    expect(before.size).toBeGreaterThan(1000);
    expect(run(bin).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(statSync(join(bin, cache!)).mtimeMs).toBe(before.mtimeMs);
  });

  it('rejects a corrupt cache, still runs the command, and rewrites the cache', () => {
    const bin = install();
    run(bin);
    const [cache] = caches(bin);
    writeFileSync(join(bin, cache!), 'not a code cache');
    const r = run(bin);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(readFileSync(join(bin, cache!), 'utf8')).not.toBe('not a code cache');
  });

  it('falls back to a private directory under the temp dir when it cannot write next to the bundle', () => {
    const bin = install();
    const tmp = tempDir('conductor-tmp-');
    run(bin, { TMPDIR: tmp });
    const [name] = caches(bin);
    const blocked = blockedCopy(bin, name!);
    const r = run(blocked, { TMPDIR: tmp });
    expect(r.status).toBe(0);
    const priv = readdirSync(tmp).find((n) => n.startsWith('git-conductor-cache-'));
    expect(priv).toBeDefined();
    expect(statSync(join(tmp, priv!)).mode & 0o077).toBe(0);
    expect(caches(join(tmp, priv!))).toEqual([name]);
  });

  it('does not trust a fallback directory that others can write to', () => {
    const bin = install();
    const tmp = tempDir('conductor-tmp-');
    run(bin, { TMPDIR: tmp });
    const [name] = caches(bin);
    const blocked = blockedCopy(bin, name!);
    const uid = process.getuid?.() ?? 'user';
    mkdirSync(join(tmp, `git-conductor-cache-${uid}`));
    chmodSync(join(tmp, `git-conductor-cache-${uid}`), 0o777);
    const r = run(blocked, { TMPDIR: tmp });
    expect(r.status).toBe(0);
    expect(caches(join(tmp, `git-conductor-cache-${uid}`))).toEqual([]);
  });
});

/**
 * A copy of the bundle whose cache path is taken by a non-empty directory:
 * unreadable as a cache, impossible to rename onto, so the cache must go elsewhere.
 */
function blockedCopy(bin: string, cacheName: string): string {
  const blocked = tempDir('conductor-bin-');
  for (const f of ['cli.cjs', 'cli-main.cjs']) copyFileSync(join(bin, f), join(blocked, f));
  mkdirSync(join(blocked, cacheName));
  writeFileSync(join(blocked, cacheName, 'keep'), '');
  return blocked;
}
