// A full multi-agent sprint across three machines that share one bare remote:
// alice's laptop (with a second worktree, a second terminal), bob's laptop and
// a CI box. Agents race for phases from different machines at the same
// instant, commit their work, read each other's artifacts, hit the ship gate,
// and ship. Every step runs the real CLI (and real git hooks) as separate
// processes. It is also a smoke test: it exits 1 when an expected outcome does
// not happen. KEEP_DEMO=1 keeps the throwaway directory.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { bold, checkCount, DemoFailure, expectThat, green, Machine, makeWorld, note, race, red, step } from './demo-kit.mjs';

const started = Date.now();
const world = makeWorld();
const at = (name) => join(world.root, name);
const rel = (file) => relative(dirname(dirname(file)), file); // .conductor/<phase>.json, from the work tree
const firstLine = (s) => s.trim().split('\n')[0] ?? '';
/** An artifact that fits the phase's contract: the example in templates/artifacts/, with these fields changed. */
const artifactOf = (phase, patch = {}) => {
  const base = JSON.parse(readFileSync(new URL(`../templates/artifacts/${phase}.json`, import.meta.url), 'utf8'));
  return {
    ...base,
    ...patch,
    summary: typeof patch.summary === 'object' ? { ...base.summary, ...patch.summary } : (patch.summary ?? base.summary),
  };
};
// Put together at run time, so no credential-shaped string sits in the source.
const PASTED_KEY = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const loserSays = (results) =>
  results.find((r) => r.code === 3 && r.json.error?.code === 'E_LOST_RACE') ?? results.find((r) => r.code === 3);

/** Prints a race's results and returns the winners. */
function report(results, what) {
  for (const r of results) {
    const e = r.json.error;
    const said =
      r.code === 0 ? green(what(r)) : e?.holder ? `${e.code}: held by ${e.holder.agent}@${e.holder.host}` : firstLine(e?.message ?? r.out);
    console.log(`   ${r.machine.name.padEnd(14)} ${r.agent.padEnd(9)} exit ${r.code}  ${said}`);
  }
  return results.filter((r) => r.code === 0);
}

async function main() {
  console.log(bold('git-conductor demo: one sprint, six agents, three machines, one bare remote'));
  note(`throwaway directory: ${world.root}`);

  step('Three machines clone one bare remote; alice opens a second terminal in a second worktree');
  const origin = new Machine(world, 'origin.git', at('origin.git'));
  new Machine(world, 'setup', world.root).git('init', '-q', '--bare', origin.dir);
  const alice = new Machine(world, 'alice-laptop', at('alice-laptop'));
  new Machine(world, 'setup', world.root).git('clone', '-q', `file://${origin.dir}`, alice.dir);
  alice.write('README.md', '# notes app\n');
  alice.git('add', 'README.md');
  alice.git('commit', '-qm', 'initial');
  alice.git('push', '-q', 'origin', 'main');
  const bob = new Machine(world, 'bob-laptop', at('bob-laptop'));
  const ci = new Machine(world, 'ci-box', at('ci-box'));
  for (const m of [bob, ci]) new Machine(world, 'setup', world.root).git('clone', '-q', `file://${origin.dir}`, m.dir);
  const alice2 = new Machine(world, 'alice-laptop²', at('alice-laptop-2'));
  alice.git('worktree', 'add', '-q', '-b', 'alice-2', alice2.dir);
  note('origin.git (bare) · alice-laptop + alice-laptop² (a worktree: same state) · bob-laptop · ci-box');

  step('git conductor init on every machine: the remote refspec and the hooks');
  for (const m of [alice, bob, ci]) {
    const r = m.conductor(null, 'init');
    expectThat(r.code === 0, `init on ${m.name}`, r.out);
  }
  const hooks = bob.json(null, 'hooks', 'status').json;
  expectThat(
    hooks.hooks.every((h) => h.state === 'installed') && !!hooks.cli,
    `post-commit and pre-push installed; they find the CLI at ${hooks.cli}`,
    JSON.stringify(hooks),
  );

  step('alice starts the sprint on her laptop; bob sees it after a plain git fetch');
  const start = alice.json('alice', 'start');
  expectThat(start.code === 0, `sprint ${start.json.sprint_id} started on alice-laptop`, start.out);
  const sprintId = start.json.sprint_id;
  bob.show(null, 'git', ['fetch', '-q']);
  bob.conductor('bob', 'status');
  expectThat(bob.json('bob', 'status').json.sprint_id === sprintId, 'bob-laptop shows the same sprint, with the "as of" remote view');

  step("alice gives the sprint a budget; every agent's spending goes into one ledger, mirrored like the phases");
  expectThat(alice.conductor('alice', 'budget', 'set', '--tokens', '200000', '--usd', '20').code === 0, 'budget: 200000 tokens, $20');

  step('Six agents on three machines claim "think" at the same instant');
  const thinkRace = await race(world, [
    { machine: alice, agent: 'claude', args: ['claim', 'think'] },
    { machine: alice2, agent: 'opencode', args: ['claim', 'think'] },
    { machine: bob, agent: 'codex', args: ['claim', 'think'] },
    { machine: bob, agent: 'bob', args: ['claim', 'think'] },
    { machine: ci, agent: 'cursor', args: ['claim', 'think'] },
    { machine: ci, agent: 'gemini', args: ['claim', 'think'] },
  ]);
  const [thinker, ...extraThinkers] = report(thinkRace, () => 'claimed think');
  expectThat(!!thinker && extraThinkers.length === 0, `exactly one winner: ${thinker?.agent} on ${thinker?.machine.name}`);
  const thinkLosers = thinkRace.filter((r) => r !== thinker);
  note(`${loserSays(thinkLosers)?.agent} was told: ${loserSays(thinkLosers)?.json.error?.message}`);
  note('(the "machines" are directories on this one computer, so every host reads the same)');
  expectThat(
    thinkLosers.every((r) => r.code === 3 && r.json.error?.message.includes(`${thinker.agent}@`)),
    `the other five exit 3, told that ${thinker.agent} holds it`,
    thinkLosers.map((r) => `${r.agent}: exit ${r.code} ${r.out}`).join('\n'),
  );

  step(`${thinker.agent} thinks, and completes think with an artifact`);
  const tm = thinker.machine;
  const thinkFile = tm.write(
    '.conductor/think.json',
    artifactOf('think', {
      summary: { value_proposition: 'users lose drafts on refresh', narrowest_wedge: 'autosave every 5 s' },
      context_checkpoint: {
        summary: 'Drafts vanish on refresh; autosave locally every 5 s, no server sync',
        key_files: ['src/editor.js:40'],
        decisions_made: ['localStorage, not IndexedDB'],
        open_questions: ['storage quota on Safari?'],
      },
    }),
  );
  expectThat(tm.conductor(thinker.agent, 'complete', 'think', '--artifact', rel(thinkFile)).code === 0, 'think done; plan unlocked');

  step('Same machine, two terminals: claude, opencode and alice race for "plan" on alice\'s laptop');
  const planRace = await race(world, [
    { machine: alice, agent: 'claude', args: ['claim', 'plan'] },
    { machine: alice2, agent: 'opencode', args: ['claim', 'plan'] },
    { machine: alice, agent: 'alice', args: ['claim', 'plan'] },
  ]);
  const [planner, ...extraPlanners] = report(planRace, () => 'claimed plan');
  expectThat(
    !!planner && extraPlanners.length === 0 && planRace.every((r) => r === planner || r.code === 3),
    `exactly one winner on one machine: ${planner?.agent}`,
  );
  const pm = planner.machine;
  const planFile = pm.write(
    '.conductor/plan.json',
    artifactOf('plan', {
      summary: { planned_files: ['src/autosave.js'] },
      steps: ['debounce input', 'save to localStorage', 'restore on load'],
      context_checkpoint: {
        summary: 'Three steps: debounce input, save to localStorage, restore on load',
        key_files: ['src/autosave.js'],
        decisions_made: ['5 s debounce'],
        open_questions: [],
      },
    }),
  );
  expectThat(pm.conductor(planner.agent, 'complete', 'plan', '--artifact', rel(planFile)).code === 0, 'plan done; build unlocked');

  step('codex builds on bob\'s laptop: a commit with a "Conductor-Phase: build" trailer completes build');
  expectThat(bob.conductor('codex', 'claim', 'build').code === 0, "codex holds build (bob-laptop fetched plan's completion on the way)");
  bob.write(
    'src/autosave.js',
    'export const autosave = (save) => { let t; return (text) => { clearTimeout(t); t = setTimeout(() => save(text), 5000); }; };\n',
  );
  bob.git('add', 'src/autosave.js');
  const commit = bob.show('codex', 'git', ['commit', '-q', '-m', 'feat: autosave drafts', '-m', 'Conductor-Phase: build']);
  const head = bob.git('rev-parse', 'HEAD');
  const build = bob.json('codex', 'status').json.phases.build;
  expectThat(
    commit.code === 0 && build.state === 'done' && build.commit === head,
    `the post-commit hook completed build, commit ${head.slice(0, 12)} recorded`,
    JSON.stringify(build),
  );

  step('codex records what build cost: past 80% of the budget, every command that changes state warns');
  const spent = bob.json('codex', 'budget', 'add', '--tokens', '170000', '--usd', '12.5', '--phase', 'build');
  bob.conductor('codex', 'budget', 'status');
  expectThat(
    spent.code === 0 && spent.json.warnings.some((w) => w.code === 'W_BUDGET') && /budget/.test(spent.stderr),
    `85% used: a W_BUDGET warning in the JSON and on stderr (${spent.json.warnings.map((w) => w.message).join('; ')})`,
    spent.out,
  );
  alice.show(null, 'git', ['fetch', '-q']);
  expectThat(alice.json('alice', 'budget', 'status').json.used?.tokens === 170000, "alice's laptop reads the same ledger after a fetch");

  step('review, security and qa unlock together: claimed at the same instant on three machines');
  const fanout = await race(world, [
    { machine: ci, agent: 'cursor', args: ['claim', 'review'] },
    { machine: bob, agent: 'gemini', args: ['claim', 'security'] },
    { machine: alice2, agent: 'opencode', args: ['claim', 'qa'] },
  ]);
  report(fanout, (r) => `claimed ${r.args[1]}`);
  expectThat(
    fanout.every((r) => r.code === 0),
    'all three claims succeed: different phases never contend',
  );
  ci.conductor('cursor', 'status', '--fetch');

  step("cursor, on the CI box, reads the plan written on alice's laptop");
  const shown = ci.conductor('cursor', 'artifact', 'show', 'plan');
  expectThat(shown.code === 0 && shown.stdout.includes('save to localStorage'), "the artifact travelled in the phase's ref");

  step('Context handoff: before starting review, cursor reads the digest of everything review depends on');
  const digest = ci.conductor('cursor', 'context', '--phase', 'review', '--budget', '1200');
  expectThat(
    digest.code === 0 &&
      digest.stdout.indexOf('build (done') < digest.stdout.indexOf('plan (done') &&
      digest.stdout.includes('5 s debounce') &&
      digest.stdout.length <= 1201,
    'build, plan and think, nearest first, with the checkpoints of whichever machine completed them, within the 1200-character budget',
    digest.out,
  );
  note('an agent that wakes up in a new session asks what to do next:');
  const resumed = ci.json('cursor', 'resume');
  ci.conductor('cursor', 'resume');
  expectThat(
    resumed.json.action === 'continue' && resumed.json.phase === 'review',
    'resume: continue review, with the lease left',
    resumed.out,
  );

  step('cursor checks the review artifact against the contract before completing: "low" is not a review severity');
  const nit = { id: 'R1', severity: 'low', description: 'name the 5000 ms constant', file: 'src/autosave.js', line: 1 };
  const reviewFile = ci.write(
    '.conductor/review.json',
    artifactOf('review', { summary: { blocking: 0, should_fix: 0, nitpicks: 1, positive: 0 }, findings: [nit] }),
  );
  const invalid = ci.conductor('cursor', 'artifact', 'validate', 'review', rel(reviewFile));
  expectThat(
    invalid.code === 2 &&
      invalid.stdout.includes('findings[0].severity: "low" is not allowed; allowed: blocking, should_fix, nitpick, positive'),
    'exit 2, naming the path, what was found and what is allowed',
    invalid.out,
  );
  ci.write(
    '.conductor/review.json',
    artifactOf('review', {
      summary: { blocking: 0, should_fix: 0, nitpicks: 1, positive: 0 },
      findings: [{ ...nit, severity: 'nitpick' }],
    }),
  );
  expectThat(ci.conductor('cursor', 'artifact', 'validate', 'review', rel(reviewFile)).code === 0, 'fixed: it fits the review contract');

  step('review finds a blocking bug: the completion stands, and the sprint halts');
  const bug = {
    id: 'R2',
    severity: 'blocking',
    description: 'a full localStorage throws and the draft is lost',
    file: 'src/autosave.js',
    line: 1,
  };
  ci.write(
    '.conductor/review.json',
    artifactOf('review', {
      summary: { blocking: 1, should_fix: 0, nitpicks: 1, positive: 0 },
      findings: [{ ...nit, severity: 'nitpick' }, bug],
    }),
  );
  const halting = ci.json('cursor', 'complete', 'review', '--artifact', rel(reviewFile));
  expectThat(
    halting.code === 0 && /blocking/.test(halting.json.halt ?? ''),
    `review done, and it halts the sprint: ${halting.json.halt}`,
    halting.out,
  );
  const haltedView = ci.conductor('cursor', 'status');
  expectThat(
    haltedView.stdout.includes('halted by review') && haltedView.stdout.includes('git conductor reopen review'),
    'status says which phase halted the sprint, why, whose artifact, and how to clear it',
    haltedView.out,
  );

  step('The fix path: reopen review (its first completion stays in the log), fix the bug, complete it again');
  const reopened = ci.json('cursor', 'reopen', 'review', '--reason', 'fix R2: catch the quota error');
  expectThat(
    reopened.code === 0 && reopened.json.reopened?.[0]?.phase === 'review',
    'review is ready again; the halt is gone',
    reopened.out,
  );
  expectThat(ci.conductor('cursor', 'claim', 'review').code === 0, 'cursor claims review again');
  ci.write(
    '.conductor/review.json',
    artifactOf('review', {
      summary: { blocking: 1, should_fix: 0, nitpicks: 1, positive: 0 },
      findings: [
        { ...nit, severity: 'nitpick' },
        { ...bug, status: 'fixed' },
      ],
    }),
  );
  const fixed = ci.json('cursor', 'complete', 'review', '--artifact', rel(reviewFile));
  expectThat(fixed.code === 0 && !fixed.json.halt, 'review done again with R2 fixed: no halt', fixed.out);

  step('qa finishes; security is still running');
  const qaFile = alice2.write('.conductor/qa.json', artifactOf('qa'));
  expectThat(alice2.conductor('opencode', 'complete', 'qa', '--artifact', rel(qaFile)).code === 0, 'qa done (42 tests, 0 failed)');

  step('bob pushes main: the pre-push ship gate refuses while security is running');
  note('no fetch first: before refusing, the gate fetches once, so review and qa done on other machines count');
  const refused = bob.show('bob', 'git', ['push', '-q', 'origin', 'main']);
  expectThat(
    refused.code !== 0 &&
      refused.stderr.includes('not ready to ship') &&
      refused.stderr.includes('security: running') &&
      !/review:|qa:/.test(refused.stderr),
    'push refused by the ship gate, naming only security',
    refused.out,
  );
  expectThat(origin.git('rev-parse', 'main') !== head, "origin's main is unchanged");

  step('gemini finishes security, with a cloud key pasted into a finding by mistake: it is redacted before it is stored or published');
  const sec = artifactOf('security');
  sec.findings[0].proof_of_concept = `found ${PASTED_KEY} in a log line`;
  const secFile = bob.write('.conductor/security.json', sec);
  const secDone = bob.conductor('gemini', 'complete', 'security', '--artifact', rel(secFile));
  expectThat(secDone.code === 0 && secDone.stdout.includes('security grade A'), 'security done, graded A (one low finding)', secDone.out);
  expectThat(
    secDone.stdout.includes('redacted 1 secret(s) before storing: aws-access-key-id at findings[0].proof_of_concept'),
    'the result says what was redacted and where, never the key',
    secDone.out,
  );
  alice.git('fetch', '-q');
  const raw = alice.run('git', ['conductor', 'artifact', 'show', 'security', '--raw'], { agent: 'alice' });
  note(
    `alice-laptop: git conductor artifact show security --raw | grep proof_of_concept\n      ${raw.stdout
      .split('\n')
      .find((l) => l.includes('proof_of_concept'))
      ?.trim()}`,
  );
  expectThat(
    raw.code === 0 && raw.stdout.includes('[REDACTED:aws-access-key-id]') && !raw.stdout.includes(PASTED_KEY),
    "alice's laptop reads the stored bytes: the key never left bob's machine",
    raw.out,
  );

  step('the same push goes through');
  const pushed = bob.show('bob', 'git', ['push', '-q', 'origin', 'main']);
  expectThat(
    pushed.code === 0 && origin.git('rev-parse', 'main') === head,
    `push accepted: origin's main is ${head.slice(0, 12)}`,
    pushed.out,
  );

  step('bob ships; the sprint is archived');
  expectThat(bob.conductor('bob', 'claim', 'ship').code === 0, 'bob holds ship (review, security and qa all done)');
  const shipFile = bob.write(
    '.conductor/ship.json',
    artifactOf('ship', { summary: { title: 'released autosave', pr_number: null, pr_url: null, status: 'merged' }, version: '1.4.0' }),
  );
  const shipped = bob.json('bob', 'complete', 'ship', '--artifact', rel(shipFile));
  expectThat(shipped.code === 0 && shipped.json.sprint_done === true, 'ship done: the last phase', shipped.out);
  alice.conductor('alice', 'status', '--fetch');
  expectThat(alice.json('alice', 'status').json.status === 'archived', "sprint archived, as seen from alice's laptop");

  step("A phase's history is a git log of its ref on the remote");
  const ref = `refs/conductor/sprints/${sprintId}/phases/build`;
  const history = origin.show(null, 'git', ['log', '--format=%h %s', ref]);
  expectThat(
    /complete build by codex/.test(history.stdout) && /claim build by codex/.test(history.stdout),
    'claim then complete, one commit each',
  );

  step("The sprint journal: written by itself on bob's laptop when ship completed, readable on every machine");
  expectThat(
    !!shipped.json.journal?.files?.length && !shipped.json.journal.error,
    `journal written to ${shipped.json.journal?.files?.[0] ?? '(nothing)'}`,
    shipped.out,
  );
  const journal = alice.json('alice', 'journal').json.markdown ?? '';
  console.log(
    journal
      .split('\n')
      .slice(0, 12)
      .map((l) => `      ${l}`)
      .join('\n'),
  );
  note('… one section per phase follows, then halts, overrides and ship-gate bypasses');
  expectThat(
    ['think', 'plan', 'build', 'review', 'security', 'qa', 'ship'].every((p) => journal.includes(`## ${p}\n`)) &&
      journal.includes('7 of 7 done'),
    "alice's journal names every phase, who did it and when",
  );
  expectThat(
    journal.includes('**Reopened:**') && journal.includes('| reopen | review |') && journal.includes('- **Used:** 170000 tokens'),
    "and review's halt and reopening, and the budget spent, from the logs and the ledger that travelled with the refs",
  );

  step("The team's history, on alice's laptop: her own log and every machine's entries from the phase refs");
  const log = alice.conductor(null, 'log', '--sprint', sprintId);
  expectThat(
    log.code === 0 && /claim\s+build\s+codex@/.test(log.stdout) && /complete ship\s+bob@/.test(log.stdout),
    "codex's claim of build and bob's ship, made on bob's laptop, are in alice's log",
  );

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${bold(green(`Demo finished: ${checkCount()} expected outcomes, all seen, in ${secs}s.`))}`);
}

let code = 0;
try {
  await main();
} catch (e) {
  code = 1;
  console.log(`\n${bold(red('DEMO FAILED'))} ${e instanceof DemoFailure ? e.message : (e?.stack ?? e)}`);
} finally {
  if (process.env.KEEP_DEMO) console.log(`\nkept ${world.root} (KEEP_DEMO=1)`);
  else rmSync(world.root, { recursive: true, force: true });
}
process.exitCode = code;
