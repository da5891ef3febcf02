/** npm run demo: a whole sprint across three clones, every key event reported. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testEnv } from './helpers/env.js';

const DEMO = resolve(__dirname, '../scripts/demo.mjs');

describe('npm run demo', () => {
  it('runs a whole sprint across three clones and reports every key event', () => {
    const r = spawnSync(process.execPath, [DEMO], { env: testEnv(), encoding: 'utf8', timeout: 280_000 });
    const out = r.stdout;
    expect(r.status, `${out}\n${r.stderr}`).toBe(0);
    expect(out).not.toMatch(/\u001b\[/); // not a TTY: no colour
    // The cross-machine race: one winner, five losers who were told who won.
    const race = /✓ exactly one winner: (\S+) on \S+/.exec(out);
    expect(race, out).not.toBeNull();
    expect(out).toContain(`✓ the other five exit 3, told that ${race![1]} holds it`);
    expect(out).toMatch(/✓ exactly one winner on one machine: \S+/);
    expect(out).toMatch(/git-conductor: completed build \(commit [0-9a-f]{12}\)/);
    expect(out).toContain("✓ the artifact travelled in the phase's ref");
    // The artifact contract: a wrong severity is named with what is allowed; a pasted key is redacted before it is stored.
    expect(out).toContain('findings[0].severity: "low" is not allowed; allowed: blocking, should_fix, nitpick, positive');
    expect(out).toContain('✓ exit 2, naming the path, what was found and what is allowed');
    expect(out).toContain('redacted 1 secret(s) before storing: aws-access-key-id at findings[0].proof_of_concept');
    expect(out).toContain('"proof_of_concept": "found [REDACTED:aws-access-key-id] in a log line"');
    expect(out).not.toMatch(/AKIA[0-9A-Z]{16}/);
    // The ship gate: refused while security runs, then the same push goes through.
    expect(out).toMatch(/refused: sprint \S+ is not ready to ship \(security: running, held by gemini@/);
    expect(out.indexOf('✓ push refused by the ship gate')).toBeLessThan(out.indexOf('✓ push accepted'));
    expect(out).toMatch(/sprint \S+\s+archived/);
    expect(out).toContain("✓ sprint archived, as seen from alice's laptop");
    expect(out).toMatch(/complete build by codex@\S+\n\s+\S+ claim build by codex@/);
    // Context handoff, resume, the journal and the team's history.
    expect(out).toMatch(/context for review: sprint \S+ \(active, as of /);
    expect(out).toContain('✓ resume: continue review, with the lease left');
    expect(out).toMatch(/✓ journal written to \S+journal\.md/);
    expect(out).toContain("✓ codex's claim of build and bob's ship, made on bob's laptop, are in alice's log");
    expect(out).toMatch(/Demo finished: \d+ expected outcomes, all seen/);
    // It cleans up after itself.
    const dir = /throwaway directory: (\S+)/.exec(out)![1]!;
    expect(existsSync(dir)).toBe(false);
  }, 300_000);
});
