/** log: every kind of audit event, in order, as JSON and as text. */
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { repoPerTest, untilExpired } from './helpers/sprint.js';
import { artifact } from './helpers/artifacts.js';

const t = repoPerTest();
const { ok, finish } = t;

describe('log', () => {
  it('log shows every kind of event, in order, as JSON and as text', async () => {
    ok('start', '--phases', JSON.stringify([{ name: 'a' }, { name: 'b', concurrency: 'read' }, { name: 'c', concurrency: 'read' }, { name: 'review', depends_on: ['a'], concurrency: 'read' }]));
    ok('claim', 'a', '--agent', 'x');
    ok('renew', 'a', '--agent', 'x');
    ok('complete', 'a', '--agent', 'x');
    ok('claim', 'b', '--agent', 'x');
    ok('abort', 'b', '--agent', 'x');
    ok('claim', 'c', '--agent', 'x', '--ttl', '1s');
    await untilExpired(ok('claim', 'b', '--agent', 'x', '--ttl', '1s'));
    ok('unstuck', 'c', '--agent', 'y');
    ok('claim', 'b', '--agent', 'y');
    finish('review', 'z', artifact('review', { summary: { blocking: 1 }, findings: [{ severity: 'blocking', description: 'x' }] }));
    ok('clean');
    const kinds = ok('log').entries.map((e: { event: string }) => e.event);
    expect(kinds).toEqual(['start', 'claim', 'renew', 'complete', 'claim', 'abort', 'claim', 'claim', 'unstuck', 'takeover', 'claim', 'complete', 'halt', 'clean']);
    const sprint = ok('status').sprint_id;
    expect(ok('log', '--sprint', sprint).entries).toHaveLength(13);
    const text = conductor(['log'], { cwd: t.repo }).stdout.trim().split('\n');
    expect(text).toHaveLength(14);
    expect(text[9]).toMatch(/^\S+Z takeover b +y@\S+ from x@/);
  });
});
