/**
 * Property: whatever the interleaving of claim, renew, takeover, abort, complete, offline claims, sync and two
 * clones claiming at once, across several clones of one real bare remote, no two incompatible live claims exist
 * anywhere after any step: not on the remote, not in any clone's local state, and not between what a holder
 * believes it holds and what the remote holds.
 * An online claim that succeeds must also be one the rules (an independent model here) allowed.
 *
 * A fixed seed and a few small runs in the normal suite; `npm run test:soak` runs more
 * (CONDUCTOR_PROP_RUNS, CONDUCTOR_PROP_SEED).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gitRun } from './helpers/git.js';
import { makeBare, makeClone, sleep, type Clone } from './helpers/remote.js';
import { stateDir } from './helpers/state.js';

const RUNS = Number(process.env.CONDUCTOR_PROP_RUNS ?? 8);
const SEED = Number(process.env.CONDUCTOR_PROP_SEED ?? 20261201);
const STEPS = Number(process.env.CONDUCTOR_PROP_STEPS ?? 12);
const CLONES = 3;
const TTL_S = 2;

type Cls = 'read' | 'write' | 'exclusive';
const PHASES: Record<string, Cls> = { w1: 'write', w2: 'write', r1: 'read', x: 'exclusive' };
const NAMES = Object.keys(PHASES);
const excludes = (a: string, b: string) =>
  a !== b && (PHASES[a] === 'exclusive' || PHASES[b] === 'exclusive' || (PHASES[a] === 'write' && PHASES[b] === 'write'));

interface Rec {
  id: string;
  kind: string;
  agent: string;
  at: string;
  expires_at?: string;
  offline?: true;
}
const MAX_TTL = 366 * 86_400_000;
/** The model's own lease arithmetic (not the product's): the end, capped, and the default grace. */
const leaseEnd = (r: Rec) => Math.min(Date.parse(r.expires_at ?? r.at), Date.parse(r.at) + MAX_TTL);
const grace = (r: Rec) => Math.min(30_000, Math.floor((leaseEnd(r) - Date.parse(r.at)) / 10));
const live = (r: Rec | undefined, now: number): r is Rec => r?.kind === 'claim' && leaseEnd(r) > now;

type Op =
  | { op: 'claim' | 'renew' | 'abort' | 'complete' | 'offline-claim'; clone: number; phase: string }
  | { op: 'sync'; clone: number }
  /** Two clones claiming at the same moment (real racing processes). */
  | { op: 'race'; claims: [{ clone: number; phase: string }, { clone: number; phase: string }] }
  | { op: 'wait' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('claim' as const), clone: fc.nat(CLONES - 1), phase: fc.constantFrom(...NAMES) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom('renew' as const, 'abort' as const, 'complete' as const, 'offline-claim' as const),
      clone: fc.nat(CLONES - 1),
      phase: fc.constantFrom(...NAMES),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('sync' as const), clone: fc.nat(CLONES - 1) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'wait' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(CLONES - 1), fc.nat(CLONES - 2), fc.constantFrom(...NAMES), fc.constantFrom(...NAMES))
      .map(([a, d, p, q]) => ({
        op: 'race' as const,
        claims: [
          { clone: a, phase: p },
          { clone: (a + 1 + d) % CLONES, phase: q },
        ] as [{ clone: number; phase: string }, { clone: number; phase: string }],
      })),
  },
);

/** A clone's local top record of each phase (what that clone believes). */
function localTops(c: Clone, sprint: string): Map<string, Rec> {
  const out = new Map<string, Rec>();
  for (const p of NAMES) {
    const dir = join(stateDir(c.dir), 'sprints', sprint, 'phases', p);
    if (!existsSync(dir)) continue;
    const seqs = readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .sort();
    const top = seqs.at(-1);
    if (top) out.set(p, JSON.parse(readFileSync(join(dir, top, 'record.json'), 'utf8')));
  }
  return out;
}

/** The remote's top record of each phase, and every record id of each chain. */
function remoteState(bare: string, sprint: string): { tops: Map<string, Rec>; ids: Map<string, Set<string>> } {
  const tops = new Map<string, Rec>();
  const ids = new Map<string, Set<string>>();
  for (const p of NAMES) {
    const ref = `refs/conductor/sprints/${sprint}/phases/${p}`;
    const log = gitRun(bare, ['log', '--format=%H', ref]);
    if (log.code !== 0) continue;
    const commits = log.stdout.trim().split('\n').filter(Boolean);
    const recs = commits.map((c) => JSON.parse(gitRun(bare, ['show', `${c}:record.json`]).stdout) as Rec);
    tops.set(p, recs[0]!);
    ids.set(p, new Set(recs.map((r) => r.id)));
  }
  return { tops, ids };
}

/** Pairs of live claims that the rules forbid together: the same phase by two records, or two excluding phases. */
function conflicts(claims: { phase: string; rec: Rec; where: string }[], now: number): string[] {
  const l = claims.filter((c) => live(c.rec, now));
  const bad: string[] = [];
  for (let i = 0; i < l.length; i++)
    for (let j = i + 1; j < l.length; j++) {
      const [a, b] = [l[i]!, l[j]!];
      if ((a.phase === b.phase && a.rec.id !== b.rec.id) || excludes(a.phase, b.phase))
        bad.push(`${a.phase}:${a.rec.agent}(${a.where}) vs ${b.phase}:${b.rec.agent}(${b.where})`);
    }
  return bad;
}

function checkInvariant(bare: string, clones: Clone[], sprint: string, step: string): void {
  const remote = remoteState(bare, sprint);
  const now = Date.now();
  const onRemote = [...remote.tops].map(([phase, rec]) => ({ phase, rec, where: 'remote' }));
  expect(conflicts(onRemote, now), `remote after ${step}`).toEqual([]);
  clones.forEach((c, i) => {
    // An offline claim is not coordinated until sync publishes it (or rolls it back): it may meet a teammate's here.
    // A teammate's entry that the remote has since superseded is this clone's copy as of its last fetch, not a
    // claim anyone holds: a rival's claim is published before its re-check, so a fetch in that window (e.g. by
    // a racing command refused on a stale view) copies a claim that is rolled back a moment later, and this
    // clone's next fetch replaces it (README, "The compare-and-swap rule"). The guarantee is about what is held: the
    // remote's tops, and each clone's own entries and copies of the remote's tops, which stay checked here.
    const local = [...localTops(c, sprint)]
      .map(([phase, rec]) => ({ phase, rec, where: `clone ${i}` }))
      .filter((x) => !x.rec.offline || remote.ids.get(x.phase)?.has(x.rec.id))
      .filter((x) => x.rec.agent === c.agent || !remote.ids.get(x.phase)?.has(x.rec.id) || remote.tops.get(x.phase)?.id === x.rec.id);
    expect(conflicts(local, now), `clone ${i} after ${step}`).toEqual([]);
    // What this clone's agent believes it holds, published (offline claims are not coordinated until sync), against the remote.
    const believed = local.filter((x) => x.rec.agent === c.agent && remote.ids.get(x.phase)?.has(x.rec.id));
    expect(
      conflicts([...onRemote, ...believed.filter((b) => remote.tops.get(b.phase)?.id !== b.rec.id)], now),
      `clone ${i}'s beliefs after ${step}`,
    ).toEqual([]);
  });
}

/** Would the rules allow `agent` to claim `phase` now? Only "no" when some lease blocks it for the whole step. */
function modelRefuses(remote: Map<string, Rec>, own: Map<string, Rec>, phase: string, agent: string, stepEnd: number): boolean {
  const top = remote.get(phase);
  if (top?.kind === 'done') return true;
  if (top?.kind === 'claim' && top.agent !== agent && leaseEnd(top) + grace(top) > stepEnd) return true;
  for (const o of NAMES) {
    if (!excludes(phase, o)) continue;
    if (live(remote.get(o), stepEnd)) return true;
    const mine = own.get(o);
    if (mine?.agent === agent && live(mine, stepEnd)) return true;
  }
  return false;
}

// The timeout is a limit for a hung run, not a slow one: on a loaded two-core machine the default 8 runs were measured
// at 8 minutes. One retry, because the race steps are real processes racing on a shared machine and the remote's
// compare-and-swap window is timing-dependent: a retried failure is still printed, and one that repeats fails.
describe('property: no two incompatible live claims, whatever the interleaving', () => {
  it(
    `random interleavings across ${CLONES} clones (${RUNS} runs of up to ${STEPS} steps, seed ${SEED})`,
    { timeout: 1_800_000, retry: 1 },
    async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 3, maxLength: STEPS }), async (ops) => {
          runs++;
          const { bare, url } = makeBare();
          const clones = Array.from({ length: CLONES }, (_, i) => makeClone(url, `agent-${i}`));
          const graph = JSON.stringify(NAMES.map((name) => ({ name, concurrency: PHASES[name] })));
          const sprint = clones[0]!.run(['start', '--phases', graph]).json.sprint_id as string;
          for (const c of clones.slice(1)) expect(c.run(['status', '--fetch']).code).toBe(0);
          for (const [n, o] of ops.entries()) {
            const step = `step ${n + 1} ${JSON.stringify(o)} of ${JSON.stringify(ops)}`;
            if (o.op === 'wait') {
              await sleep(TTL_S * 1000 * 1.1 + 100);
            } else if (o.op === 'race') {
              const rs = await Promise.all(o.claims.map((x) => clones[x.clone]!.runAsync(['claim', x.phase, '--ttl', `${TTL_S}s`])));
              for (const r of rs) expect([0, 3, 4, 5], `${step}: ${r.stdout}${r.stderr}`).toContain(r.code);
            } else {
              const c = clones[o.clone]!;
              const before = o.op === 'claim' ? { remote: remoteState(bare, sprint).tops, own: localTops(c, sprint) } : undefined;
              const args =
                o.op === 'sync'
                  ? ['sync']
                  : o.op === 'offline-claim'
                    ? ['claim', o.phase, '--offline', '--ttl', `${TTL_S}s`]
                    : o.op === 'claim' || o.op === 'renew'
                      ? [o.op, o.phase, '--ttl', `${TTL_S}s`]
                      : [o.op, o.phase];
              const r = c.run(args);
              expect([0, 3, 4, 5], `${step}: ${r.stdout}${r.stderr}`).toContain(r.code);
              if (before && r.code === 0)
                expect(modelRefuses(before.remote, before.own, o.phase, c.agent, Date.now()), `${step}: granted against the rules`).toBe(
                  false,
                );
            }
            checkInvariant(bare, clones, sprint, step);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      console.log(`property: ${runs} runs, seed ${SEED}`);
    },
  );
});
