/** Leases that keep themselves: renew --if-held, never shortened, capped by lease_ttl_max, and a displaced holder told who took over. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor as cli } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';

const as = (agent: string, args: string[], cwd: string) => cli([...args, '--json', '--agent', agent], { cwd });
const leftS = (r: { json: { expires_at: string } }) => (Date.parse(r.json.expires_at) - Date.now()) / 1000;

async function sprint(config?: object): Promise<string> {
  const repo = await makeRepo();
  if (config) writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify(config));
  expect(as('lead', ['start'], repo).code).toBe(0);
  return repo;
}

describe('leases', () => {
  it('renew --if-held succeeds doing nothing when you hold nothing, and renews what you hold', async () => {
    const repo = await sprint();
    const none = as('ann', ['renew', '--if-held'], repo);
    expect(none.code).toBe(0);
    expect(none.json).toMatchObject({ agent: 'ann', renewed: [], displaced: [] });
    expect(cli(['renew', '--if-held', '--agent', 'ann'], { cwd: repo }).stdout).toContain('ann holds nothing');
    expect(as('ann', ['renew', 'think', '--if-held'], repo).code).toBe(0);
    expect(as('ann', ['renew', 'think'], repo).json.error.code).toBe('E_NOT_CLAIMED');
    expect(as('ann', ['renew'], repo).json.error.code).toBe('E_USAGE');
    as('ann', ['claim', 'think', '--ttl', '10m'], repo);
    const r = as('ann', ['renew', '--if-held', '--ttl', '45m'], repo);
    expect(r.code).toBe(0);
    expect(r.json.renewed.map((x: { phase: string }) => x.phase)).toEqual(['think']);
    expect(leftS({ json: r.json.renewed[0] })).toBeGreaterThan(40 * 60);
  });

  it('re-claiming or renewing never shortens a lease', async () => {
    const repo = await sprint();
    as('ann', ['claim', 'think'], repo);
    expect(leftS(as('ann', ['renew', 'think', '--ttl', '2h'], repo))).toBeGreaterThan(7000);
    const again = as('ann', ['claim', 'think'], repo);
    expect(again.json.kind).toBe('renew');
    expect(leftS(again)).toBeGreaterThan(7000);
    expect(leftS(as('ann', ['renew', 'think', '--ttl', '5m'], repo))).toBeGreaterThan(7000);
  });

  it('lease_ttl_max caps every lease', async () => {
    const repo = await sprint({ lease_ttl_max: '30m' });
    const c = as('ann', ['claim', 'think', '--ttl', '5h'], repo);
    expect(c.json.capped).toBe(true);
    expect(leftS(c)).toBeLessThanOrEqual(30 * 60);
    expect(leftS(c)).toBeGreaterThan(29 * 60);
    expect(as('ann', ['renew', 'think', '--ttl', '2h'], repo).json.capped).toBe(true);
    expect(cli(['claim', 'think', '--agent', 'ann', '--ttl', '2h'], { cwd: repo }).stdout).toContain('capped by lease_ttl_max');
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ lease_ttl_max: 'forever' }));
    const bad = as('ann', ['renew', 'think'], repo);
    expect(bad.code).toBe(2);
    expect(bad.json.error.message).toContain('lease_ttl_max in .git-conductor.json');
  });

  it("a displaced holder's next command names who took over, when, and why", async () => {
    const repo = await sprint();
    expect(as('ann', ['claim', 'think', '--ttl', '1s'], repo).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1300));
    const taken = as('bob', ['claim', 'think'], repo);
    expect(taken.json.kind).toBe('takeover');
    for (const args of [
      ['complete', 'think'],
      ['renew', 'think'],
      ['abort', 'think'],
    ]) {
      const r = as('ann', args, repo);
      expect(r.code).toBe(3);
      expect(r.json.error.message).toContain(`"think" was taken from you by bob@`);
      expect(r.json.error.message).toContain('your lease had expired');
      expect(r.json.error.displaced).toMatchObject({ phase: 'think', by: 'bob', at: taken.json.claimed_at });
    }
    expect(as('ann', ['next'], repo).json.displaced).toEqual([expect.objectContaining({ phase: 'think', by: 'bob' })]);
    // Still named after the new holder renews.
    as('bob', ['renew', 'think'], repo);
    expect(as('ann', ['renew', '--if-held'], repo).json.displaced).toEqual([expect.objectContaining({ phase: 'think', by: 'bob' })]);
    expect(as('ann', ['complete', 'think'], repo).json.error.message).toContain('taken from you by bob');
    // A forced release says so too.
    as('bob', ['abort', 'think'], repo);
    as('ann', ['claim', 'think'], repo);
    as('cy', ['abort', 'think', '--force'], repo);
    expect(as('ann', ['complete', 'think'], repo).json.error.message).toMatch(/taken from you by cy@.*by force/);
  });

  it("holds anyone's lease only as long as the project's lease_ttl_max, however long it says it is", async () => {
    const repo = await sprint();
    expect(as('ann', ['claim', 'think', '--ttl', '5h'], repo).code).toBe(0);
    // The project then caps leases at 1h: ann's 5h lease counts as 1h on every clone that reads this config.
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ lease_ttl_max: '1h' }));
    const later = { CONDUCTOR_TEST_CLOCK_OFFSET_MS: String(90 * 60_000) };
    // status judges it as claims do: ended an hour after it began, not in five.
    const shown = cli(['status', '--json'], { cwd: repo, env: later }).json.phases.think;
    expect(shown).toMatchObject({ state: 'running', expired: true });
    expect(Date.parse(shown.expires_at) - Date.parse(shown.at)).toBe(3600_000);
    const took = cli(['claim', 'think', '--json', '--agent', 'bob'], { cwd: repo, env: later });
    expect(took.code, took.stdout).toBe(0);
    expect(took.json).toMatchObject({ kind: 'takeover', previous: { agent: 'ann' } });
  });
});
