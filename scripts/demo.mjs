// A scripted multi-agent sprint on a throwaway repository: several agents in
// two worktrees race for phases, complete them with artifacts, and the graph
// unlocks review, security and qa in parallel before ship. Every step runs the
// real CLI as a separate process, exactly as agents would.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(import.meta.dirname, '../dist/cli.cjs');
const root = mkdtempSync(join(tmpdir(), 'conductor-demo-'));
const env = { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };
for (const k of Object.keys(env)) if (k.startsWith('CONDUCTOR_') || k === 'GIT_DIR' || k === 'GIT_WORK_TREE') delete env[k];

const bold = (s) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);
const step = (s) => console.log(`\n${bold(`▶ ${s}`)}`);
const sh = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
};
const conductor = (cwd, agent, ...args) => {
  const r = spawnSync(process.execPath, [CLI, ...args, ...(agent ? ['--agent', agent] : [])], { cwd, env, encoding: 'utf8' });
  return { code: r.status, out: (r.stdout + r.stderr).trim() };
};
const say = (cwd, agent, ...args) => {
  const r = conductor(cwd, agent, ...args);
  console.log(`  ${agent ?? ''}$ git conductor ${args.join(' ')}  → exit ${r.code}`);
  if (r.out) console.log(r.out.replace(/^/gm, '    '));
  return r;
};
/** Real processes, started together: they race for the same lock. */
const race = (cwd, agents, ...args) =>
  Promise.all(
    agents.map(
      (agent) =>
        new Promise((done) => {
          const child = spawn(process.execPath, [CLI, ...args, '--agent', agent, '--json'], { cwd, env });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('close', (code) => done({ agent, code, json: JSON.parse(out || '{}') }));
        }),
    ),
  );
const artifact = (dir, phase, body) => {
  mkdirSync(join(dir, '.conductor'), { recursive: true });
  const file = join(dir, '.conductor', `${phase}.json`);
  writeFileSync(file, JSON.stringify(body, null, 2));
  return file;
};

try {
  step('A repository, and a second worktree for a second terminal');
  const main = join(root, 'app');
  mkdirSync(main);
  sh('git', ['init', '-q', '-b', 'main'], main);
  writeFileSync(join(main, 'README.md'), '# app\n');
  sh('git', ['add', '.'], main);
  sh('git', ['commit', '-qm', 'initial'], main);
  const second = join(root, 'app-review');
  sh('git', ['worktree', 'add', '-q', second], main);
  console.log(`  ${main}\n  ${second} (worktree: shares the sprint state)`);

  step('claude starts a sprint with the default graph');
  say(main, 'claude', 'start');
  say(main, null, 'batch');

  step('Four agents race for "think" at the same instant: exactly one wins');
  const results = await race(main, ['claude', 'codex', 'cursor', 'opencode'], 'claim', 'think');
  for (const r of results) console.log(`  ${r.agent.padEnd(9)} exit ${r.code}  ${r.code === 0 ? 'won' : r.json.error?.message}`);
  const thinker = results.find((r) => r.code === 0).agent;

  step(`${thinker} completes think with an artifact; plan unlocks`);
  say(main, thinker, 'complete', 'think', '--artifact', artifact(main, 'think', { summary: 'users lose drafts on refresh', scope: 'autosave' }));

  step('codex takes plan with next --claim, completes it; build is a write phase');
  say(main, 'codex', 'next', '--claim');
  say(main, 'codex', 'complete', 'plan', '--artifact', artifact(main, 'plan', { files: ['src/autosave.ts'], steps: 3, size: 'small' }));
  say(main, 'codex', 'claim', 'build');
  say(main, 'cursor', 'claim', 'review');
  say(main, 'codex', 'complete', 'build');

  step('review, security and qa unlock together and run in parallel, from two worktrees');
  const fanout = await race(second, ['cursor', 'opencode', 'gemini'], 'next', '--claim');
  for (const r of fanout) console.log(`  ${r.agent.padEnd(9)} took ${r.json.claimed?.phase ?? '(nothing)'}`);
  say(second, null, 'status');

  step('ship waits for all three');
  say(main, 'claude', 'claim', 'ship');
  for (const r of fanout) {
    const phase = r.json.claimed.phase;
    const body = phase === 'qa' ? { tests: { total: 40, failed: 1 } } : { findings: [{ severity: 'low', title: 'naming' }] };
    say(second, r.agent, 'complete', phase, '--artifact', artifact(second, phase, body));
  }

  step('claude ships; the sprint is archived');
  say(main, 'claude', 'claim', 'ship');
  say(main, 'claude', 'complete', 'ship');
  say(main, null, 'status');

  step('The audit log');
  say(main, null, 'log');
  console.log(`\n${bold('Demo finished.')} Every claim above was a real process racing on the lock protocol.`);
} finally {
  if (!process.env.KEEP_DEMO) rmSync(root, { recursive: true, force: true });
}
