/**
 * The server's pre-receive hook: the ship gate no client can skip, and
 * conductor refs that only grow by valid appends. Real bare repositories,
 * real pushes (file://, git daemon, smart HTTP), crafted commits.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { artifactText } from './helpers/artifacts.js';
import { conductor } from './helpers/cli.js';
import { testEnv } from './helpers/env.js';
import { git, gitRun, hasRef } from './helpers/git.js';
import { hookEnv } from './helpers/hooks.js';
import { tempDir } from './helpers/repo.js';
import { independentPhases, type Clone } from './helpers/remote.js';
import { serve, skipReason, type Served, type TransportName } from './helpers/transports.js';

const GRAPH = JSON.stringify([
  { name: 'build', concurrency: 'write' },
  { name: 'review', depends_on: ['build'], concurrency: 'read' },
  { name: 'qa', depends_on: ['build'], concurrency: 'read' },
  { name: 'security', depends_on: ['build'], concurrency: 'read' },
  { name: 'ship', depends_on: ['review', 'qa', 'security'], concurrency: 'exclusive' },
]);

const server = (args: string[], cwd = '/') => conductor(['server', ...args, '--json'], { cwd });

function finish(c: Clone, phase: string, text = artifactText(phase)): void {
  mkdirSync(join(c.dir, '.conductor'), { recursive: true });
  writeFileSync(join(c.dir, '.conductor', `${phase}.json`), text);
  expect(c.run(['claim', phase]).code).toBe(0);
  const r = c.run(['complete', phase, '--artifact', `.conductor/${phase}.json`]);
  expect(r.code, r.stdout).toBe(0);
}

/** A push that skips the client's gate every way there is. */
const forcePush = (c: Clone, args: string[]) =>
  gitRun(c.dir, ['push', '--no-verify', ...args], { env: hookEnv({ CONDUCTOR_AGENT: c.agent, CONDUCTOR_HOOKS: '0' }) });

/** The default branch is on the server already (the gate protects updates of it). */
function seeded(t: Served): { bare: string; url: string; a: Clone } {
  const { bare, url } = t.newRemote('guarded.git');
  git(bare, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  const a = t.clone(url, 'alice');
  a.git(['branch', '-M', 'main']);
  expect(forcePush(a, ['origin', 'main']).code).toBe(0);
  const inst = server(['install', bare]);
  expect(inst.code, inst.stdout).toBe(0);
  expect(inst.json.action).toBe('created');
  return { bare, url, a };
}

for (const name of ['file', 'git', 'http'] as TransportName[]) {
  const skip = skipReason(name);
  describe.skipIf(!!skip)(`the server's ship gate over ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let t: Served;
    beforeAll(async () => {
      t = await serve(name);
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('refuses a --no-verify, CONDUCTOR_HOOKS=0 push to main until review, qa and security are done, then accepts it', () => {
      const { bare, a } = seeded(t);
      expect(a.run(['start', '--phases', GRAPH]).code).toBe(0);
      finish(a, 'build');
      finish(a, 'review');
      expect(a.run(['claim', 'qa']).code).toBe(0);
      a.git(['commit', '-q', '--allow-empty', '-m', 'release candidate']);
      const refused = forcePush(a, ['origin', 'main']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(
        /push of refs\/heads\/main refused: sprint \S+ is not ready to ship \(qa: running, held by alice@\S+ since [^;]+; security: ready, nobody holds it\)\. Finish those phases \(git conductor status\)/,
      );
      expect(refused.stderr).toContain('pre-receive hook declined');
      expect(git(bare, 'rev-parse', 'main')).not.toBe(a.git(['rev-parse', 'HEAD']));
      // Other branches and v-less tags pass; a v* tag does not.
      expect(forcePush(a, ['origin', 'HEAD:refs/heads/feature']).code).toBe(0);
      expect(forcePush(a, ['origin', 'HEAD:refs/tags/v1.0']).code).not.toBe(0);
      const st = server(['status', bare]).json;
      expect(st.sprint).toMatchObject({ ready: false, missing: ['qa', 'security'] });
      finish(a, 'security');
      writeFileSync(join(a.dir, '.conductor', 'qa.json'), artifactText('qa'));
      const r = a.run(['complete', 'qa', '--artifact', '.conductor/qa.json']);
      expect(r.code, r.stdout).toBe(0);
      const ok = forcePush(a, ['origin', 'main']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(git(bare, 'rev-parse', 'main')).toBe(a.git(['rev-parse', 'HEAD']));
      expect(server(['status', bare]).json.sprint.ready).toBe(true);
    });
  });
}

describe('conductor refs on a guarded server only grow by valid appends', () => {
  let t: Served;
  beforeAll(async () => {
    t = await serve('file');
  });

  it('refuses a rewind, a fork, an invalid record, a foreign ref name and deleting the active sprint; allows deleting an archived one', () => {
    const { bare, url, a } = seeded(t);
    const sprintId = a.run(['start', '--phases', GRAPH]).json.sprint_id;
    finish(a, 'build');
    const ref = `refs/conductor/sprints/${sprintId}/phases/build`;
    const tip = git(bare, 'rev-parse', ref);
    const parent = git(bare, 'rev-parse', `${ref}~1`);
    const mallory = t.clone(url, 'mallory', { init: false });
    mallory.git(['fetch', '-q', 'origin', `+refs/conductor/*:refs/conductor/*`]);
    const push = (spec: string) => gitRun(mallory.dir, ['push', '--no-verify', '--porcelain', 'origin', spec], { env: hookEnv() });

    const rewind = push(`+${parent}:${ref}`);
    expect(rewind.code).not.toBe(0);
    expect(rewind.stderr).toMatch(/push to refs\/conductor\/sprints\/\S+\/phases\/build refused: a rewind/);
    // A fork: another entry 2 on the same entry 1.
    const tree = mallory.git(['rev-parse', `${tip}^{tree}`]);
    const fork = mallory.git(['commit-tree', tree, '-p', parent, '-m', 'complete build by mallory@evil']);
    const forked = push(`+${fork}:${ref}`);
    expect(forked.stderr).toMatch(/not a fast-forward/);
    // An append whose record is invalid (wrong sequence number, as crafted JSON).
    const record = JSON.parse(mallory.git(['cat-file', 'blob', `${tip}:record.json`]));
    const bad = { ...record, seq: 7, kind: 'claim', id: '0123456789abcdef', expires_at: new Date(Date.now() + 3600e3).toISOString() };
    delete bad.artifact;
    writeFileSync(join(mallory.dir, 'rec.json'), JSON.stringify(bad));
    const blob = mallory.git(['hash-object', '-w', 'rec.json']);
    const t2 = gitRun(mallory.dir, ['mktree'], { input: `100644 blob ${blob}\trecord.json\n` }).stdout.trim();
    const appended = mallory.git(['commit-tree', t2, '-p', tip, '-m', 'claim build by mallory@evil']);
    const invalid = push(`${appended}:${ref}`);
    expect(invalid.stderr).toMatch(/record seq 7 at depth 3/);
    // A head entry naming a sprint the repository does not have.
    const headTip = git(bare, 'rev-parse', 'refs/conductor/head');
    const headRecord = JSON.parse(mallory.git(['cat-file', 'blob', `${headTip}:record.json`]));
    writeFileSync(
      join(mallory.dir, 'head.json'),
      JSON.stringify({ ...headRecord, seq: headRecord.seq + 1, id: 'fedcba9876543210', sprint_id: '20990101-000000-abcdef' }),
    );
    const headBlob = mallory.git(['hash-object', '-w', 'head.json']);
    const headTree = gitRun(mallory.dir, ['mktree'], { input: `100644 blob ${headBlob}\trecord.json\n` }).stdout.trim();
    const ghost = mallory.git(['commit-tree', headTree, '-p', headTip, '-m', 'start 20990101-000000-abcdef by mallory@evil']);
    expect(push(`${ghost}:refs/conductor/head`).stderr).toMatch(/names sprint 20990101-000000-abcdef, which has no valid sprint ref/);
    expect(push(`${tip}:refs/conductor/sprints/${sprintId}/phases/../x`).code).not.toBe(0);
    const foreign = push(`${tip}:refs/conductor/evil`);
    expect(foreign.stderr).toMatch(/not a ref name git-conductor writes/);
    const del = push(`:${ref}`);
    expect(del.stderr).toMatch(/deletes a ref of the active sprint/);
    expect(git(bare, 'rev-parse', ref)).toBe(tip);

    // A new sprint archives this one: its refs may go now (retention), the new one's may not.
    const next = a.run(['start', '--phases', GRAPH]).json.sprint_id;
    mallory.git(['fetch', '-q', 'origin', `+refs/conductor/*:refs/conductor/*`]);
    expect(push(`:${ref}`).code).toBe(0);
    expect(hasRef(bare, ref)).toBe(false);
    expect(push(`:refs/conductor/sprints/${next}/sprint`).stderr).toMatch(/active sprint/);
    expect(push(':refs/conductor/head').stderr).toMatch(/never deleted/);
    // The tool's own appends and doctor's probe still go through.
    finish(a, 'build');
    expect(a.run(['doctor']).json.ok).toBe(true);
  });

  it('guards a team on the fallback namespace (refs/heads/conductor) the same way', () => {
    const { bare, a } = seeded(t);
    expect(a.run(['init', '--namespace', 'refs/heads/conductor']).code).toBe(0);
    const sprintId = a.run(['start', '--phases', GRAPH]).json.sprint_id;
    finish(a, 'build');
    expect(server(['status', bare]).json).toMatchObject({ namespace: 'refs/heads/conductor', sprint: { id: sprintId, ready: false } });
    a.git(['commit', '-q', '--allow-empty', '-m', 'release candidate']);
    expect(forcePush(a, ['origin', 'main']).stderr).toMatch(
      /push of refs\/heads\/main refused: sprint \S+ is not ready to ship \(review: ready/,
    );
    const ref = `refs/heads/conductor/sprints/${sprintId}/phases/build`;
    expect(forcePush(a, ['origin', `+${git(bare, 'rev-parse', `${ref}~1`)}:${ref}`]).stderr).toMatch(/a rewind/);
    for (const p of ['review', 'qa', 'security']) finish(a, p);
    expect(forcePush(a, ['origin', 'main']).code).toBe(0);
  });

  it('clones racing through a guarded server: still exactly one winner per phase', async () => {
    const { bare, url, a } = seeded(t);
    const sprintId = a.run(['start', '--phases', independentPhases(3)]).json.sprint_id;
    const clones = [a, ...['ben', 'cy', 'dee'].map((n) => t.clone(url, n))];
    for (let n = 1; n <= 3; n++) {
      const results = await Promise.all(clones.map((c) => c.runAsync(['claim', `p${n}`])));
      expect(results.map((r) => r.code).sort(), results.map((r) => r.stdout).join('\n')).toEqual([0, 3, 3, 3]);
      const w = results.find((r) => r.code === 0)!.json;
      expect(git(bare, 'log', '--format=%s', `refs/conductor/sprints/${sprintId}/phases/p${n}`)).toBe(
        `claim p${n} by ${w.agent}@${w.host}`,
      );
    }
  });

  it('chains an existing pre-receive (fed the same stdin) and restores it byte for byte on uninstall', () => {
    const { bare, url } = t.newRemote('chained.git');
    const hook = join(bare, 'hooks', 'pre-receive');
    const seen = join(tempDir(), 'seen');
    const original = `#!/bin/sh\n# the team's own hook\ncat > '${seen}'\nexit 0\n`;
    writeFileSync(hook, original);
    chmodSync(hook, 0o750);
    const inst = server(['install', bare]);
    expect(inst.json).toMatchObject({ action: 'chained', chained: `${hook}.pre-conductor` });
    expect(server(['install', bare]).json.action).toBe('unchanged');
    expect(server(['status', bare]).json).toMatchObject({ state: 'installed', chained: `${hook}.pre-conductor`, cli_found: true });
    const a = t.clone(url, 'alice');
    expect(a.run(['start']).code).toBe(0);
    expect(readFileSync(seen, 'utf8')).toMatch(
      /^0{40} [0-9a-f]{40} refs\/conductor\/(head|sprints\/\S+\/sprint)\n0{40} [0-9a-f]{40} refs\/conductor\/(head|sprints\/\S+\/sprint)\n$/,
    );
    // The chained hook's refusal still refuses.
    writeFileSync(`${hook}.pre-conductor`, `#!/bin/sh\ncat > '${seen}'\necho 'team hook says no' >&2\nexit 1\n`);
    expect(a.run(['claim', 'think']).code).toBe(5);
    writeFileSync(`${hook}.pre-conductor`, original);
    chmodSync(`${hook}.pre-conductor`, 0o750);
    const un = server(['uninstall', bare]);
    expect(un.json.action).toBe('restored');
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect(statSync(hook).mode & 0o777).toBe(0o750);
    expect(existsSync(`${hook}.pre-conductor`)).toBe(false);
    expect(server(['uninstall', bare]).json.action).toBe('left');
  });

  it('refuses every push, saying why, when the hook cannot find its CLI; refuses a non-bare repository', () => {
    const { bare, url } = t.newRemote('nocli.git');
    const r = server(['install', bare]);
    expect(r.code).toBe(0);
    const hook = join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^conductor_cli=.*$/m, "conductor_cli='/nonexistent/cli.cjs'"));
    const a = t.clone(url, 'alice', { init: false });
    const p = gitRun(a.dir, ['push', 'origin', 'HEAD:refs/heads/x'], { env: hookEnv({}, { cli: false }) });
    expect(p.code).not.toBe(0);
    expect(p.stderr).toMatch(/cannot find the git-conductor CLI .*refuses the push/);
    // With git-conductor on PATH the stub falls back to it.
    expect(gitRun(a.dir, ['push', 'origin', 'HEAD:refs/heads/x'], { env: hookEnv() }).code).toBe(0);
    expect(server(['status', bare]).json).toMatchObject({ state: 'outdated', cli_found: false });
    const notBare = server(['install', a.dir]);
    expect(notBare.code).toBe(2);
    expect(notBare.json.error.code).toBe('E_NOT_BARE');
    expect(server(['install', join(a.dir, 'nope')]).json.error.code).toBe('E_NOT_A_REPO');
  });
});

describe('verify: the CI check for hosted remotes', () => {
  it('exits 4 naming what is missing, then 0 once the sprint may ship; reads fetched refs or fetches them', async () => {
    const t = await serve('file');
    const { url } = t.newRemote('hosted.git');
    const a = t.clone(url, 'alice');
    const ci = t.clone(url, 'ci', { init: false });
    expect(ci.run(['verify']).json).toMatchObject({ ready: true, ref: 'refs/conductor' });
    expect(a.run(['start', '--phases', GRAPH]).code).toBe(0);
    finish(a, 'build');
    ci.git(['fetch', '-q', 'origin', '+refs/conductor/*:refs/conductor/*']);
    const no = ci.run(['verify', '--ref', 'refs/conductor']);
    expect(no.code).toBe(4);
    expect(no.json.error).toMatchObject({ code: 'E_SHIP_GATE', missing: [{ phase: 'review' }, { phase: 'qa' }, { phase: 'security' }] });
    expect(conductor(['verify'], { cwd: ci.dir }).stderr).toMatch(/is not ready to ship \(review: ready, nobody holds it; qa: ready/);
    for (const p of ['review', 'qa', 'security']) finish(a, p);
    expect(ci.run(['verify']).code).toBe(4); // not fetched yet
    const yes = ci.run(['verify', '--remote', 'origin']);
    expect(yes.code, yes.stdout).toBe(0);
    expect(yes.json).toMatchObject({ ready: true, ref: 'refs/conductor-remotes/origin' });
    expect(ci.run(['verify', '--ref', 'refs/heads/../x']).code).toBe(2);
    expect(ci.run(['verify', '--ref', 'refs/conductor', '--remote', 'origin']).code).toBe(2);
  });
});

describe('the CI template', () => {
  it('its fetch and verify steps fail the check while the sprint may not ship, and pass once it may', async () => {
    const yml = readFileSync(join(__dirname, '../templates/ci/conductor-ship-gate.yml'), 'utf8');
    const steps = [...yml.matchAll(/^\s+run: (.+)$/gm)].map((m) => m[1]!).filter((l) => !l.startsWith('npm '));
    expect(steps).toHaveLength(2);
    // The project's devDependency stands in for npx here: the shim on PATH runs the built CLI.
    const script = steps.map((l) => l.replace('npx --no-install git-conductor', 'git-conductor')).join(' && ');
    const t = await serve('file');
    const { url } = t.newRemote('actions.git');
    const a = t.clone(url, 'alice');
    const ci = t.clone(url, 'ci', { init: false });
    expect(a.run(['start', '--phases', GRAPH]).code).toBe(0);
    finish(a, 'build');
    const check = () => spawnSync('sh', ['-c', script], { cwd: ci.dir, env: testEnv(hookEnv()), encoding: 'utf8' });
    const red = check();
    expect(red.status, red.stderr).toBe(4);
    expect(red.stderr).toMatch(/not ready to ship/);
    for (const p of ['review', 'qa', 'security']) finish(a, p);
    const green = check();
    expect(green.status, green.stderr).toBe(0);
    expect(green.stdout).toMatch(/may ship/);
  });
});
