/** status: the documented JSON shape and the human table. */
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { repoPerTest } from './helpers/sprint.js';

const t = repoPerTest();
const { ok } = t;

describe('status', () => {
  it('status --json has the documented shape; the human table has every phase', () => {
    ok('start');
    ok('claim', 'think', '--agent', 'a');
    const s = ok('status');
    expect(Object.keys(s.phases)).toEqual(['think', 'plan', 'build', 'review', 'security', 'qa', 'ship']);
    expect(s.phases.think).toMatchObject({ state: 'running', agent: 'a', at: expect.any(String), expires_at: expect.any(String) });
    expect(s.phases.plan.state).toBe('pending');
    const text = conductor(['status'], { cwd: t.repo }).stdout;
    expect(text).toMatch(/^sprint \S+ {2}active/);
    expect(text).toMatch(/think +running +a@/);
    expect(text).toMatch(/plan +pending +needs think/);
    expect(text).not.toContain('\u001b');
  });
});
