/** log across machines: the team's history, this clone's audit log merged with the fetched refs' entries, each once. */
import { describe, expect, it } from 'vitest';
import { checkpointArtifact } from './helpers/checkpoints.js';
import { makeBare, makeClone } from './helpers/remote.js';

describe('log across clones', () => {
  it("log on A lists B's claims once, with B's machine; A's own changes once; --local keeps A's audit log alone", () => {
    const { url } = makeBare();
    const a = makeClone(url, 'ana');
    const b = makeClone(url, 'ben');
    const sprint = a.run(['start']).json.sprint_id;
    expect(a.run(['claim', 'think']).code).toBe(0);
    expect(a.run(['complete', 'think', '--artifact', checkpointArtifact(a.dir, 'think', 'ana')]).code).toBe(0);
    b.git(['fetch', '-q']);
    expect(b.run(['claim', 'plan']).code).toBe(0);

    a.git(['fetch', '-q']);
    const log = a.run(['log']).json;
    const bens = log.entries.filter((e: { agent?: string }) => e.agent === 'ben');
    expect(bens).toMatchObject([{ event: 'claim', phase: 'plan', sprint_id: sprint, origin: 'remote' }]);
    expect(bens[0].host).toBeTruthy();
    expect(log.entries.filter((e: { event: string; phase?: string }) => e.event === 'claim' && e.phase === 'think')).toMatchObject([
      { agent: 'ana', origin: 'both' },
    ]);
    expect(log.entries.filter((e: { event: string }) => e.event === 'start')).toHaveLength(1);
    const times = log.entries.map((e: { at: string }) => e.at);
    expect([...times].sort()).toEqual(times);
    expect(Date.now() - Date.parse(log.as_of)).toBeLessThan(120_000);
    expect(a.run(['log', '--local']).json.entries.some((e: { agent?: string }) => e.agent === 'ben')).toBe(false);
    // b sees a's start and completion, and its own claim, in time order.
    const onB = b
      .run(['log', '--sprint', sprint])
      .json.entries.map((e: { event: string; phase?: string; agent?: string }) => `${e.event} ${e.phase ?? ''} ${e.agent}`);
    expect(onB).toEqual(['start  ana', 'claim think ana', 'complete think ana', 'claim plan ben']);
    expect(b.run(['log', '--sprint', 'nope']).json.error).toMatchObject({ code: 'E_BAD_SPRINT_ID', exit_code: 2 });
  });
});
