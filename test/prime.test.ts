/** prime and the agent hooks, through the real CLI: the brief, its hook shape, binding the id in CLAUDE_ENV_FILE, one Stop reminder per holding. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, conductor as cli } from './helpers/cli.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { testEnv } from './helpers/env.js';

const hook = (repo: string, args: string[], input: string, env: Record<string, string | undefined> = {}) => {
  const r = spawnSync(process.execPath, [CLI, 'agent-hook', ...args], { cwd: repo, input, encoding: 'utf8', env: testEnv(env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: r.stdout ? JSON.parse(r.stdout) : undefined };
};

describe('prime', () => {
  it('tells a waking agent who it is, what it holds and what to do, in a hook answer too', async () => {
    const repo = await makeRepo();
    expect(cli(['prime', '--agent', 'ann'], { cwd: repo }).stdout).toContain('No sprint');
    cli(['start', '--agent', 'lead'], { cwd: repo });
    const fresh = cli(['prime', '--json', '--agent', 'ann'], { cwd: repo }).json;
    expect(fresh.next).toMatchObject({ action: 'claim', phase: 'think' });
    cli(['claim', 'think', '--agent', 'ann'], { cwd: repo });
    const held = cli(['prime', '--hook-json', '--agent', 'ann'], { cwd: repo });
    const ctx = held.json.hookSpecificOutput;
    expect(ctx.hookEventName).toBe('SessionStart');
    expect(ctx.additionalContext).toMatch(/Next: continue think: you hold think; its lease ends in \d+m/);
    expect(ctx.additionalContext.length).toBeLessThanOrEqual(1500);
    expect(cli(['prime', '--json', '--agent', 'bob'], { cwd: repo }).json.next).toMatchObject({
      action: 'wait',
      phase: 'think',
      holder: { agent: 'ann' },
    });
  });

  it('SessionStart binds the id in CLAUDE_ENV_FILE; Stop reminds once per holding', async () => {
    const repo = await makeRepo();
    cli(['start', '--agent', 'lead'], { cwd: repo });
    const envFile = join(tempDir(), 'env');
    const start = hook(
      repo,
      ['session-start', '--tool', 'claude'],
      JSON.stringify({ session_id: 's-1', source: 'startup', hook_event_name: 'SessionStart' }),
      { CLAUDE_ENV_FILE: envFile },
    );
    expect(start.json.hookSpecificOutput.additionalContext).toContain('you are agent claude-s-1');
    expect(readFileSync(envFile, 'utf8')).toBe('export CONDUCTOR_AGENT=claude-s-1\nexport CONDUCTOR_SESSION=claude:s-1\n');
    // Again (resume, compact): nothing appended twice.
    hook(repo, ['session-start', '--tool', 'claude'], JSON.stringify({ session_id: 's-1', source: 'compact' }), {
      CLAUDE_ENV_FILE: envFile,
    });
    expect(readFileSync(envFile, 'utf8').match(/CONDUCTOR_AGENT/g)).toHaveLength(1);
    const stopInput = JSON.stringify({ session_id: 's-1', stop_hook_active: false });
    expect(hook(repo, ['stop', '--tool', 'claude'], stopInput).stdout).toBe('');
    const bound = { CONDUCTOR_AGENT: 'claude-s-1', CONDUCTOR_SESSION: 'claude:s-1' };
    expect(cli(['claim', 'think', '--json'], { cwd: repo, env: bound }).code).toBe(0);
    const first = hook(repo, ['stop', '--tool', 'claude'], stopInput);
    expect(first.json).toMatchObject({ decision: 'block' });
    expect(first.json.reason).toContain('You still hold "think"');
    // Not again for the same holding, even though stop_hook_active says nothing.
    expect(hook(repo, ['stop', '--tool', 'claude'], stopInput).stdout).toBe('');
    expect(cli(['renew', 'think'], { cwd: repo, env: bound }).code).toBe(0);
    expect(hook(repo, ['stop', '--tool', 'claude'], stopInput).stdout).toBe('');
    // A new holding is reminded of again.
    expect(cli(['abort', 'think'], { cwd: repo, env: bound }).code).toBe(0);
    expect(cli(['claim', 'think'], { cwd: repo, env: bound }).code).toBe(0);
    expect(hook(repo, ['stop', '--tool', 'cursor'], stopInput, bound).json.followup_message).toContain('You still hold "think"');
    // Outside a repository (a user-wide hook): the id is still bound, and nothing is said.
    const elsewhere = tempDir();
    const outside = hook(elsewhere, ['session-start', '--tool', 'claude'], JSON.stringify({ session_id: 's-2' }), {
      CLAUDE_ENV_FILE: join(elsewhere, 'env'),
    });
    expect([outside.code, outside.stdout, outside.stderr]).toEqual([0, '', '']);
    expect(readFileSync(join(elsewhere, 'env'), 'utf8')).toContain('CONDUCTOR_AGENT=claude-s-2');
    // Bad input never breaks the agent: a message on stderr, nothing on stdout, exit 0.
    const bad = hook(repo, ['session-start', '--tool', 'claude'], '{not json');
    expect(bad.code).toBe(0);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('not JSON');
  });
});
