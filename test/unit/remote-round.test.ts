/**
 * The remote link's decisions, against an in-memory remote: waiting for a
 * same-clone racer to settle, re-deciding on a fresh view, losing pushes,
 * giving up, retracting only our own entries, and which rollbacks are reported.
 */
import { describe, expect, it } from 'vitest';
import { isCode, unavailable, unreachable } from '../../src/core/errors.js';
import { RETRY_BOUNDS } from '../../src/core/retry-bounds.js';
import { rollbacksOf } from '../../src/remote/import.js';
import { sharedPrefix } from '../../src/remote/reconcile.js';
import { retractOwnUnpublished, type RetractableLog } from '../../src/remote/retract.js';
import { TransitionRound, type Clock, type RoundOps } from '../../src/remote/round.js';
import { settlingElsewhere } from '../../src/remote/settle.js';
import type { Lease, Transport } from '../../src/remote/transport.js';

/** A remote in memory: one phase chain of record ids; pushes compare-and-swap on its length. */
class MemTransport implements Transport {
  chain: string[] = [];
  fetches = 0;
  /** Ids someone else pushes just before our next push (each makes that push lose). */
  rivals: string[] = [];
  down = false;
  fetch(): void {
    if (this.down) throw unreachable('E_REMOTE_UNREACHABLE', 'down');
    this.fetches++;
  }
  lsRemote(): Map<string, string> {
    return new Map();
  }
  pushCas(leases: Lease[]): 'won' | 'lost' {
    if (this.down) throw unreachable('E_REMOTE_UNREACHABLE', 'down');
    const rival = this.rivals.shift();
    if (rival) this.chain.push(rival);
    const l = leases[0]!;
    if (String(this.chain.length) !== l.expect) return 'lost';
    this.chain.push(l.next!);
    return 'won';
  }
}

/** A phase log in memory: entries 1..n by record id. */
class MemLog implements RetractableLog {
  ids: string[] = [];
  seqs() {
    return this.ids.map((_, i) => i + 1);
  }
  read(seq: number) {
    return { record: { id: this.ids[seq - 1]! } };
  }
  retract(seq: number, id: string) {
    if (seq !== this.ids.length || this.ids[seq - 1] !== id) return false;
    this.ids.pop();
    return true;
  }
}

class FakeClock implements Clock {
  t = 1_000_000;
  slept = 0;
  now() {
    return this.t;
  }
  sleep(ms: number) {
    this.t += ms;
    this.slept++;
  }
  random() {
    return 0.5;
  }
}

/** The link's side of a round, over the in-memory remote and log: what a RoundOps owes the round. */
function harness(o: { settling?: () => boolean; diverged?: boolean; remote?: string[] } = {}) {
  const transport = new MemTransport();
  transport.chain = [...(o.remote ?? [])];
  const log = new MemLog();
  const own = new Set<string>();
  const clock = new FakeClock();
  let fetched = false;
  let imports = 0;
  let seen = transport.chain.length;
  const ops: RoundOps = {
    get fetched() {
      return fetched;
    },
    refresh() {
      transport.fetch();
      fetched = true;
    },
    importAll() {
      imports++;
    },
    isDiverged: () => !!o.diverged,
    divergedError: (phase) => unavailable('E_DIVERGED', `phase "${phase}" is being settled`),
    settlingElsewhere: () => (o.settling ? o.settling() : false),
    publishOrRetract(_phase, id, lost) {
      own.add(id);
      try {
        const won = transport.pushCas([{ ref: 'p', expect: String(seen), next: id }]) === 'won';
        seen = transport.chain.length; // won: ours is the tip; lost: the refresh shows the remote's chain
        return won || lost();
      } catch (e) {
        // The entries the remote has of ours are the published ones (the link counts its view's chain).
        const onRemote = sharedPrefix(
          log.ids.map((x) => ({ record: { id: x } })),
          transport.chain.map((x) => ({ record: { id: x } })),
        );
        retractOwnUnpublished(log, onRemote, own);
        throw e;
      }
    },
    lostError: (phase, e) => unavailable('E_LOST_RACE', `lost "${phase}": ${(e as Error).message}`),
  };
  const round = new TransitionRound(ops, 'build', clock);
  /** The api's loop (api/transition.ts) with `attempt` standing for decide + local append. */
  const run = (attempt: () => string): string => {
    for (;;) {
      let id: string;
      try {
        round.check();
        id = attempt();
      } catch (e) {
        const next = round.refused(e);
        if (next === 'retry') continue;
        throw next.error;
      }
      if (round.published(id)) return id;
    }
  };
  return { transport, log, own, clock, run, imports: () => imports, fetched: () => fetched };
}

const catching = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

describe('transition round: settle', () => {
  it('waits while a same-clone racer settles, then decides again on the settled state', () => {
    let checks = 0;
    const h = harness({ settling: () => ++checks < 4 });
    let attempts = 0;
    const id = h.run(() => {
      attempts++;
      if (attempts === 1) throw unavailable('E_HELD', 'held by the racer'); // unfetched view: refreshed first
      if (attempts < 5) throw unavailable('E_HELD', 'held by the racer');
      h.log.ids.push('mine');
      return 'mine';
    });
    expect(id).toBe('mine');
    expect(h.fetched()).toBe(true);
    expect(h.imports()).toBe(3); // one re-import per wait, no fetch
    expect(h.transport.chain).toEqual(['mine']);
  });

  it('a racer that never settles: E_DIVERGED once SETTLE_MS has passed, not its holder', () => {
    const h = harness({ settling: () => true });
    const e = catching(() =>
      h.run(() => {
        throw unavailable('E_HELD', 'held by a racer that may still lose');
      }),
    );
    expect(isCode(e, 'E_DIVERGED')).toBe(true);
    expect(h.clock.t - 1_000_000).toBeGreaterThanOrEqual(RETRY_BOUNDS.SETTLE_MS);
    expect(h.transport.chain).toEqual([]);
  });

  it('a done phase is not re-decided on a fresh view; a held one is, once', () => {
    const done = harness();
    expect(
      isCode(
        catching(() =>
          done.run(() => {
            throw unavailable('E_ALREADY_DONE', 'done');
          }),
        ),
        'E_ALREADY_DONE',
      ),
    ).toBe(true);
    expect(done.transport.fetches).toBe(0);
    const held = harness();
    expect(
      isCode(
        catching(() =>
          held.run(() => {
            throw unavailable('E_HELD', 'held');
          }),
        ),
        'E_HELD',
      ),
    ).toBe(true);
    expect(held.transport.fetches).toBe(1);
  });
});

describe('transition round: lost pushes and retraction', () => {
  it('a lost push refreshes and decides again; the refusal then names the lost race', () => {
    const h = harness();
    h.transport.rivals = ['theirs'];
    let attempts = 0;
    const e = catching(() =>
      h.run(() => {
        if (++attempts > 1) throw unavailable('E_HELD', 'held by them');
        h.log.ids.push('mine');
        return 'mine';
      }),
    );
    expect(isCode(e, 'E_LOST_RACE')).toBe(true);
    expect((e as Error).message).toContain('held by them');
    expect(h.transport.fetches).toBe(1);
  });

  it(`gives up after ${RETRY_BOUNDS.PUBLISH_LOSSES} lost pushes with E_REMOTE_BUSY, and takes back only its own entries`, () => {
    const h = harness({ remote: ['published'] });
    h.log.ids = ['published'];
    h.transport.rivals = Array.from({ length: RETRY_BOUNDS.PUBLISH_LOSSES }, (_, i) => `rival${i}`);
    let n = 0;
    const e = catching(() =>
      h.run(() => {
        const id = `mine${n++}`;
        h.log.ids = ['published', id];
        return id;
      }),
    );
    expect(isCode(e, 'E_REMOTE_BUSY')).toBe(true);
    expect(n).toBe(RETRY_BOUNDS.PUBLISH_LOSSES);
    expect(h.log.ids).toEqual(['published']);
  });

  it('an unreachable remote during the push: our entry is retracted and exit 5 reported', () => {
    const h = harness();
    h.transport.down = true;
    const e = catching(() =>
      h.run(() => {
        h.log.ids.push('mine');
        return 'mine';
      }),
    );
    expect(isCode(e, 'E_REMOTE_UNREACHABLE')).toBe(true);
    expect(h.log.ids).toEqual([]);
  });

  it('retraction goes top-down and stops at the first entry that is not ours', () => {
    const log = new MemLog();
    log.ids = ['a', 'theirs', 'mine1', 'mine2'];
    expect(retractOwnUnpublished(log, 1, new Set(['mine1', 'mine2']))).toEqual([4, 3]);
    expect(log.ids).toEqual(['a', 'theirs']);
    log.ids = ['a', 'mine1', 'theirs'];
    expect(retractOwnUnpublished(log, 1, new Set(['mine1']))).toEqual([]);
    expect(log.ids).toEqual(['a', 'mine1', 'theirs']);
    log.ids = ['mine0'];
    expect(retractOwnUnpublished(log, 1, new Set(['mine0']))).toEqual([]); // published: never taken back
  });
});

describe('import: which rollbacks are reported', () => {
  const rec = (id: string, agent: string, kind?: string) => ({ id, agent, host: 'h', at: '2026-01-01T00:00:00.000Z', kind });
  it('every retracted entry but our own, with the remote holder as the winner', () => {
    const winner = rec('w', 'bob', 'claim');
    const out = rollbacksOf([rec('x', 'alice', 'claim'), rec('mine', 'me', 'claim')], new Set(['mine']), 'build', winner).map(
      (x) => x.rolledBack,
    );
    expect(out).toEqual([
      {
        phase: 'build',
        agent: 'alice',
        host: 'h',
        at: '2026-01-01T00:00:00.000Z',
        kind: 'claim',
        winner: { agent: 'bob', host: 'h', at: '2026-01-01T00:00:00.000Z', kind: 'claim' },
      },
    ]);
  });
  it('a head entry (no kind) is a start; no remote top means no winner', () => {
    expect(rollbacksOf([rec('s', 'alice')], new Set(), undefined, undefined).map((x) => x.rolledBack)).toEqual([
      { phase: undefined, agent: 'alice', host: 'h', at: '2026-01-01T00:00:00.000Z', kind: 'start', winner: undefined },
    ]);
  });
});

describe('settle: is a same-clone racer still settling the phase?', () => {
  const now = Date.parse('2026-01-01T00:10:00.000Z');
  const fresh = '2026-01-01T00:09:59.000Z';
  const stale = '2026-01-01T00:00:00.000Z';
  const base = { problems: [], diverged: new Set<string>(), ownIds: new Set<string>(), now };
  const entry = (seq: number, id: string, at = fresh, offline?: true) => ({ seq, record: { id, at, ...(offline ? { offline } : {}) } });
  const chain = (...ids: string[]) => ids.map((id) => ({ record: { id } }));

  it('settled: the local top is the remote newest entry', () => {
    expect(settlingElsewhere('build', { ...base, top: entry(2, 'b'), remote: chain('a', 'b') })).toBe(false);
  });
  it("settling: another live process's entry on top, not on the remote (or at a number the remote holds differently)", () => {
    expect(settlingElsewhere('build', { ...base, top: entry(3, 'x'), remote: chain('a', 'b') })).toBe(true);
    expect(settlingElsewhere('build', { ...base, top: entry(2, 'x'), remote: chain('a', 'b') })).toBe(true);
  });
  it('not waited for: our own entry, an offline one, or one so old its creator is gone', () => {
    expect(settlingElsewhere('build', { ...base, ownIds: new Set(['x']), top: entry(3, 'x'), remote: chain('a', 'b') })).toBe(false);
    expect(settlingElsewhere('build', { ...base, top: entry(3, 'x', fresh, true), remote: chain('a', 'b') })).toBe(false);
    expect(settlingElsewhere('build', { ...base, top: entry(3, 'x', stale), remote: chain('a', 'b') })).toBe(false);
  });
  it('an empty log settles by importing when the remote has entries or the phase diverged', () => {
    expect(settlingElsewhere('build', { ...base, top: null, remote: chain('a') })).toBe(true);
    expect(settlingElsewhere('build', { ...base, top: null, remote: [] })).toBe(false);
    expect(settlingElsewhere('build', { ...base, diverged: new Set(['build']), top: null, remote: [] })).toBe(true);
  });
  it('a bad ref never settles by waiting', () => {
    expect(
      settlingElsewhere('build', {
        ...base,
        problems: [{ ref: 'refs/conductor-remotes/origin/sprints/s/phases/build', problem: 'bad' }],
        top: entry(3, 'x'),
        remote: chain('a', 'b'),
      }),
    ).toBe(false);
  });
});
