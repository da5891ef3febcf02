import { describe, expect, it } from 'vitest';
import { applied, parseReceiveLines } from '../../src/server/receive-rules.js';

const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe("the server hook's input", () => {
  it('parses pre-receive lines and refuses anything else with E_BAD_PUSH_INPUT', () => {
    expect(parseReceiveLines(`${Z} ${A} refs/heads/main\n${A} ${B} refs/conductor/head\n\n`)).toEqual([
      { old: Z, new: A, ref: 'refs/heads/main' },
      { old: A, new: B, ref: 'refs/conductor/head' },
    ]);
    for (const bad of [`${A} refs/heads/main`, `${A} ${B} heads/main`, `x ${B} refs/heads/main`, `${A} ${B} refs/a refs/b`]) {
      expect(() => parseReceiveLines(bad)).toThrow(expect.objectContaining({ code: 'E_BAD_PUSH_INPUT', exitCode: 2 }));
    }
  });

  it("applies a push's updates under the namespace only: creations, moves and deletions", () => {
    const before = new Map([
      ['refs/conductor/head', A],
      ['refs/conductor/sprints/x/sprint', A],
    ]);
    const after = applied(
      before,
      parseReceiveLines(`${A} ${B} refs/conductor/head\n${A} ${Z} refs/conductor/sprints/x/sprint\n${Z} ${A} refs/heads/main\n`),
      'refs/conductor',
    );
    expect([...after]).toEqual([['refs/conductor/head', B]]);
    expect(before.get('refs/conductor/head')).toBe(A);
  });
});
