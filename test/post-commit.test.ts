/** post-commit: a Conductor-Phase trailer completes the committer's phase, with the committed artifact. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { git, gitRun } from './helpers/git.js';
import { commit, hookEnv, phaseOf, sprintRepo } from './helpers/hooks.js';
import { artifactText } from './helpers/artifacts.js';

describe('post-commit hook', () => {
  let repo: string;
  beforeAll(async () => {
    ({ repo } = await sprintRepo());
  });

  it('completes the phase the committer holds, with the artifact the commit adds, and records the commit', () => {
    expect(conductor(['claim', 'review', '--json'], { cwd: repo, agent: 'rita' }).code).toBe(0);
    const artifact = artifactText('review', { summary: { blocking: 0 }, findings: [{ severity: 'nitpick', description: 'typo' }] }) + '\n';
    const r = commit(repo, 'rita', ['review: looks good', 'Conductor-Phase: review'], { '.conductor/review.json': artifact });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('completed review with .conductor/review.json');
    const head = git(repo, 'rev-parse', 'HEAD');
    const p = phaseOf(repo, 'review');
    expect(p.state).toBe('done');
    expect(p.agent).toBe('rita');
    expect(p.commit).toBe(head);
    expect(p.artifact.source).toBe('.conductor/review.json');
    const shown = conductor(['artifact', 'show', 'review', '--json'], { cwd: repo }).json;
    expect(shown.content).toEqual(JSON.parse(artifact));
    // Never amends: the commit is exactly the one git made (one reflog entry for it).
    expect(git(repo, 'log', '-1', '--format=%B')).toContain('Conductor-Phase: review');
    expect(git(repo, 'reflog', '-1', '--format=%H')).toBe(head);
  });

  it('uses the committed bytes, not the work tree, and never stages anything', () => {
    expect(conductor(['claim', 'qa', '--json'], { cwd: repo, agent: 'quinn' }).code).toBe(0);
    writeFileSync(join(repo, 'notes.txt'), 'unstaged work\n');
    git(repo, 'add', '-N', 'notes.txt');
    const before = git(repo, 'status', '--porcelain');
    const committed = artifactText('qa', { summary: { status: 'pass', tests_run: 10, tests_passed: 10, tests_failed: 0 } }) + '\n';
    const r = commit(repo, 'quinn', ['qa: all green', 'Conductor-Phase: qa'], { '.conductor/qa.json': committed });
    // Change the work-tree copy after committing the real one: the hook must read the commit.
    writeFileSync(
      join(repo, '.conductor/qa.json'),
      artifactText('qa', { summary: { status: 'fail', tests_run: 10, tests_passed: 1, tests_failed: 9 } }) + '\n',
    );
    expect(r.code).toBe(0);
    expect(conductor(['artifact', 'show', 'qa', '--json'], { cwd: repo }).json.content).toEqual(JSON.parse(committed));
    expect(git(repo, 'status', '--porcelain', '--', 'notes.txt')).toBe(before.split('\n').find((l) => l.includes('notes.txt')));
    git(repo, 'checkout', '--', '.conductor/qa.json');
  });

  it('ignores a trailer from an agent that does not hold the phase', () => {
    expect(conductor(['claim', 'security', '--json'], { cwd: repo, agent: 'sam' }).code).toBe(0);
    const r = commit(repo, 'mallory', ['drive-by', 'Conductor-Phase: security'], { '.conductor/security.json': artifactText('security') });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Conductor-Phase security ignored: held by sam@\S+, not by mallory/);
    expect(phaseOf(repo, 'security')).toMatchObject({ state: 'running', agent: 'sam' });
  });

  it('keeps the commit but does not complete the phase when the committed artifact is invalid', () => {
    const r = commit(repo, 'sam', ['security: oops', 'Conductor-Phase: security'], { '.conductor/security.json': '{"findings": "none"' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/security NOT completed: artifact \.conductor\/security\.json is not valid JSON/);
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('security: oops');
    expect(phaseOf(repo, 'security').state).toBe('running');
    const wrongShape = commit(repo, 'sam', ['security: wrong shape', 'Conductor-Phase: security'], {
      '.conductor/security.json': artifactText('security', { findings: 'none' }),
    });
    expect(wrongShape.stderr).toMatch(/does not fit the security contract \(schema_version 1\): findings: expected an array, found "none"/);
    expect(phaseOf(repo, 'security').state).toBe('running');
  });

  it('says nothing and changes nothing for a commit without the trailer by an agent holding nothing', () => {
    const before = readFileSync(join(repo, '.git', 'conductor', 'audit.jsonl'), 'utf8');
    const r = commit(repo, 'nora', ['plain work'], { 'src.txt': 'x\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('git-conductor');
    expect(readFileSync(join(repo, '.git', 'conductor', 'audit.jsonl'), 'utf8')).toBe(before);
  });

  it("renews the committer's held phase on a commit without the trailer, once half its lease has run", async () => {
    expect(conductor(['abort', 'security'], { cwd: repo, agent: 'sam' }).code).toBe(0);
    expect(conductor(['claim', 'security', '--ttl', '2s'], { cwd: repo, agent: 'sam' }).code).toBe(0);
    const early = commit(repo, 'sam', ['early work'], { 'src1.txt': 'w\n' });
    expect(early.stderr).toBe('');
    await new Promise((r) => setTimeout(r, 1500));
    const before = phaseOf(repo, 'security').expires_at;
    const r = commit(repo, 'sam', ['more work'], { 'src2.txt': 'y\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('git-conductor: renewed security for sam');
    expect(Date.parse(phaseOf(repo, 'security').expires_at) - Date.parse(before)).toBeGreaterThan(3_000_000);
    // Freshly renewed: the next commit does not even start the CLI.
    expect(commit(repo, 'sam', ['even more'], { 'src3.txt': 'z\n' }).stderr).toBe('');
  });

  it('warns and lets the commit through when the CLI cannot be found, or when CONDUCTOR_HOOKS=0', () => {
    // Not on PATH, and not where 'hooks install' recorded it either.
    git(repo, 'config', '--unset', 'conductor.cli');
    const missing = gitRun(repo, ['commit', '--allow-empty', '-m', 'sec', '-m', 'Conductor-Phase: security'], {
      env: hookEnv({ CONDUCTOR_AGENT: 'sam' }, { cli: false }),
    });
    expect(missing.code).toBe(0);
    expect(missing.stderr).toContain('git-conductor - CLI not found on PATH, where');
    expect(missing.stderr).toContain('the commit stands');
    const off = commit(repo, 'sam', ['sec', 'Conductor-Phase: security'], {}, { CONDUCTOR_HOOKS: '0' });
    expect(off.code).toBe(0);
    expect(off.stderr).toBe('');
    expect(phaseOf(repo, 'security').state).toBe('running');
    // Without an artifact in the commit, security (whose findings decide shipping) is not completed; the commit stands.
    const bare = commit(repo, 'sam', ['security: fine', 'Conductor-Phase: security']);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain('security needs an artifact');
    expect(phaseOf(repo, 'security').state).toBe('running');
  });
});

describe('post-commit with a lease that ran out', () => {
  it('does not complete a write phase whose lease ran out while another write phase is held: the same rule as complete', async () => {
    const { repo } = await sprintRepo();
    const as = (agent: string, ...args: string[]) => conductor([...args, '--json'], { cwd: repo, agent });
    expect(as('lead', 'start', '--phases', JSON.stringify([{ name: 'w1' }, { name: 'w2' }])).code).toBe(0);
    const c = as('vera', 'claim', 'w1', '--ttl', '1s').json;
    await new Promise((r) => setTimeout(r, Date.parse(c.expires_at) - Date.now() + 200));
    expect(as('paul', 'claim', 'w2').code).toBe(0);
    const r = commit(repo, 'vera', ['w1: done late', 'Conductor-Phase: w1'], { 'w1.txt': 'late\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/w1 NOT completed: .*cannot run while "w2"/);
    expect(phaseOf(repo, 'w1')).toMatchObject({ state: 'running', agent: 'vera', expired: true });
  });
});
