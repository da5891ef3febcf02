/** log: every kind of audit event, in order, as JSON and as text. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateDir } from './helpers/state.js';
import { conductor } from './helpers/cli.js';
import { repoPerTest, untilExpired } from './helpers/sprint.js';
import { artifact } from './helpers/artifacts.js';

const t = repoPerTest();
const { ok, finish } = t;

describe('log', () => {
  it('log shows every kind of event, in order, as JSON and as text', async () => {
    ok(
      'start',
      '--phases',
      JSON.stringify([
        { name: 'a' },
        { name: 'b', concurrency: 'read' },
        { name: 'c', concurrency: 'read' },
        { name: 'review', depends_on: ['a'], concurrency: 'read' },
      ]),
    );
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
    expect(kinds).toEqual([
      'start',
      'claim',
      'renew',
      'complete',
      'claim',
      'abort',
      'claim',
      'claim',
      'unstuck',
      'takeover',
      'claim',
      'complete',
      'halt',
      'clean',
    ]);
    const sprint = ok('status').sprint_id;
    expect(ok('log', '--sprint', sprint).entries).toHaveLength(13);
    const text = conductor(['log'], { cwd: t.repo }).stdout.trim().split('\n');
    expect(text).toHaveLength(14);
    expect(text[9]).toMatch(/^\S+Z takeover b +y@\S+ from x@/);
  });
});

describe('log --limit and --sprint', () => {
  it('shows the newest events, oldest first, stops at the limit, and filters by sprint', () => {
    const first = ok('start').sprint_id;
    const second = ok('start').sprint_id;
    // A history longer than one read chunk of another sprint's lines (and an invalid one) after them, written directly.
    const file = join(stateDir(t.repo), 'audit.jsonl');
    const at = new Date().toISOString();
    appendFileSync(
      file,
      'not json\n' +
        Array.from(
          { length: 800 },
          (_, i) =>
            JSON.stringify({ at, event: 'claim', sprint_id: second, phase: 'think', agent: 'x', host: 'h', detail: `n${i}` }) + '\n',
        ).join(''),
    );
    const all = ok('log');
    expect(all.entries).toHaveLength(50);
    expect(all.more).toBe(true);
    expect(all.entries.at(-1).detail).toBe('n799');
    expect(all.entries[0].detail).toBe('n750');
    expect(ok('log', '--limit', '3').entries.map((e: { detail: string }) => e.detail)).toEqual(['n797', 'n798', 'n799']);
    const full = ok('log', '--limit', '0');
    expect(full.entries).toHaveLength(802);
    expect(full.skipped_invalid_lines).toBe(1);
    const mine = ok('log', '--sprint', first, '--limit', '0');
    expect(mine.entries.map((e: { event: string }) => e.event)).toEqual(['start']);
    // The prefilter never parsed the invalid line: it does not name the sprint.
    expect(mine.skipped_invalid_lines).toBe(0);
    expect(ok('log', '--sprint', second, '--limit', '1').entries[0].detail).toBe('n799');
    const bad = conductor(['log', '--limit', '-1', '--json'], { cwd: t.repo });
    expect(bad.code).toBe(2);
  });
});
