/** Clones pack the loose objects our writes leave, with git's own maintenance, in the background. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBare, makeClone } from './helpers/remote.js';

const counts = (git: (a: string[]) => string) => {
  const out = git(['count-objects', '-v']);
  return { loose: Number(/^count: (\d+)/m.exec(out)![1]), packed: Number(/^in-pack: (\d+)/m.exec(out)![1]) };
};
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
  return ok();
};

describe('maintenance', () => {
  it('after enough objects written, a command starts git maintenance detached and the loose objects get packed', async () => {
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    expect(a.run(['start']).code).toBe(0);
    const files = join(a.dir, '..', 'blobs');
    mkdirSync(files);
    const names = Array.from({ length: 150 }, (_, i) => join(files, `b${i}`));
    names.forEach((f, i) => writeFileSync(f, `blob ${i} ${Math.random()}\n`));
    a.git(['hash-object', '-w', ...names]);
    const before = counts((x) => a.git(x));
    expect(before.loose).toBeGreaterThanOrEqual(150);
    // Just below the threshold: the next published entry crosses it.
    const counter = join(a.dir, '.git', 'conductor', 'loose-objects-written');
    writeFileSync(counter, '.'.repeat(299));
    const t0 = Date.now();
    expect(a.run(['claim', 'think']).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(existsSync(counter)).toBe(false);
    // git's loose-objects task packs them, and deletes the packed loose copies on its next run.
    expect(await until(() => counts((x) => a.git(x)).packed >= 150)).toBe(true);
    writeFileSync(counter, '.'.repeat(299));
    expect(a.run(['renew', 'think']).code).toBe(0);
    expect(await until(() => counts((x) => a.git(x)).loose < 20)).toBe(true);
    expect(a.run(['status']).code).toBe(0);
  });
});
