/** The error table in core/errors.ts and the README's "Exit codes" table say the same. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConductorError,
  ERROR_CODES,
  isCode,
  isRefusal,
  isUnreachable,
  unavailable,
  unreachable,
  blocked,
  invalid,
} from '../../src/core/errors.js';

const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');

function readmeCodes(): Map<string, number> {
  const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('### JSON shapes'));
  const out = new Map<string, number>();
  for (const line of section.split('\n')) {
    const m = /^\| (\d) \|(.*)$/.exec(line);
    if (!m) continue;
    for (const c of m[2]!.matchAll(/`(E_[A-Z_]+)`/g)) out.set(c[1]!, Number(m[1]));
  }
  return out;
}

describe('error codes', () => {
  it('the table has exactly the README codes, each with the README exit code', () => {
    const documented = readmeCodes();
    expect(documented.size).toBeGreaterThan(30);
    expect(Object.fromEntries(documented)).toEqual({ ...ERROR_CODES });
  });

  it('each constructor raises its codes with the exit code the table gives them', () => {
    expect(unavailable('E_HELD', 'x').exitCode).toBe(ERROR_CODES.E_HELD);
    expect(blocked('E_DEPENDENCY', 'x').exitCode).toBe(ERROR_CODES.E_DEPENDENCY);
    expect(invalid('E_USAGE', 'x').exitCode).toBe(ERROR_CODES.E_USAGE);
    expect(unreachable('E_REMOTE_REFUSED', 'x').exitCode).toBe(ERROR_CODES.E_REMOTE_REFUSED);
  });

  it('the predicates name meanings: unreachable, a refusal, one code', () => {
    const gone = unreachable('E_REMOTE_UNREACHABLE', 'down');
    const held = unavailable('E_HELD', 'held');
    const dep = blocked('E_DEPENDENCY', 'later');
    const bad = invalid('E_BAD_GRAPH', 'bad');
    expect([gone, held, dep, bad].map(isUnreachable)).toEqual([true, false, false, false]);
    expect([gone, held, dep, bad].map(isRefusal)).toEqual([false, true, true, false]);
    expect(isCode(held, 'E_HELD')).toBe(true);
    expect(isCode(held, 'E_LOST_RACE', 'E_HELD')).toBe(true);
    expect(isCode(dep, 'E_HELD')).toBe(false);
    expect(isCode(new Error('E_HELD'), 'E_HELD')).toBe(false);
    expect(held).toBeInstanceOf(ConductorError);
  });
});
