/** artifact validate and schema through the real CLI, and both through the library: nothing stored, every problem named. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { artifact, artifactText, templatePath } from './helpers/artifacts.js';
import { conductor } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';

const PHASES = ['think', 'plan', 'build', 'review', 'qa', 'security', 'ship'];
let repo: string;
const sh = (...args: string[]) => conductor(args, { cwd: repo });
const ok = (...args: string[]) => {
  const r = sh(...args, '--json');
  expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.json;
};
const write = (name: string, text: string) => {
  writeFileSync(join(repo, name), text);
  return name;
};

beforeEach(async () => {
  repo = await makeRepo();
});

describe('artifact validate', () => {
  it.each(PHASES.map((p) => [p]))('accepts templates/artifacts/%s.json (exit 0)', (phase) => {
    const r = conductor(['artifact', 'validate', phase, templatePath(phase), '--json'], { cwd: repo });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json).toEqual({
      phase,
      file: templatePath(phase),
      schema_version: '1',
      valid: true,
      redacted: [],
      ...(phase === 'security' ? { grade: 'A' } : {}),
    });
  });

  it('lists every problem with its path, what is allowed and what was found (exit 2)', () => {
    const f = write(
      'r.json',
      artifactText('review', { findings: [{ severity: 'severe', description: 'x' }], scope_drift: { status: 'messy' } }),
    );
    const r = sh('artifact', 'validate', 'review', f, '--json');
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('E_BAD_ARTIFACT');
    expect(r.json.error.problems).toEqual([
      {
        path: 'scope_drift.status',
        allowed: 'clean, drift_detected, requirements_missing',
        found: '"messy"',
        message: 'scope_drift.status: "messy" is not allowed; allowed: clean, drift_detected, requirements_missing',
      },
      {
        path: 'findings[0].severity',
        allowed: 'blocking, should_fix, nitpick, positive',
        found: '"severe"',
        message: 'findings[0].severity: "severe" is not allowed; allowed: blocking, should_fix, nitpick, positive',
      },
    ]);
    const human = sh('artifact', 'validate', 'review', f);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe(
      '  scope_drift.status: "messy" is not allowed; allowed: clean, drift_detected, requirements_missing\n  findings[0].severity: "severe" is not allowed; allowed: blocking, should_fix, nitpick, positive\n',
    );
    expect(human.stderr).toBe(`git-conductor: ${r.json.error.message}\n`);
  });

  it('says what completing would do: halt, grade, redactions', () => {
    const f = write(
      's.json',
      artifactText('security', {
        summary: { critical: 1, high: 0, medium: 0, low: 0 },
        findings: [{ severity: 'critical', description: `key ${['AKIA', 'IOSFODNN7EXAMPLE'].join('')} in the log` }],
      }),
    );
    const r = ok('artifact', 'validate', 'security', f);
    expect(r).toMatchObject({
      valid: true,
      grade: 'F',
      halt: 'security found 1 critical and 0 high finding(s) not fixed',
      redacted: [{ kind: 'aws-access-key-id', path: 'findings[0].description' }],
    });
    expect(sh('artifact', 'validate', 'security', f).stdout).toContain(
      'complete will redact 1 secret(s): aws-access-key-id at findings[0].description',
    );
  });

  it('works outside a repository, and refuses what is not a file or not JSON', () => {
    const outside = join(repo, '..');
    expect(conductor(['artifact', 'validate', 'qa', templatePath('qa'), '--json'], { cwd: outside }).code).toBe(0);
    expect(sh('artifact', 'validate', 'qa', 'nope.json', '--json').json.error.message).toBe(
      'artifact nope.json does not exist: write the JSON file first, then pass its path',
    );
    write('t.json', '{"phase": ');
    expect(sh('artifact', 'validate', 'qa', 't.json', '--json').json.error.message).toMatch(/^artifact t.json is not valid JSON/);
  });
});

describe('schema', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });

  it.each(PHASES.map((p) => [p]))('prints the JSON Schema (2020-12) of %s, which agrees with the contract on the template', (phase) => {
    const s = ok('schema', phase);
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const validate = ajv.compile(s);
    expect(validate(JSON.parse(readFileSync(templatePath(phase), 'utf8')))).toBe(true);
    expect(validate({ ...artifact(phase), phase: 'other' })).toBe(false);
    expect(validate({ phase })).toBe(false);
  });

  it('describes every default phase in one document without a phase, and refuses a bad name', () => {
    const all = ok('schema');
    expect(Object.keys(all.$defs)).toEqual(PHASES);
    const validate = ajv.compile(all);
    for (const p of PHASES) expect(validate(artifact(p))).toBe(true);
    expect(validate({ phase: 'review', summary: {} })).toBe(false);
    expect(sh('schema', 'Bad!', '--json').json.error.code).toBe('E_BAD_PHASE_NAME');
    expect(JSON.parse(sh('schema', 'review').stdout).properties.findings.items.properties.severity.enum).toEqual([
      'blocking',
      'should_fix',
      'nitpick',
      'positive',
    ]);
  });
});

describe('the contract through the library', () => {
  it('validates a file, prints a schema and reads a stored artifact with plain calls', async () => {
    const lib = (await import(pathToFileURL(resolve(__dirname, '../dist/index.mjs')).href)) as typeof import('../src/api/index.js');
    expect(await lib.validateArtifactFile({ cwd: repo, phase: 'security', file: templatePath('security') })).toMatchObject({
      valid: true,
      grade: 'A',
    });
    const f = write('bad.json', artifactText('security', { summary: { critical: 'none' } }));
    await expect(lib.validateArtifactFile({ cwd: repo, phase: 'security', file: f })).rejects.toMatchObject({
      code: 'E_BAD_ARTIFACT',
      exitCode: 2,
      data: { problems: [expect.objectContaining({ path: 'summary.critical' })] },
    });
    expect((await lib.artifactSchema({ phase: 'qa' })).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    await lib.start({ cwd: repo, agent: 'lib' });
    await lib.claim({ cwd: repo, phase: 'think', agent: 'lib' });
    const text = readFileSync(templatePath('think'), 'utf8');
    await lib.complete({ cwd: repo, phase: 'think', agent: 'lib', artifact: write('t.json', text) });
    expect(Buffer.from(await lib.artifactRaw({ cwd: repo, phase: 'think' })).toString('utf8')).toBe(text);
    expect((await lib.artifactShow({ cwd: repo, phase: 'think' })).provenance).toMatchObject({ agent: 'lib', branch: 'main' });
  });
});
