/** The artifact contract when completing and reading back, through the real CLI: redaction, provenance, grade, thresholds, custom schemas, tampering, the hooks. */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeEach, describe, expect, it } from 'vitest';
import { artifact, artifactText, templatePath } from './helpers/artifacts.js';
import { CLI, conductor } from './helpers/cli.js';
import { git, gitRun, hasRef } from './helpers/git.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { auditEvents, phaseDir, snapshot, stateDir } from './helpers/state.js';
import { testEnv } from './helpers/env.js';
import { commit, hookEnv, sprintRepo } from './helpers/hooks.js';

const PHASES = ['think', 'plan', 'build', 'review', 'qa', 'security', 'ship'];
let repo: string;
const sh = (...args: string[]) => conductor(args, { cwd: repo });
const as = (agent: string, args: string[], cwd: string) => conductor([...args, '--json'], { cwd, agent });
const ok = (...args: string[]) => {
  const r = sh(...args, '--json');
  expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.json;
};
const write = (name: string, text: string) => {
  writeFileSync(join(repo, name), text);
  return name;
};
const sprintId = () => ok('status').sprint_id as string;
const storedFile = (phase: string) => {
  const dir = phaseDir(repo, sprintId(), phase);
  const last = readdirSync(dir)
    .filter((n) => /^\d+$/.test(n))
    .sort()
    .pop()!;
  return join(dir, last, 'artifact.json');
};
/** Claims and completes `phase` (its dependencies first, without artifacts) as `a`. */
const reach = (phase: string) => {
  const order = PHASES.slice(0, PHASES.indexOf(phase));
  for (const p of order.filter((p) => !['review', 'qa', 'security'].includes(p) || phase === 'ship')) {
    ok('claim', p, '--agent', 'a');
    ok('complete', p, '--agent', 'a');
  }
  ok('claim', phase, '--agent', 'a');
};

beforeEach(async () => {
  repo = await makeRepo();
});

describe('complete and the contract', () => {
  beforeEach(() => ok('start'));

  it('refuses an artifact that breaks the contract with the same messages, and stores nothing', () => {
    reach('think');
    const f = write('t.json', JSON.stringify({}));
    const before = snapshot(repo);
    const r = sh('complete', 'think', '--agent', 'a', '--artifact', f, '--json');
    expect(r.code).toBe(2);
    expect(r.json.error.message).toBe(sh('artifact', 'validate', 'think', f, '--json').json.error.message);
    expect(r.json.error.message).toContain('context_checkpoint: missing; expected an object');
    expect(snapshot(repo)).toEqual(before);
  });

  it('records provenance beside the bytes, never in them, and shows it', () => {
    reach('plan');
    git(repo, 'checkout', '-q', '-b', 'feature/drafts');
    const text = readFileSync(templatePath('plan'), 'utf8');
    const done = ok('complete', 'plan', '--agent', 'a', '--artifact', write('plan.json', text));
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(done.provenance).toEqual({ branch: 'feature/drafts', head });
    expect(readFileSync(storedFile('plan'), 'utf8')).toBe(text);
    const record = JSON.parse(readFileSync(join(storedFile('plan'), '..', 'record.json'), 'utf8'));
    expect(record).toMatchObject({
      kind: 'done',
      agent: 'a',
      at: done.completed_at,
      provenance: { branch: 'feature/drafts', head },
      contract: { schema_version: '1' },
    });
    const shown = ok('artifact', 'show', 'plan');
    expect(shown.provenance).toEqual({ completed_at: done.completed_at, agent: 'a', host: record.host, branch: 'feature/drafts', head });
    expect(shown.content).toEqual(JSON.parse(text));
  });

  it('redacts every secret before storing, and the result, the record and the audit log say where, never what', () => {
    reach('build');
    const secrets = [
      ['AKIA', 'IOSFODNN7EXAMPLE'],
      ['ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'],
      ['sk-', 'ant-', 'api03-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78'],
      ['xoxb-', '123456789012-1234567890123-AbCdEfGhIjKl'],
    ].map((p) => p.join(''));
    const f = write(
      'build.json',
      artifactText('build', {
        summary: `deployed with ${secrets[0]}`,
        notes: { ci: `token ${secrets[1]}`, keys: [secrets[2], secrets[3]] },
      }),
    );
    const r = sh('complete', 'build', '--agent', 'a', '--artifact', f, '--json');
    expect(r.code, r.stdout).toBe(0);
    const redacted = [
      { kind: 'aws-access-key-id', path: 'summary' },
      { kind: 'github-token', path: 'notes.ci' },
      { kind: 'anthropic-key', path: 'notes.keys[0]' },
      { kind: 'slack-token', path: 'notes.keys[1]' },
    ];
    expect(r.json.artifact.redacted).toEqual(redacted);
    const stored = readFileSync(storedFile('build'), 'utf8');
    const record = readFileSync(join(storedFile('build'), '..', 'record.json'), 'utf8');
    const audit = readFileSync(join(stateDir(repo), 'audit.jsonl'), 'utf8');
    for (const s of secrets) for (const text of [stored, record, audit, r.stdout]) expect(text).not.toContain(s);
    expect(JSON.parse(stored).notes.keys).toEqual(['[REDACTED:anthropic-key]', '[REDACTED:slack-token]']);
    expect(auditEvents(repo).find((e) => e.event === 'complete' && e.phase === 'build')!.detail).toContain(
      'redacted 4 secret(s): aws-access-key-id at summary, github-token at notes.ci, anthropic-key at notes.keys[0], slack-token at notes.keys[1]',
    );
    expect(ok('artifact', 'show', 'build').redacted).toEqual(redacted);
  });

  it('says in human output what was redacted', () => {
    reach('build');
    const f = write('build.json', artifactText('build', { summary: `key ${['AKIA', 'IOSFODNN7EXAMPLE'].join('')}` }));
    const r = sh('complete', 'build', '--agent', 'a', '--artifact', f);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('redacted 1 secret(s) before storing: aws-access-key-id at summary');
  });

  it('shows the security grade in the result of complete and in status', () => {
    reach('security');
    const f = write(
      's.json',
      artifactText('security', {
        summary: { critical: 0, high: 0, medium: 2, low: 0 },
        findings: [
          { severity: 'medium', description: 'x' },
          { severity: 'medium', description: 'y' },
        ],
      }),
    );
    expect(ok('complete', 'security', '--agent', 'a', '--artifact', f)).toMatchObject({ grade: 'B' });
    expect(ok('status').phases.security.grade).toBe('B');
    expect(sh('status').stdout).toMatch(/security\s+done \(grade B\)/);
  });

  it('halts qa over the threshold the project config sets', () => {
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ qa_failure_threshold: 0.05 }));
    reach('qa');
    const f = write('q.json', artifactText('qa', { summary: { status: 'partial', tests_run: 100, tests_passed: 94, tests_failed: 6 } }));
    expect(ok('complete', 'qa', '--agent', 'a', '--artifact', f)).toMatchObject({
      halt: 'qa failure rate 6% (6 of 100) is over the 5% threshold',
      halt_rule: 'qa_failure_rate',
    });
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ qa_failure_threshold: 2 }));
    expect(sh('status', '--json').json.error).toBeUndefined();
    expect(sh('artifact', 'validate', 'qa', f, '--json').json.error).toMatchObject({ code: 'E_BAD_CONFIG' });
  });

  it("halts review on a blocking finding in the original tool's own shape", () => {
    reach('review');
    const f = write(
      'r.json',
      artifactText('review', {
        summary: { blocking: 1 },
        findings: [{ id: 'R1', severity: 'blocking', description: 'data loss on refresh', file: 'a.ts', line: 3 }],
      }),
    );
    const done = ok('complete', 'review', '--agent', 'a', '--artifact', f);
    expect(done.halt).toContain('review has 1 blocking finding(s) not fixed');
    expect(done.halt_rule).toBe('review_blocking');
    expect(ok('status').halted).toEqual({ phase: 'review', reason: done.halt });
  });

  it('checks a custom phase against the JSON Schema the project config names', () => {
    mkdirSync(join(repo, 'schemas'));
    writeFileSync(
      join(repo, 'schemas', 'deploy.json'),
      JSON.stringify({
        type: 'object',
        required: ['phase', 'target'],
        properties: { phase: { const: 'deploy' }, target: { enum: ['staging', 'prod'] } },
      }),
    );
    writeFileSync(
      join(repo, '.git-conductor.json'),
      JSON.stringify({ phases: [{ name: 'deploy', depends_on: [] }], artifact_schemas: { deploy: 'schemas/deploy.json' } }),
    );
    ok('start');
    ok('claim', 'deploy', '--agent', 'a');
    const bad = sh('complete', 'deploy', '--agent', 'a', '--artifact', write('d.json', '{"phase":"deploy","target":"moon"}'), '--json');
    expect(bad.code).toBe(2);
    expect(bad.json.error.problems).toEqual([
      { path: 'target', allowed: 'staging, prod', found: '"moon"', message: 'target: "moon" is not allowed; allowed: staging, prod' },
    ]);
    expect(
      sh('complete', 'deploy', '--agent', 'a', '--artifact', write('d2.json', '{"phase":"deploy"}'), '--json').json.error.problems[0]
        .message,
    ).toBe("target: missing; required by the project's schema");
    expect(ok('schema', 'deploy')).toEqual(JSON.parse(readFileSync(join(repo, 'schemas', 'deploy.json'), 'utf8')));
    expect(ok('schema', 'other').properties.phase).toEqual({ type: 'string', const: 'other' });
    // No summary needed: the project's schema replaces the built-in phase-and-summary rule.
    expect(ok('complete', 'deploy', '--agent', 'a', '--artifact', write('d3.json', '{"phase":"deploy","target":"prod"}')).phase).toBe(
      'deploy',
    );
  });

  it('refuses a project schema path that leads outside the work tree', () => {
    const outside = tempDir();
    writeFileSync(join(outside, 's.json'), '{}');
    symlinkSync(outside, join(repo, 'linked'));
    writeFileSync(
      join(repo, '.git-conductor.json'),
      JSON.stringify({ phases: [{ name: 'deploy', depends_on: [] }], artifact_schemas: { deploy: 'linked/s.json' } }),
    );
    ok('start');
    ok('claim', 'deploy', '--agent', 'a');
    const r = sh('complete', 'deploy', '--agent', 'a', '--artifact', write('d.json', JSON.stringify(artifact('deploy'))), '--json');
    expect(r.json.error).toMatchObject({
      code: 'E_BAD_CONFIG',
      message: '.git-conductor.json: artifact_schemas.deploy (linked/s.json) leads outside the work tree: keep the schema file inside it',
    });
    writeFileSync(
      join(repo, '.git-conductor.json'),
      JSON.stringify({ phases: [{ name: 'deploy', depends_on: [] }], artifact_schemas: { deploy: '../s.json' } }),
    );
    expect(sh('complete', 'deploy', '--agent', 'a', '--artifact', 'd.json', '--json').json.error.message).toContain(
      'must be a path inside the work tree',
    );
  });

  it('needs phase and summary for a custom phase without a schema', () => {
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ phases: [{ name: 'deploy', depends_on: [] }] }));
    ok('start');
    ok('claim', 'deploy', '--agent', 'a');
    expect(
      sh('complete', 'deploy', '--agent', 'a', '--artifact', write('d.json', '{}'), '--json').json.error.problems.map(
        (p: { message: string }) => p.message,
      ),
    ).toEqual(['phase: missing; allowed: deploy', 'summary: missing; expected text, or an object']);
    expect(ok('complete', 'deploy', '--agent', 'a', '--artifact', write('d2.json', JSON.stringify(artifact('deploy')))).phase).toBe(
      'deploy',
    );
  });
});

describe('stored artifacts are checked when read', () => {
  beforeEach(() => ok('start'));

  it('artifact show --raw prints the exact stored bytes', () => {
    reach('think');
    const text = `${readFileSync(templatePath('think'), 'utf8').trimEnd()}   \n\n`;
    ok('complete', 'think', '--agent', 'a', '--artifact', write('think.json', text));
    const r = spawnSync(process.execPath, [CLI, 'artifact', 'show', 'think', '--raw'], { cwd: repo, env: testEnv() });
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, Buffer.from(text))).toBe(0);
  });

  it('a tampered stored artifact is E_CORRUPT_STATE naming the file, for show and --raw alike', () => {
    reach('think');
    ok('complete', 'think', '--agent', 'a', '--artifact', write('think.json', readFileSync(templatePath('think'), 'utf8')));
    const file = storedFile('think');
    const stored = readFileSync(file, 'utf8');
    writeFileSync(file, stored.replace('"premise_validated": true', '"premise_validated": false'));
    for (const extra of [[], ['--raw']]) {
      const r = sh('artifact', 'show', 'think', ...extra, '--json');
      expect(r.code).toBe(1);
      expect(r.json.error.code).toBe('E_CORRUPT_STATE');
      expect(r.json.error.file).toBe(file);
      expect(r.json.error.message).toContain(`corrupt state file ${file}: its bytes`);
    }
    writeFileSync(file, stored);
    expect(ok('artifact', 'show', 'think').content.phase).toBe('think');
  });
});

describe('the ship gate reads the stored artifacts', () => {
  it('refuses a push while a stored artifact does not match its sha256, naming the file', async () => {
    const { repo: r } = await sprintRepo();
    for (const p of ['review', 'qa', 'security']) {
      expect(as('tess', ['claim', p], r).code).toBe(0);
      writeFileSync(join(r, `${p}.json`), artifactText(p));
      expect(as('tess', ['complete', p, '--artifact', `${p}.json`], r).code).toBe(0);
    }
    repo = r;
    const file = storedFile('security');
    const stored = readFileSync(file, 'utf8');
    writeFileSync(file, stored.replace('"critical":0', '"critical":1'));
    expect(readFileSync(file, 'utf8')).not.toBe(stored);
    const refused = gitRun(r, ['push', 'origin', 'main'], { env: hookEnv({ CONDUCTOR_AGENT: 'shipper' }) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`corrupt state file ${file}: its bytes`);
    expect(hasRef(r, 'refs/remotes/origin/main')).toBe(false);
    writeFileSync(file, stored);
    const pushed = gitRun(r, ['push', 'origin', 'main'], { env: hookEnv({ CONDUCTOR_AGENT: 'shipper' }) });
    expect(pushed.code, pushed.stderr).toBe(0);
  });
});

describe('the commit hook and the contract', () => {
  it('redacts a secret in a committed artifact before storing it, and says so', async () => {
    const { repo: r } = await sprintRepo();
    repo = r;
    expect(as('rita', ['claim', 'review'], r).code).toBe(0);
    const token = ['ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
    const c = commit(r, 'rita', ['review', 'Conductor-Phase: review'], {
      '.conductor/review.json': artifactText('review', { notes: `ci token ${token}` }),
    });
    expect(c.code).toBe(0);
    expect(c.stderr).toContain(
      'git-conductor: redacted 1 secret(s) before storing: github-token at notes; the commit itself still holds them: amend it before pushing',
    );
    expect(c.stderr).not.toContain(token);
    expect(readFileSync(storedFile('review'), 'utf8')).not.toContain(token);
    expect(ok('artifact', 'show', 'review').content.notes).toBe('ci token [REDACTED:github-token]');
  });

  it('refuses a committed artifact that breaks the contract, naming the problem, and the commit stands', async () => {
    const { repo: r } = await sprintRepo();
    expect(as('rita', ['claim', 'review'], r).code).toBe(0);
    const c = commit(r, 'rita', ['review', 'Conductor-Phase: review'], {
      '.conductor/review.json': artifactText('review', { scope_drift: { status: 'meh' } }),
    });
    expect(c.code).toBe(0);
    expect(c.stderr).toContain(
      'review NOT completed: artifact .conductor/review.json does not fit the review contract (schema_version 1): scope_drift.status: "meh" is not allowed; allowed: clean, drift_detected, requirements_missing',
    );
  });
});

describe('artifact show --raw on a terminal', () => {
  it('prints control characters from the stored bytes as ?, and exact bytes to a pipe', () => {
    ok('start');
    reach('build');
    // U+009B (CSI) is valid unescaped inside a JSON string: a terminal would read it as a control sequence.
    const text = artifactText('build', { summary: 'red \u009b31m text' });
    ok('complete', 'build', '--agent', 'a', '--artifact', write('b.json', text));
    const piped = spawnSync(process.execPath, [CLI, 'artifact', 'show', 'build', '--raw'], { cwd: repo, env: testEnv() });
    expect(piped.stdout.toString('utf8')).toBe(text);
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLI} artifact show build --raw`, '/dev/null'], {
      cwd: repo,
      env: testEnv(),
      encoding: 'utf8',
    });
    expect(tty.status, tty.stderr).toBe(0);
    expect(tty.stdout).toContain('"summary":"red ?31m text"');
    expect(tty.stdout).not.toContain('\u009b');
  });
});
