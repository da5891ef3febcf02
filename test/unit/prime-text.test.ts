import { describe, expect, it } from 'vitest';
import { PRIME_MAX, primeText } from '../../src/core/prime-text.js';

const base = { agent: 'a', source: 's', host: 'h', stable: true, displaced: [], twinHeld: [] };

describe('primeText', () => {
  it('stays within its budget and always names the three commands', () => {
    const long = primeText({
      ...base,
      sprint_id: 'x',
      action: { action: 'wait', phase: 'p', reason: 'r'.repeat(5000), command: 'git conductor resume', lease_left_s: 10 },
      displaced: Array.from({ length: 50 }, (_, i) => ({ phase: `p${i}`, by: 'b', host: 'h', at: 't', why: 'w' })),
    });
    expect(long.length).toBeLessThanOrEqual(PRIME_MAX);
    for (const c of ['next --claim --json', 'renew --if-held --json', 'complete <phase> --artifact']) expect(long).toContain(c);
  });

  it('says what to do next and warns about an id that may not last or is shared', () => {
    const t = primeText({
      ...base,
      stable: false,
      bind: 'bind it',
      twinHeld: ['build'],
      sprint_id: 'x',
      action: {
        action: 'claim',
        phase: 'plan',
        reason: 'plan is ready and nobody holds it',
        command: 'git conductor claim plan',
        lease_left_s: null,
      },
    });
    expect(t).toContain('WARNING: this id may change');
    expect(t).toContain('"build" is held under your id by another agent session');
    expect(t).toContain('Next: claim plan: plan is ready and nobody holds it.');
    expect(t).toContain('Run: git conductor claim plan');
    expect(primeText(base)).toContain('No sprint');
  });
});
