/**
 * Every refusal: the documented exit code, one clear line (one JSON object
 * with --json), no stack trace, and the state exactly as it was.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { phaseDir, snapshot, stateDir } from './helpers/state.js';
import { artifactText } from './helpers/artifacts.js';

type Env = Record<string, string | undefined>;
const run = (cwd: string, args: string[], env: Env = {}) => conductor(args, { cwd, env: env });

/**
 * Runs `args` (which include --json) and the same without --json; both must
 * refuse with `exit`, change nothing, and say why in one line. Returns the JSON error.
 */
function refused(repo: string, args: string[], exit: number, opts: { code?: string; cwd?: string; env?: Env } = {}) {
  const cwd = opts.cwd ?? repo;
  const before = snapshot(repo);
  const j = run(cwd, args, opts.env);
  expect(j.code, `${args.join(' ')}: ${j.stdout}${j.stderr}`).toBe(exit);
  expect(j.stdout.endsWith('\n') && j.stdout.trim().split('\n').length === 1, j.stdout).toBe(true);
  expect(Object.keys(j.json)).toEqual(['error']);
  expect(j.json.error).toMatchObject({ exit_code: exit, code: opts.code ?? expect.stringMatching(/^E_[A-Z_]+$/) });
  expect(j.json.error.message).not.toContain('\n');
  expect(j.stderr).toBe('');
  const h = run(
    cwd,
    args.filter((a) => a !== '--json'),
    opts.env,
  );
  expect(h.code).toBe(exit);
  expect(h.stdout).toBe('');
  expect(h.stderr).toBe(`git-conductor: ${j.json.error.message}\n`);
  expect(h.stderr).not.toMatch(/\bat .*\.(c?js|ts):\d+/);
  expect(snapshot(repo)).toEqual(before);
  return j.json.error as { code: string; message: string; exit_code: number; [k: string]: unknown };
}

const ok = (repo: string, args: string[], env: Env = {}) => {
  const r = run(repo, [...args, '--json'], env);
  expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.json;
};

describe('bad input', () => {
  let repo: string;
  let sprint: string;
  /** A sprint whose first phase is held by agent a. */
  const fixture = async () => {
    repo = await makeRepo();
    sprint = ok(repo, ['start']).sprint_id;
    ok(repo, ['claim', 'think', '--agent', 'a']);
  };

  describe('phase names', () => {
    beforeAll(fixture);
    it.each(['../x', 'a/b', 'A', '', '..', '.', 'x y', '/etc/passwd', 'think/../../x'])('refuses %j for claim with exit 2', (name) => {
      const e = refused(repo, ['claim', name, '--json'], 2, { code: 'E_BAD_PHASE_NAME' });
      expect(e.message).toContain(JSON.stringify(name));
      expect(e.message).toContain('^[a-z][a-z0-9-]*$');
    });

    it('refuses a name that looks like an option: as a usage error, or after -- as a bad name', () => {
      refused(repo, ['claim', '-x', '--json'], 2, { code: 'E_USAGE' });
      refused(repo, ['claim', '--json', '--', '-x'], 2, { code: 'E_BAD_PHASE_NAME' });
    });

    it.each([['renew'], ['complete'], ['abort'], ['unstuck'], ['artifact', 'show']])('refuses a traversal name for %s', (...cmd) => {
      refused(repo, [...cmd, '../x', '--json'], 2, { code: 'E_BAD_PHASE_NAME' });
    });

    it('exits 2 with a one-line JSON error on a traversal name', () => {
      const r = conductor(['claim', '../x', '--json'], { cwd: repo });
      expect(r.code).toBe(2);
      expect(r.json.error.code).toBe('E_BAD_PHASE_NAME');
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
    });

    it('refuses an unknown phase with 2, listing the real ones', () => {
      expect(refused(repo, ['claim', 'deploy', '--json'], 2, { code: 'E_UNKNOWN_PHASE' }).message).toContain('think, plan, build');
    });
  });

  describe('artifacts', () => {
    beforeEach(fixture);
    const complete = (path: string) => ['complete', 'think', '--agent', 'a', '--artifact', path, '--json'];
    const artifactError = (path: string) => refused(repo, complete(path), 2, { code: 'E_BAD_ARTIFACT' }).message;

    it('refuses a symbolic link to a file, even one inside the repository', () => {
      writeFileSync(join(repo, 'real.json'), '{}');
      symlinkSync(join(repo, 'real.json'), join(repo, 'link.json'));
      expect(artifactError('link.json')).toBe('artifact link.json is a symbolic link: pass the real file');
    });

    it('refuses a file reached through a symlinked directory, inside or out of the repository', () => {
      mkdirSync(join(repo, 'real'));
      writeFileSync(join(repo, 'real', 'a.json'), '{}');
      symlinkSync(join(repo, 'real'), join(repo, 'alias'));
      expect(artifactError('alias/a.json')).toContain('is reached through a symbolically linked directory');
      const outside = tempDir();
      writeFileSync(join(outside, 'a.json'), '{}');
      symlinkSync(outside, join(repo, 'out'));
      expect(artifactError('out/a.json')).toContain('is reached through a symbolically linked directory');
      mkdirSync(join(repo, 'real', 'deeper'));
      writeFileSync(join(repo, 'real', 'deeper', 'b.json'), '{}');
      expect(artifactError(join(repo, 'alias', 'deeper', 'b.json'))).toContain('symbolically linked directory');
    });

    it('refuses a file outside the repository, by absolute or relative path', () => {
      const outside = tempDir();
      writeFileSync(join(outside, 'a.json'), '{}');
      expect(artifactError(join(outside, 'a.json'))).toContain('is outside the repository');
      const rel = join('..', outside.split('/').pop()!, 'a.json');
      expect(artifactError(rel)).toContain('is outside the repository');
    });

    it('refuses what is not a JSON object file', () => {
      writeFileSync(join(repo, 'text.json'), 'not json at all');
      expect(artifactError('text.json')).toMatch(/^artifact text.json is not valid JSON \(/);
      writeFileSync(join(repo, 'truncated.json'), '{"summary": "cut');
      expect(artifactError('truncated.json')).toContain('is not valid JSON');
      writeFileSync(join(repo, 'list.json'), '[1,2]');
      expect(artifactError('list.json')).toContain('must be a JSON object');
      writeFileSync(join(repo, 'budget.json'), artifactText('think', { budget: { limit: 'lots', used: 1 } }));
      expect(artifactError('budget.json')).toContain('budget.limit: expected a number, found "lots"');
      mkdirSync(join(repo, 'dir.json'));
      expect(artifactError('dir.json')).toBe('artifact dir.json is not a regular file');
      expect(artifactError('missing.json')).toContain('does not exist');
    });

    it('refuses an artifact over 4 MiB', () => {
      writeFileSync(join(repo, 'big.json'), JSON.stringify({ pad: 'x'.repeat(4 * 1024 * 1024) }));
      expect(artifactError('big.json')).toMatch(/is \d+ bytes, more than the 4194304-byte limit/);
    });

    it('accepts files whose names merely start with dots, and a repository reached through a symlinked path', () => {
      writeFileSync(join(repo, '..notes.json'), artifactText('think'));
      expect(ok(repo, complete('..notes.json').slice(0, -1)).artifact.source).toBe('..notes.json');
      ok(repo, ['claim', 'plan', '--agent', 'a']);
      const alias = join(tempDir(), 'alias');
      symlinkSync(repo, alias);
      writeFileSync(join(repo, 'plan.json'), artifactText('plan'));
      const r = run(alias, ['complete', 'plan', '--agent', 'a', '--artifact', 'plan.json', '--json']);
      expect(r.code, r.stdout).toBe(0);
      expect(r.json.artifact.source).toBe('plan.json');
    });

    it('leaves the phase claimed after every refusal, and accepts a good artifact', () => {
      writeFileSync(join(repo, 'bad.json'), '{');
      artifactError('bad.json');
      writeFileSync(join(repo, 'good.json'), artifactText('think'));
      expect(ok(repo, complete('good.json').slice(0, -1)).artifact.source).toBe('good.json');
    });
  });

  describe('corrupt state files', () => {
    beforeEach(fixture);
    const record = (phase: string, seq = '000001') => join(phaseDir(repo, sprint, phase), seq, 'record.json');
    const corrupt = (args: string[], file: string, repair: string) => {
      const e = refused(repo, args, 1, { code: 'E_CORRUPT_STATE' });
      expect(e.file).toBe(file);
      expect(e.message).toContain(`corrupt state file ${file}: `);
      expect(e.message).toContain(repair);
      return e;
    };

    it.each([
      ['garbage', () => 'garbage\u0000\u00ff', 'not valid JSON'],
      ['truncated', (good: string) => good.slice(0, good.length / 2), 'not valid JSON'],
      ['empty', () => '', 'not valid JSON'],
      ['valid JSON with a bad field', (good: string) => good.replace('"agent":"a"', '"agent":"../../x"'), 'agent'],
      [
        'valid JSON with the wrong sequence number',
        (good: string) => good.replace('"seq":1', '"seq":7'),
        'seq 7 does not match its entry 1',
      ],
    ])('a %s phase record names the file and the repair; abort --force repairs it', (_, mangle, problem) => {
      const file = record('think');
      const bad = mangle(readFileSync(file, 'utf8'));
      writeFileSync(file, bad);
      const repair = "release it with 'git conductor abort think --force'";
      expect(corrupt(['status', '--json'], file, repair).message).toContain(problem);
      corrupt(['claim', 'think', '--agent', 'b', '--json'], file, repair);
      corrupt(['next', '--json'], file, repair);
      corrupt(['complete', 'think', '--agent', 'a', '--json'], file, repair);
      // Without --force, abort cannot read the holder either: same refusal.
      corrupt(['abort', 'think', '--agent', 'a', '--json'], file, repair);
      const fixed = ok(repo, ['abort', 'think', '--force', '--agent', 'b']);
      expect(fixed).toMatchObject({ phase: 'think', forced: true, by: 'b' });
      expect(ok(repo, ['status']).phases.think.state).toBe('ready');
      expect(ok(repo, ['claim', 'think', '--agent', 'b']).kind).toBe('claim');
      // The bad entry stays, for the record; the log moved on past it.
      expect(readFileSync(file, 'utf8')).toBe(bad);
    });

    it('an entry directory without a record names the missing file', () => {
      mkdirSync(join(phaseDir(repo, sprint, 'think'), '000002'));
      const file = record('think', '000002');
      expect(corrupt(['status', '--json'], file, 'abort think --force').message).toContain('record.json is missing');
      ok(repo, ['abort', 'think', '--force']);
      expect(ok(repo, ['claim', 'think', '--agent', 'c']).kind).toBe('claim');
    });

    it('a bad sprint.json names the file; start replaces the sprint', () => {
      const file = join(stateDir(repo), 'sprints', sprint, 'sprint.json');
      const good = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, '{"v":1,"id":"x"');
      corrupt(['status', '--json'], file, "start a new sprint with 'git conductor start'");
      writeFileSync(file, JSON.stringify({ ...good, phases: 'all' }));
      expect(corrupt(['claim', 'plan', '--json'], file, 'git conductor start').problem).toMatch(/^phases: /);
      writeFileSync(file, JSON.stringify({ ...good, phases: [{ name: '../../x', depends_on: [], concurrency: 'write' }] }));
      expect(corrupt(['next', '--json'], file, 'git conductor start').problem).toMatch(/^phases\.0\.name: /);
      const fresh = ok(repo, ['start']).sprint_id;
      expect(ok(repo, ['status']).sprint_id).toBe(fresh);
      // The unreadable old sprint is not kept for ever.
      expect(ok(repo, ['clean', '--days', '0']).removed).toEqual([sprint]);
    });

    it('a bad head record names the file; start repairs it', () => {
      const file = join(stateDir(repo), 'head', '000001', 'record.json');
      writeFileSync(file, '{"v":1,"seq":1,"kind":"start","sprint_id":"../../etc"}');
      corrupt(['status', '--json'], file, "start a new sprint with 'git conductor start'");
      corrupt(['claim', 'think', '--json'], file, 'git conductor start');
      const fresh = ok(repo, ['start']).sprint_id;
      expect(ok(repo, ['status']).sprint_id).toBe(fresh);
      expect(ok(repo, ['claim', 'think', '--agent', 'z']).kind).toBe('claim');
    });

    it('bad audit lines are skipped and counted, never trusted', () => {
      writeFileSync(
        join(stateDir(repo), 'audit.jsonl'),
        readFileSync(join(stateDir(repo), 'audit.jsonl'), 'utf8') +
          'garbage\n{"at":"now","event":"claim"}\n{"at":"2026-01-01T00:00:00Z","event":"claim","agent":"\\u001b[31mred"}\n',
      );
      const log = ok(repo, ['log']);
      expect(log.skipped_invalid_lines).toBe(3);
      expect(log.entries.map((e: { event: string }) => e.event)).toEqual(['start', 'claim']);
    });
  });

  describe('command line', () => {
    beforeAll(fixture);
    it.each([
      ['{"name":"a"}', 'expected a JSON array'],
      ['[{"name":"a","depends_on":["b"]},{"name":"b","depends_on":["a"]}]', 'dependency cycle a -> b -> a'],
      ['[{"name":"a","depends_on":["ghost"]}]', 'phase "a" depends on unknown phase "ghost"'],
      ['[{"name":"Bad"}]', 'phase #1 has a bad name "Bad"'],
      ['[{"name":"a"},{"name":"a"}]', 'duplicate phase name "a"'],
      ['[{"name":"a","depends_on":["a"]}]', 'phase "a" depends on itself'],
      ['[{"name":"a","concurrency":"fast"}]', 'concurrency "fast" is not one of read, write, exclusive'],
      ['[{"depends_on":[]}]', 'phase #1 is missing "name"'],
      ['[{"name":"a"', 'not valid JSON'],
      ['[]', 'the array is empty'],
    ])('refuses --phases %s with exit 2, naming the problem', (graph, problem) => {
      const e = refused(repo, ['start', '--phases', graph, '--json'], 2, { code: 'E_BAD_GRAPH' });
      expect(e.message).toContain(problem);
      expect(e.message).toContain('--phases');
    });

    it('refuses a --phases file with a bad graph, naming the file, and a missing file', () => {
      writeFileSync(join(repo, 'graph.json'), '{"phases":[{"name":"a","depends_on":["a"]}]}');
      expect(refused(repo, ['start', '--phases', 'graph.json', '--json'], 2, { code: 'E_BAD_GRAPH' }).message).toBe(
        'invalid phase graph (graph.json): phase "a" depends on itself',
      );
      expect(refused(repo, ['start', '--phases', 'nope.json', '--json'], 2, { code: 'E_BAD_GRAPH' }).message).toContain('cannot read');
    });

    it('refuses a bad project config', () => {
      writeFileSync(join(repo, '.git-conductor.json'), '{"phases":[{"name":"a","depends_on":["zz"]}]}');
      expect(refused(repo, ['start', '--json'], 2, { code: 'E_BAD_GRAPH' }).message).toContain(
        '(.git-conductor.json): phase "a" depends on unknown phase "zz"',
      );
      writeFileSync(join(repo, '.git-conductor.json'), '{nope');
      expect(refused(repo, ['start', '--json'], 2, { code: 'E_BAD_CONFIG' }).message).toContain('.git-conductor.json is not valid JSON');
      writeFileSync(join(repo, '.git-conductor.json'), '{"lease_ttl":"forever"}');
      expect(refused(repo, ['claim', 'think', '--json'], 2, { code: 'E_BAD_DURATION' }).message).toContain(
        'lease_ttl in .git-conductor.json',
      );
      rmSync(join(repo, '.git-conductor.json'));
    });

    it.each(['0', '1w', '-5m', '1.5h', 'soon', '400d'])('refuses --ttl=%s with exit 2', (ttl) => {
      expect(refused(repo, ['claim', 'think', '--agent', 'a', `--ttl=${ttl}`, '--json'], 2, { code: 'E_BAD_DURATION' }).message).toContain(
        `invalid --ttl "${ttl}"`,
      );
    });

    it('refuses bad renew leases too', () => {
      refused(repo, ['renew', 'think', '--agent', 'a', '--ttl', '0s', '--json'], 2, { code: 'E_BAD_DURATION' });
    });

    it.each([
      [['deploy', '--json'], "unknown command 'deploy'"],
      [['claim', 'think', '--bogus', '--json'], "unknown option '--bogus'"],
      [['claim', '--json'], "missing required argument 'phase'"],
      [['claim', 'think', 'plan', '--json'], 'too many arguments'],
      [['claim', 'think', '--pid', 'abc', '--json'], 'invalid number "abc"'],
      [['clean', '--days', 'week', '--json'], 'invalid number "week"'],
    ])('refuses %j as a usage error (exit 2)', (args, msg) => {
      const e = refused(repo, args, 2, { code: 'E_USAGE' });
      expect(e.message).toContain(msg);
      expect(e.message).toContain("see 'git conductor help'");
    });

    it('refuses bad agent ids from the flag and the environment', () => {
      expect(refused(repo, ['claim', 'think', '--agent', 'a b', '--json'], 2, { code: 'E_BAD_AGENT' }).message).toContain('from --agent');
      expect(refused(repo, ['claim', 'think', '--json'], 2, { code: 'E_BAD_AGENT', env: { CONDUCTOR_AGENT: '../x' } }).message).toContain(
        'from CONDUCTOR_AGENT',
      );
      expect(refused(repo, ['whoami', '--json'], 2, { code: 'E_BAD_AGENT', env: { NANOSTACK_AGENT: '-rf' } }).message).toContain(
        'from NANOSTACK_AGENT',
      );
    });

    it('refuses outside a repository (2) and before any sprint (3)', async () => {
      const plain = tempDir();
      expect(run(plain, ['status', '--json']).json.error).toMatchObject({ code: 'E_NOT_A_REPO', exit_code: 2 });
      const fresh = await makeRepo();
      refused(fresh, ['status', '--json'], 3, { code: 'E_NO_SPRINT' });
      refused(fresh, ['claim', 'think', '--json'], 3, { code: 'E_NO_SPRINT' });
    });
  });
});
