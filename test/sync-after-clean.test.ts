/** A sprint `clean` removed locally never stops a later sync to a fresh remote. */
import { describe, expect, it } from 'vitest';
import { makeBare, makeClone } from './helpers/remote.js';

describe('sync after clean', () => {
  it('publishes the head past a removed archived sprint, without its definition', () => {
    const { url, bare } = makeBare();
    const a = makeClone(url, 'alice', { init: false });
    const first = JSON.parse(a.run(['start']).stdout).sprint_id as string;
    const second = JSON.parse(a.run(['start']).stdout).sprint_id as string;
    expect(JSON.parse(a.run(['clean', '--days', '0']).stdout).removed).toEqual([first]);
    expect(a.run(['init', '--no-hooks']).code).toBe(0);
    const r = a.run(['sync']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const refs = a.git(['ls-remote', bare, 'refs/conductor/*']);
    expect(refs).toContain(`refs/conductor/sprints/${second}/sprint`);
    expect(refs).not.toContain(`refs/conductor/sprints/${first}/`);
    // A teammate's new clone joins the kept sprint.
    const b = makeClone(url, 'bob');
    expect(JSON.parse(b.run(['status']).stdout).sprint_id).toBe(second);
    expect(a.run(['sync']).code).toBe(0);
  });
});
