/**
 * journal: golden files (sprints written into a real repository's state directory with fixed times and hosts,
 * rendered by the real CLI, compared byte for byte; UPDATE_GOLDEN=1 rewrites them, to review in the diff) for a
 * plain sprint, for a reopened review and an overridden security halt (with the ledger's budget and attempts),
 * and for injected HTML, Markdown and control characters; the journal written when the last
 * phase completes (state directory and `journal_path`); the same journal on every clone; `--out`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentIn, finishOn } from './helpers/checkpoints.js';
import { conductor } from './helpers/cli.js';
import { claimedAndDone, DEFAULT_GRAPH, writeCraftedSprint, type CraftedSprint } from './helpers/crafted-sprint.js';
import { makeBare, makeClone } from './helpers/remote.js';
import { makeRepo } from './helpers/repo.js';
import { stateDir } from './helpers/state.js';

const cli = (args: string[], opts: { cwd: string }) => conductor(args, opts);

const GOLDEN = resolve(__dirname, 'golden');

function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const checkpoint = (summary: string, extra: Record<string, unknown> = {}) => ({
  summary,
  key_files: [],
  decisions_made: [],
  open_questions: [],
  ...extra,
});

const PLAIN: CraftedSprint = {
  id: '20260302-100000-a1b2c3',
  started_by: 'alice',
  started_at: '2026-03-02T10:00:00.000Z',
  status: 'archived',
  archived_at: '2026-03-02T12:10:00.000Z',
  phases: DEFAULT_GRAPH,
  logs: {
    think: claimedAndDone('claude', 'alice-laptop', 1, 12, {
      phase: 'think',
      summary: {
        value_proposition: 'users stop losing drafts',
        scope_mode: 'selective_expand',
        target_user: 'note takers',
        narrowest_wedge: 'autosave',
        key_risk: 'storage quota',
        premise_validated: true,
      },
      context_checkpoint: checkpoint('Autosave drafts locally; sync is out of scope', {
        decisions_made: ['localStorage, not IndexedDB'],
        open_questions: ['quota on Safari?'],
      }),
    }),
    plan: claimedAndDone('codex', 'bob-laptop', 13, 25, {
      phase: 'plan',
      summary: {
        goal: 'autosave',
        scope: 'small',
        step_count: 3,
        planned_files: ['src/autosave.js', 'test/autosave.test.js'],
        plan_approval: 'auto',
      },
      context_checkpoint: checkpoint('Three steps: debounce, save, restore', { key_files: ['src/editor.js:40'] }),
    }),
    build: [
      {
        kind: 'claim',
        reason: 'claim',
        agent: 'cursor',
        host: 'ci-box',
        at: '2026-03-02T10:26:00.000Z',
        expires_at: '2026-03-02T10:56:00.000Z',
      },
      {
        kind: 'claim',
        reason: 'takeover',
        agent: 'codex',
        host: 'bob-laptop',
        at: '2026-03-02T11:00:00.000Z',
        expires_at: '2026-03-02T12:00:00.000Z',
        previous: { agent: 'cursor', host: 'ci-box', at: '2026-03-02T10:26:00.000Z' },
      },
      {
        kind: 'done',
        reason: 'complete',
        agent: 'codex',
        host: 'bob-laptop',
        at: '2026-03-02T11:30:00.000Z',
        commit: '3f9c2d1e8a7b3f9c2d1e8a7b3f9c2d1e8a7b3f9c',
        artifact: {
          phase: 'build',
          summary: 'autosave with a 5 s debounce',
          context_checkpoint: checkpoint('Debounced save in src/autosave.js', { key_files: ['src/autosave.js:1'] }),
          budget: { limit: 200000, used: 41000 },
        },
      },
    ],
    review: claimedAndDone('cursor', 'ci-box', 91, 100, {
      phase: 'review',
      summary: { blocking: 0, should_fix: 1, nitpicks: 1, positive: 1 },
      scope_drift: {
        status: 'clean',
        planned_files: ['src/autosave.js'],
        actual_files: ['src/autosave.js'],
        out_of_scope_files: [],
        missing_files: [],
      },
      findings: [
        { id: 'R1', severity: 'should_fix', description: 'name the 5000 ms constant', file: 'src/autosave.js', line: 1, fixed: true },
        {
          id: 'R2',
          severity: 'nitpick',
          description: 'typo in a comment',
          file: 'src/autosave.js',
          line: 3,
          status: 'wontfix',
          resolution: 'comment is going away',
        },
        { id: 'R3', severity: 'positive', description: 'small and clear' },
      ],
      context_checkpoint: checkpoint('Sound; one should-fix fixed'),
    }),
    security: claimedAndDone(
      'gemini',
      'bob-laptop',
      91,
      105,
      {
        phase: 'security',
        summary: { critical: 0, high: 0, medium: 0, low: 1, total_findings: 1 },
        findings: [
          {
            id: 'S1',
            severity: 'low',
            category: 'A04',
            description: 'drafts stay on the device unencrypted',
            file: 'src/autosave.js',
            line: 2,
            fixed: false,
          },
        ],
        context_checkpoint: checkpoint('No high findings'),
      },
      { grade: 'A', provenance: { branch: 'feature/autosave' } },
    ),
    qa: claimedAndDone('opencode', 'alice-laptop', 92, 110, {
      phase: 'qa',
      summary: {
        mode: 'browser',
        status: 'pass',
        tests_run: 42,
        tests_passed: 42,
        tests_failed: 0,
        bugs_found: 0,
        bugs_fixed: 0,
        wtf_likelihood: 0.05,
      },
      context_checkpoint: checkpoint('42 of 42 pass'),
    }),
    ship: claimedAndDone('bob', 'bob-laptop', 111, 130, {
      phase: 'ship',
      summary: {
        pr_number: 17,
        pr_url: 'https://git.example.com/notes/pull/17',
        title: 'Autosave drafts',
        status: 'merged',
        ci_passed: true,
      },
      context_checkpoint: checkpoint('Merged as #17'),
    }),
  },
};

const EVIL = '</details><script>alert(1)</script>';

const INJECTED: CraftedSprint = {
  id: '20260302-100000-d4e5f6',
  started_by: 'mallory',
  started_at: '2026-03-02T10:00:00.000Z',
  phases: DEFAULT_GRAPH.slice(0, 4),
  logs: {
    think: claimedAndDone('mallory', 'evil-box', 1, 2, {
      summary: `${EVIL}\n# Not a heading\n- not a list`,
      context_checkpoint: {
        summary: `\u001b[31mred\u001b[0m \u0007bell \u009b31m \u202eesrever ${EVIL}`,
        key_files: ['`rm -rf /`', '<img src=x onerror=alert(1)>', '| a | b |'],
        decisions_made: ['[click](javascript:alert(1))', '&lt;script&gt; stays text', '**bold** _it_ ~~gone~~'],
        open_questions: ['line one\n## fake phase\n> quote', '1. numbered'],
      },
    }),
    plan: claimedAndDone('mallory', 'evil-box', 3, 4, { summary: { scope: `${EVIL}`, planned_files: ['a`b.js', '</details>'] } }),
    build: claimedAndDone('mallory', 'evil-box', 5, 6, { summary: 'ok' }),
    review: claimedAndDone('mallory', 'evil-box', 7, 8, {
      findings: [{ id: '| R1 |', severity: '<b>blocking</b>', description: `pipe | and ${EVIL}`, file: 'x|y', fixed: false, status: EVIL }],
      scope_drift: { status: EVIL, out_of_scope_files: ['`evil`'] },
      summary: { pr_url: 'javascript:alert(1)' },
    }),
  },
  audit: [
    { at: '2026-03-02T10:09:00.000Z', event: 'bypass', phase: 'ship', agent: 'mallory', host: 'evil-box', detail: `pushed ${EVIL} | cell` },
  ],
};

const SECURITY_HIGH = {
  phase: 'security',
  summary: { critical: 0, high: 1, medium: 0, low: 0, total_findings: 1 },
  findings: [
    {
      id: 'S1',
      severity: 'high',
      category: 'A01',
      description: 'the sync endpoint takes any token',
      file: 'src/sync.js',
      line: 4,
      fixed: false,
    },
  ],
  context_checkpoint: checkpoint('One high finding, open'),
};

/** A review halted and reopened, fixed and completed again; a security halt a human overrode. */
const REOPENED: CraftedSprint = {
  id: '20260302-100000-e7f8a9',
  started_by: 'alice',
  started_at: '2026-03-02T10:00:00.000Z',
  phases: DEFAULT_GRAPH.slice(0, 3).concat(DEFAULT_GRAPH.filter((p) => p.name === 'review' || p.name === 'security')),
  logs: {
    think: claimedAndDone('claude', 'alice-laptop', 1, 5, {
      phase: 'think',
      summary: 'autosave drafts',
      context_checkpoint: checkpoint('Autosave drafts locally'),
    }),
    plan: claimedAndDone('codex', 'bob-laptop', 6, 10, {
      phase: 'plan',
      summary: 'three steps',
      context_checkpoint: checkpoint('Three steps'),
    }),
    build: claimedAndDone('cursor', 'ci-box', 11, 30, { phase: 'build', summary: 'autosave', context_checkpoint: checkpoint('Built') }),
    review: [
      ...claimedAndDone(
        'cursor',
        'ci-box',
        31,
        40,
        {
          phase: 'review',
          summary: { blocking: 1, should_fix: 0, nitpicks: 0, positive: 0 },
          findings: [
            {
              id: 'R1',
              severity: 'blocking',
              description: 'drafts are lost on a quota error',
              file: 'src/autosave.js',
              line: 9,
              fixed: false,
            },
          ],
          context_checkpoint: checkpoint('One blocking finding'),
        },
        {
          halt: 'review has 1 blocking finding(s) not fixed (fix them, or mark one "wontfix" with a reason)',
          halt_rule: 'review_blocking',
        },
      ),
      {
        kind: 'reopen',
        reason: 'reopen',
        agent: 'alice',
        host: 'alice-laptop',
        at: '2026-03-02T10:42:00.000Z',
        why: 'fix R1: catch the quota error',
        previous: { agent: 'cursor', host: 'ci-box', at: '2026-03-02T10:40:00.000Z' },
      },
      ...claimedAndDone('cursor', 'ci-box', 50, 55, {
        phase: 'review',
        summary: { blocking: 1, should_fix: 0, nitpicks: 0, positive: 0 },
        findings: [
          {
            id: 'R1',
            severity: 'blocking',
            description: 'drafts are lost on a quota error',
            file: 'src/autosave.js',
            line: 9,
            status: 'fixed',
          },
        ],
        context_checkpoint: checkpoint('R1 fixed: the quota error is caught'),
      }),
    ],
    security: [
      ...claimedAndDone('gemini', 'bob-laptop', 31, 45, SECURITY_HIGH, {
        halt: 'security found 0 critical and 1 high finding(s) not fixed',
        halt_rule: 'security_critical_high',
        grade: 'D',
      }),
      {
        kind: 'override',
        reason: 'override',
        agent: 'bob',
        host: 'bob-laptop',
        at: '2026-03-02T10:58:00.000Z',
        why: 'accepted risk: behind the VPN until 1.1',
        previous: { agent: 'gemini', host: 'bob-laptop', at: '2026-03-02T10:45:00.000Z' },
        overridden: 'security found 0 critical and 1 high finding(s) not fixed',
        artifact: SECURITY_HIGH,
        halt_rule: 'security_critical_high',
        grade: 'D',
      },
    ],
  },
  ledger: [
    { kind: 'limit', agent: 'alice', host: 'alice-laptop', at: '2026-03-02T10:00:30.000Z', tokens: 200000, usd: 20 },
    { kind: 'spend', agent: 'cursor', host: 'ci-box', at: '2026-03-02T10:30:00.000Z', tokens: 120000, usd: 9.5, phase: 'build' },
    { kind: 'fail', agent: 'gemini', host: 'bob-laptop', at: '2026-03-02T10:40:00.000Z', key: 'scan:deps', note: 'registry timeout' },
    {
      kind: 'fail',
      agent: 'cursor',
      host: 'ci-box',
      at: '2026-03-02T10:44:00.000Z',
      key: 'test:quota',
      note: 'QuotaExceededError | uncaught',
    },
    { kind: 'fail', agent: 'cursor', host: 'ci-box', at: '2026-03-02T10:46:00.000Z', key: 'test:quota' },
    { kind: 'ok', agent: 'cursor', host: 'ci-box', at: '2026-03-02T10:49:00.000Z', key: 'test:quota' },
    { kind: 'spend', agent: 'cursor', host: 'ci-box', at: '2026-03-02T10:55:00.000Z', tokens: 50000, phase: 'review' },
  ],
  audit: [
    {
      at: '2026-03-02T10:42:00.000Z',
      event: 'reopen',
      phase: 'review',
      agent: 'alice',
      host: 'alice-laptop',
      detail: 'fix R1: catch the quota error',
    },
    {
      at: '2026-03-02T10:58:00.000Z',
      event: 'override',
      phase: 'security',
      agent: 'bob',
      host: 'bob-laptop',
      detail: 'overrode halt "security found 0 critical and 1 high finding(s) not fixed": accepted risk: behind the VPN until 1.1',
    },
  ],
};

describe('journal golden files', () => {
  it('a plain sprint: every phase, times, takeover, findings and how they were resolved, PR, CI, budget', async () => {
    const repo = await makeRepo();
    writeCraftedSprint(repo, PLAIN);
    const r = cli(['journal'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    expectGolden('journal-plain.md', r.stdout);
    // Deterministic: again, through --json, and to a file, the same bytes.
    expect(cli(['journal'], { cwd: repo }).stdout).toBe(r.stdout);
    expect(cli(['journal', '--json'], { cwd: repo }).json.markdown).toBe(r.stdout);
    expect(cli(['journal', '--out', 'journal.md'], { cwd: repo }).code).toBe(0);
    expect(readFileSync(join(repo, 'journal.md'), 'utf8')).toBe(r.stdout);
  });

  it('a reopened review and an overridden security halt: each reopening and override, by whom, when and why', async () => {
    const repo = await makeRepo();
    writeCraftedSprint(repo, REOPENED);
    const r = cli(['journal'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    expectGolden('journal-reopened.md', r.stdout);
    expect(r.stdout).toContain('**Reopened:** 2026-03-02T10:42:00.000Z by alice@alice-laptop');
    expect(r.stdout).toContain('**Halt overridden:** 2026-03-02T10:58:00.000Z by bob@bob-laptop');
    expect(r.stdout).toContain('accepted risk: behind the VPN until 1.1');
    // The override is named once in the phase and once in the gate's table, never twice from the audit log.
    expect(r.stdout.match(/Halt overridden/g)).toHaveLength(1);
    // Done means done: the overridden phase counts, and the sprint ended with the override.
    expect(r.stdout).toContain('| Phases | 5 of 5 done');
    expect(r.stdout).toContain('| Ended | 2026-03-02T10:58:00.000Z |');
    // The ledger: spend against the limit, by phase; failed attempts and their reset.
    expect(r.stdout).toContain('- **Used:** 170000 tokens ($9.5), 85% of the limit');
    expect(r.stdout).toMatch(/\| test:quota \| 2 \| .* \| reset by cursor@ci-box at /);
  });

  it('an injected </details><script> and friends in artifacts stay text: no HTML, no structure, no controls', async () => {
    const repo = await makeRepo();
    writeCraftedSprint(repo, INJECTED);
    const r = cli(['journal'], { cwd: repo });
    expect(r.code, r.stderr).toBe(0);
    expectGolden('journal-injected.md', r.stdout);
    const md = r.stdout;
    expect(md).not.toMatch(/<script|<img|<b>|<\/details><script/i);
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(md).not.toMatch(/^## fake/m);
    expect(md).not.toMatch(/^# Not/m);
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/);
    // Table rows keep their five cells: every pipe from an artifact is escaped.
    for (const row of md.split('\n').filter((l) => l.startsWith('| ') && l.includes('R1')))
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
  });
});

describe('the journal of a finished sprint', () => {
  it('is written when the last phase completes, to the state directory and to journal_path; refused outside the work tree', async () => {
    const repo = await makeRepo();
    const ana = agentIn(repo, 'ana');
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ journal_path: 'docs/journal-{sprint}.md' }));
    const sprint = ana.run('start', '--phases', '[{"name":"a"},{"name":"b","depends_on":["a"]}]').json.sprint_id;
    expect(ana.finish('a').journal).toBeUndefined();
    const last = ana.finish('b', { context_checkpoint: { summary: 'all of it', key_files: [], decisions_made: [], open_questions: [] } });
    const own = join(stateDir(repo), 'sprints', sprint, 'journal.md');
    const tracked = join(repo, 'docs', `journal-${sprint}.md`);
    expect(last).toMatchObject({ sprint_done: true, journal: { files: [own, tracked] } });
    expect(readFileSync(tracked, 'utf8')).toBe(readFileSync(own, 'utf8'));
    expect(readFileSync(own, 'utf8')).toBe(ana.run('journal').json.markdown);
    expect(readFileSync(own, 'utf8')).toContain('- **Summary:** all of it');
    expect(ana.human('complete', 'b').code).toBe(3); // done is read-only; nothing rewritten

    // A journal_path out of the work tree: the completion stands, and says why nothing was written there.
    writeFileSync(join(repo, '.git-conductor.json'), JSON.stringify({ journal_path: '../outside.md' }));
    const s2 = ana.run('start', '--phases', '[{"name":"a"}]').json.sprint_id;
    const done = ana.finish('a');
    expect(done.sprint_done).toBe(true);
    expect(done.journal.files).toEqual([join(stateDir(repo), 'sprints', s2, 'journal.md')]);
    expect(done.journal.error).toMatch(/journal_path "\.\.\/outside\.md" .* points outside the work tree/);
    expect(existsSync(join(repo, '..', 'outside.md'))).toBe(false);
  });

  it('reads the same on every clone, also for an archived sprint a clone stopped following', () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    const s1 = a.run(['start']).json.sprint_id;
    finishOn(a, 'think');
    b.git(['fetch', '-q']);
    expect(b.run(['status']).json.phases.think.state).toBe('done');
    for (const p of ['plan', 'build', 'review', 'security', 'qa', 'ship']) finishOn(a, p);
    a.run(['start']);
    b.git(['fetch', '-q']);
    const onA = a.run(['journal', '--sprint', s1]).json.markdown;
    expect(onA).toContain('7 of 7 done');
    expect(b.run(['journal', '--sprint', s1]).json.markdown).toBe(onA);
    expect(makeClone(url, 'cy').run(['journal', '--sprint', s1]).json.markdown).toBe(onA);
  });

  it('--out refuses a missing directory; the human form says where it wrote', async () => {
    const repo = await makeRepo();
    const ana = agentIn(repo, 'ana');
    ana.run('start');
    expect(ana.run('journal', '--out', 'no/such/dir/j.md').json.error).toMatchObject({ code: 'E_BAD_OUT', exit_code: 2 });
    mkdirSync(join(repo, 'out'));
    expect(ana.run('journal', '--out', 'out').json.error).toMatchObject({ code: 'E_BAD_OUT', exit_code: 2 });
    expect(ana.human('journal', '--out', 'j.md').stdout).toMatch(/^✓ wrote the journal of sprint \S+ to .*j\.md\n$/);
  });
});
