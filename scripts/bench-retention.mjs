// A remote that stays small: every number is a ratio to a baseline measured
// in this run.
//  - refs on the remote after N sprints with retention on (keep_sprints 5),
//    against the bound (phases + 2) x kept sprints, and a teammate's plain
//    `git push` of a branch to it, as a ratio to the same push to a fresh
//    remote (goal <= 1.2x); the clone's loose objects against what our writes
//    added (git's maintenance packs them in the background);
//  - `status` on a clone of a remote whose head has 6,000 entries in the old
//    format, as a ratio to a clone of a fresh one (goal <= 1.5x);
//  - `log` over 100,000 audit lines, as a ratio to node's start-up.
//   node scripts/bench-retention.mjs [--quick]
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchEnv, CLI, quick, ROOT, sh, tempDir, timeNode } from './lib/bench-kit.mjs';
import { writeLegacyHead } from './lib/legacy-head.mjs';

const lib = await import(join(ROOT, 'dist', 'index.mjs'));
const SPRINTS = quick ? 12 : 200;
const KEEP = 5;
const ROUNDS = quick ? 5 : 21;
const HEAD_ENTRIES = quick ? 2000 : 6000;
const AUDIT_LINES = quick ? 20_000 : 100_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const env = benchEnv({ CONDUCTOR_AGENT: 'bench' });

function remote() {
  const base = tempDir();
  const bare = join(base, 'r.git');
  sh('git', ['init', '-q', '--bare', '-b', 'main', bare], base);
  return { bare, url: `file://${bare}` };
}
function clone(url, { init = true } = {}) {
  const dir = join(tempDir(), 'w');
  sh('git', ['clone', '-q', url, dir], '/');
  if (!sh('git', ['branch', '-r'], dir).trim()) {
    writeFileSync(join(dir, 'README.md'), '# bench\n');
    sh('git', ['add', 'README.md'], dir);
    sh('git', ['commit', '-q', '-m', 'initial'], dir);
    sh('git', ['push', '-q', 'origin', 'HEAD:refs/heads/main'], dir);
  }
  if (init) sh(process.execPath, [CLI, 'init', '--no-hooks'], dir, env);
  return dir;
}
const refsOn = (bare) => sh('git', ['for-each-ref', '--format=%(refname)', 'refs/conductor/'], bare).split('\n').filter(Boolean).length;
const loose = (dir) => Number(/^count: (\d+)/m.exec(sh('git', ['count-objects', '-v'], dir))[1]);
/** One timed plain push of a new branch, as a teammate without the tool does it. */
let pushes = 0;
function timePush(dir) {
  const tree = sh('git', ['write-tree'], dir).trim();
  const commit = sh('git', ['commit-tree', tree, '-p', 'HEAD', '-m', `push ${++pushes}`], dir).trim();
  const t0 = process.hrtime.bigint();
  sh('git', ['push', '-q', 'origin', `${commit}:refs/heads/topic-${pushes}`], dir);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// 1. Retention over many sprints.
const big = remote();
const lead = clone(big.url);
writeFileSync(join(lead, '.git-conductor.json'), JSON.stringify({ keep_sprints: KEEP }));
const looseBefore = loose(lead);
for (let i = 0; i < SPRINTS; i++) {
  await lib.start({ cwd: lead, agent: 'lead' });
  await lib.claim({ cwd: lead, phase: 'think', agent: 'lead' });
  await lib.complete({ cwd: lead, phase: 'think', agent: 'lead' });
}
const written = SPRINTS * 3 * 3 + SPRINTS * 3; // head, sprint, claim, done: about 3 objects each
await new Promise((r) => setTimeout(r, 1500)); // let a background maintenance run finish
const looseAfter = loose(lead);
const refs = refsOn(big.bare);
const phases = 7;
const fresh = remote();
const freshLead = clone(fresh.url);
await lib.start({ cwd: freshLead, agent: 'lead' });
await lib.claim({ cwd: freshLead, phase: 'think', agent: 'lead' });
const freshRefs = refsOn(fresh.bare);
const mateBig = clone(big.url, { init: false });
const mateFresh = clone(fresh.url, { init: false });
const pBig = [];
const pFresh = [];
for (let i = 0; i < ROUNDS; i++) {
  pFresh.push(timePush(mateFresh));
  pBig.push(timePush(mateBig));
}
const pushRatio = median(pBig) / median(pFresh);

// 2. status over a long legacy head.
const legacy = remote();
writeLegacyHead(legacy.bare, HEAD_ENTRIES);
const t0 = process.hrtime.bigint();
const oldClone = clone(legacy.url);
const initLegacyMs = Number(process.hrtime.bigint() - t0) / 1e6;
const newRemote = remote();
writeLegacyHead(newRemote.bare, 1);
const t1 = process.hrtime.bigint();
const newClone = clone(newRemote.url);
const initFreshMs = Number(process.hrtime.bigint() - t1) / 1e6;
const sOld = [];
const sNew = [];
for (let i = 0; i < ROUNDS; i++) {
  sNew.push(timeNode([CLI, 'status', '--json'], newClone, env));
  sOld.push(timeNode([CLI, 'status', '--json'], oldClone, env));
}
const statusRatio = median(sOld) / median(sNew);

// 3. log over a long audit file.
const logRepo = clone(fresh.url);
await lib.start({ cwd: logRepo, agent: 'lead' });
const audit = join(logRepo, '.git', 'conductor', 'audit.jsonl');
const some = JSON.parse(readFileSync(audit, 'utf8').trim().split('\n').at(-1)).sprint_id;
const at = new Date().toISOString();
const lines = [];
for (let i = 0; i < AUDIT_LINES; i++)
  lines.push(
    JSON.stringify({
      at,
      event: 'claim',
      sprint_id: `20250101-000000-${(i % 4096).toString(16).padStart(6, '0')}`,
      phase: 'think',
      agent: 'x',
      host: 'h',
      detail: `line ${i}`,
    }),
  );
appendFileSync(audit, lines.join('\n') + '\n');
const floor = [];
const logAll = [];
const logSprint = [];
for (let i = 0; i < ROUNDS; i++) {
  floor.push(timeNode(['-e', '0'], logRepo, env));
  logAll.push(timeNode([CLI, 'log', '--json'], logRepo, env));
  logSprint.push(timeNode([CLI, 'log', '--sprint', some, '--json'], logRepo, env));
}
const f = median(floor);

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const bound = (phases + 2) * KEEP;
console.log(`\nbounded remote (${SPRINTS} sprints, keep_sprints ${KEEP}${quick ? ', quick' : ''})`);
console.log(
  `refs on the remote          ${refs} (fresh remote: ${freshRefs}; bound (phases + 2) x kept = ${bound})   ${verdict(refs <= bound)}`,
);
console.log(
  `teammate's plain git push   ${pushRatio.toFixed(2)}x a fresh remote's (${median(pBig).toFixed(1)} vs ${median(pFresh).toFixed(1)} ms)   target 1.20x   ${verdict(pushRatio <= 1.2)}`,
);
console.log(`loose objects on the clone  ${looseAfter} after ~${written} written by the tool (${looseBefore} before)`);
console.log(`\nlong head history (${HEAD_ENTRIES} entries in the old format)`);
console.log(`status                      ${statusRatio.toFixed(2)}x a fresh remote's   target 1.50x   ${verdict(statusRatio <= 1.5)}`);
console.log(`clone + init                ${(initLegacyMs / initFreshMs).toFixed(2)}x a fresh remote's (one run)`);
console.log(`\nlog over ${AUDIT_LINES} audit lines (ratios to node -e 0, median ${f.toFixed(1)} ms)`);
console.log(`log (newest 50)             ${(median(logAll) / f).toFixed(2)}x`);
console.log(`log --sprint                ${(median(logSprint) / f).toFixed(2)}x`);
