/**
 * A fresh repository for every test, and the assertions the verb tests share: `ok` (exit 0, JSON back),
 * `no` (refused with the documented exit and error code, and the state exactly as it was), `finish`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, expect } from 'vitest';
import { artifact as example } from './artifacts.js';
import { conductor } from './cli.js';
import { makeRepo } from './repo.js';
import { snapshot, stateDir } from './state.js';

/** The phases that complete only with an artifact (src/core/contract/halts.ts). */
export const ARTIFACT_REQUIRED = ['review', 'qa', 'security'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Waits until a claim's lease has run out for everyone: past its end plus the default grace (a tenth of the
 * lease, at most 30 s: core/hold.ts). Short leases, but tests never assume how fast the machine is.
 */
export const untilExpired = (claim: { expires_at: string; claimed_at?: string }) => {
  const end = Date.parse(claim.expires_at);
  const grace = claim.claimed_at ? Math.min(30_000, (end - Date.parse(claim.claimed_at)) / 10) : 0;
  return sleep(Math.max(0, end + grace - Date.now()) + 50);
};

/** Call at the top of a test file (before any beforeEach that uses it): each test gets its own repository. */
export function repoPerTest() {
  let repo = '';
  beforeEach(async () => {
    repo = await makeRepo();
  });
  const ok = (...args: string[]) => {
    const r = conductor([...args, '--json'], { cwd: repo });
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r.json;
  };
  /** Refused with this exit code and error code, and nothing in the state changed. */
  const no = (exit: number, code: string, ...args: string[]) => {
    const before = snapshot(repo);
    const r = conductor([...args, '--json'], { cwd: repo });
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(exit);
    expect(r.json.error.code).toBe(code);
    expect(snapshot(repo)).toEqual(before);
    return r.json.error.message as string;
  };
  /**
   * Claims and completes `phase` as `agent`, with `artifact` (written to <phase>.json) when given; review, qa
   * and security, which cannot complete without one, get their clean example artifact by default.
   */
  const finish = (phase: string, agent = 'lead', artifact: unknown = ARTIFACT_REQUIRED.includes(phase) ? example(phase) : undefined) => {
    ok('claim', phase, '--agent', agent);
    if (artifact === undefined) return ok('complete', phase, '--agent', agent);
    writeFileSync(join(repo, `${phase}.json`), JSON.stringify(artifact));
    return ok('complete', phase, '--agent', agent, '--artifact', `${phase}.json`);
  };
  const sprintFile = (id: string) => JSON.parse(readFileSync(join(stateDir(repo), 'sprints', id, 'sprint.json'), 'utf8'));
  return {
    /** This test's repository. */
    get repo() {
      return repo;
    },
    ok,
    no,
    finish,
    sprintFile,
  };
}
