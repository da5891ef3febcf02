/** whoami: the agent a command acts as, and where that id came from. */
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';

describe('whoami', () => {
  it('prints the agent from CONDUCTOR_AGENT, and says when it came from --agent', async () => {
    const repo = await makeRepo();
    expect(conductor(['start', '--json'], { cwd: repo }).code).toBe(0);
    expect(conductor(['whoami'], { cwd: repo, agent: 'robot-1' }).stdout).toMatch(/^robot-1 \(chosen by CONDUCTOR_AGENT; host \S+\)\n$/);
    const flag = conductor(['whoami', '--agent', 'me', '--json'], { cwd: repo });
    expect(flag.code).toBe(0);
    expect(flag.json).toMatchObject({ agent: 'me', source: '--agent' });
  });
});
