/**
 * setup <agent> in real repositories with existing settings: the hooks it
 * installs run with real JSON on stdin, a real CLAUDE_ENV_FILE binds the id,
 * commands in fresh process sessions claim and complete; twice changes
 * nothing; --remove restores every byte; --check reports drift with exit 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookEnv } from './helpers/hooks.js';
import { conductor as cli } from './helpers/cli.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { testEnv } from './helpers/env.js';
import { artifactText } from './helpers/artifacts.js';

function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const dir = join(root, rel);
    for (const n of spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
      const r = rel ? `${rel}/${n}` : n;
      if (r === '.git') continue;
      const isDir = spawnSync('test', ['-d', join(root, r)]).status === 0;
      if (isDir) {
        out[r + '/'] = '<dir>';
        walk(r);
      } else out[r] = readFileSync(join(root, r), 'latin1');
    }
  };
  walk('');
  return out;
}

/** A fresh shell in its own process session, as agent harnesses run commands; `git conductor` found on PATH. */
function freshShell(cwd: string, script: string, env: Record<string, string | undefined> = {}, input?: string) {
  const r = spawnSync('setsid', ['bash', '-c', script], {
    cwd,
    encoding: 'utf8',
    input,
    env: testEnv({ ...hookEnv(), NODE_EXTRA_CA_CERTS: undefined, ...env }),
  });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

const setupCli = (repo: string, args: string[]) => cli(['setup', ...args, '--json'], { cwd: repo });

/** The command of our hook for `event` in a Claude/Codex-style settings file. */
function hookCommandOf(settings: string, event: string): string {
  const groups = JSON.parse(settings).hooks[event] as { hooks: { command: string }[] }[];
  return groups.flatMap((g) => g.hooks).find((h) => h.command.startsWith('git conductor agent-hook'))!.command;
}

describe('setup claude', () => {
  it('merges into existing settings, binds the id at SessionStart, and commands in fresh shells claim and complete', async () => {
    const repo = await makeRepo();
    mkdirSync(join(repo, '.claude'));
    const settings =
      '{\n    "permissions": { "allow": ["Bash(npm test)"] },\n    "hooks": { "SessionStart": [ { "matcher": "startup", "hooks": [ { "type": "command", "command": "echo mine" } ] } ] }\n}\n';
    writeFileSync(join(repo, '.claude', 'settings.json'), settings);
    writeFileSync(join(repo, '.mcp.json'), '{"mcpServers":{"other":{"command":"other-server"}}}');
    const before = tree(repo);

    const first = setupCli(repo, ['claude', '--mcp']);
    expect(first.code, first.stdout).toBe(0);
    expect(first.json.files).toEqual([
      { path: '.claude/skills/git-conductor/SKILL.md', action: 'created' },
      { path: '.claude/settings.json', action: 'updated' },
      { path: '.mcp.json', action: 'updated' },
    ]);
    const merged = JSON.parse(readFileSync(join(repo, '.claude', 'settings.json'), 'utf8'));
    expect(merged.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(merged.hooks.SessionStart).toHaveLength(2);
    expect(merged.hooks.SessionStart[1]).toMatchObject({ matcher: 'startup|resume|clear|compact' });
    expect(merged.hooks.Stop).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(repo, '.mcp.json'), 'utf8')).mcpServers).toEqual({
      other: { command: 'other-server' },
      'git-conductor': { command: 'git', args: ['conductor', 'mcp'] },
    });
    expect(readFileSync(join(repo, '.claude/skills/git-conductor/SKILL.md'), 'utf8')).toBe(
      readFileSync(join(__dirname, '../templates/SKILL.md'), 'utf8'),
    );

    const installed = tree(repo);
    expect(setupCli(repo, ['claude', '--mcp']).json.files.every((f: { action: string }) => f.action === 'unchanged')).toBe(true);
    expect(tree(repo)).toEqual(installed);
    expect(setupCli(repo, ['claude', '--check', '--mcp']).code).toBe(0);

    // The harness runs the SessionStart hook with its JSON on stdin and a CLAUDE_ENV_FILE...
    expect(cli(['start', '--agent', 'lead'], { cwd: repo }).code).toBe(0);
    const envFile = join(tempDir(), 'claude-env.sh');
    const settingsText = readFileSync(join(repo, '.claude', 'settings.json'), 'utf8');
    const start = freshShell(
      repo,
      hookCommandOf(settingsText, 'SessionStart'),
      { CLAUDE_ENV_FILE: envFile },
      JSON.stringify({
        session_id: '2f6c1a0e-77b1-4c55-9a3e-0f1d2c3b4a59',
        transcript_path: '/tmp/t.jsonl',
        cwd: repo,
        hook_event_name: 'SessionStart',
        source: 'startup',
      }),
    );
    expect(start.code, start.stderr).toBe(0);
    expect(start.json.hookSpecificOutput.additionalContext).toContain('you are agent claude-2f6c1a0e-77b1-4c55-9a3e-0f1d2c3b4a59');
    expect(start.json.hookSpecificOutput.additionalContext).toContain('Next: claim think');
    // ...and sources that file before every command, each in a fresh process session.
    const src = `. '${envFile}'; `;
    const who = [freshShell(repo, src + 'git conductor whoami --json').json, freshShell(repo, src + 'git conductor whoami --json').json];
    expect(who[0]).toMatchObject({ agent: 'claude-2f6c1a0e-77b1-4c55-9a3e-0f1d2c3b4a59', source: 'CONDUCTOR_AGENT' });
    expect(who[1].agent).toBe(who[0].agent);
    const claimed = freshShell(repo, src + 'git conductor next --claim --json');
    expect(claimed.json.claimed).toMatchObject({ phase: 'think', agent: who[0].agent });
    // A second agent session (another session_id) is another agent, refused with exit 3.
    const otherEnv = join(tempDir(), 'other-env.sh');
    freshShell(
      repo,
      hookCommandOf(settingsText, 'SessionStart'),
      { CLAUDE_ENV_FILE: otherEnv },
      JSON.stringify({ session_id: 'other-session', source: 'startup' }),
    );
    const refused = freshShell(repo, `. '${otherEnv}'; git conductor claim think --json`);
    expect(refused.code).toBe(3);
    expect(refused.json.error.code).toBe('E_HELD');
    // Stop: reminded once while holding.
    const stopInput = JSON.stringify({
      session_id: '2f6c1a0e-77b1-4c55-9a3e-0f1d2c3b4a59',
      hook_event_name: 'Stop',
      stop_hook_active: false,
    });
    const stop = freshShell(repo, hookCommandOf(settingsText, 'Stop'), {}, stopInput);
    expect(stop.json).toMatchObject({ decision: 'block' });
    expect(freshShell(repo, hookCommandOf(settingsText, 'Stop'), {}, stopInput).stdout).toBe('');
    writeFileSync(join(repo, 'think.json'), artifactText('think'));
    const done = freshShell(repo, src + 'git conductor complete think --artifact think.json --json');
    expect(done.code, done.stdout).toBe(0);
    expect(done.json.agent).toBe(who[0].agent);

    // Drift is reported with exit 1; --remove puts back every byte and deletes what it created.
    writeFileSync(join(repo, '.claude/skills/git-conductor/SKILL.md'), 'edited\n');
    const drift = setupCli(repo, ['claude', '--check']);
    expect(drift.code).toBe(1);
    expect(drift.json.error).toMatchObject({ code: 'E_SETUP_DRIFT', drift: ['.claude/skills/git-conductor/SKILL.md'] });
    const removed = setupCli(repo, ['claude', '--remove']);
    expect(removed.code).toBe(0);
    const after = tree(repo);
    delete after['think.json'];
    expect(after).toEqual(before);
    expect(setupCli(repo, ['claude', '--remove']).json.files).toEqual([]);
  });

  it('keeps what was edited since setup and takes out only its own entries', async () => {
    const repo = await makeRepo();
    expect(setupCli(repo, ['claude']).code).toBe(0);
    const f = join(repo, '.claude', 'settings.json');
    const s = JSON.parse(readFileSync(f, 'utf8'));
    s.model = 'opus';
    writeFileSync(f, JSON.stringify(s, null, 2) + '\n');
    expect(setupCli(repo, ['claude', '--remove']).json.files).toContainEqual({ path: '.claude/settings.json', action: 'removed-ours' });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ model: 'opus' });
    expect(existsSync(join(repo, '.claude', 'skills'))).toBe(false);
  });

  it('refuses a settings file that is not JSON and changes nothing', async () => {
    const repo = await makeRepo();
    mkdirSync(join(repo, '.claude'));
    writeFileSync(join(repo, '.claude', 'settings.json'), '{ "hooks": ');
    const before = tree(repo);
    const r = setupCli(repo, ['claude']);
    expect(r.code).toBe(2);
    expect(r.json.error.message).toContain('.claude/settings.json is not valid JSON');
    expect(tree(repo)).toEqual(before);
  });
});

describe('setup codex', () => {
  it("writes the skill, hooks, AGENTS.md block and MCP table; the hook's session is the commands' CODEX_THREAD_ID; remove is byte-identical", async () => {
    const repo = await makeRepo();
    writeFileSync(join(repo, 'AGENTS.md'), '# Agents\n\nUse pnpm.\n');
    mkdirSync(join(repo, '.codex'));
    writeFileSync(join(repo, '.codex', 'config.toml'), '# my settings\nmodel = "o3"  # keep\n\n[mcp_servers.other]\ncommand = "x"\n');
    writeFileSync(join(repo, '.codex', 'hooks.json'), '{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"notify"}]}]}}\n');
    const before = tree(repo);
    expect(setupCli(repo, ['codex', '--mcp']).code).toBe(0);
    const toml = readFileSync(join(repo, '.codex', 'config.toml'), 'utf8');
    expect(toml.startsWith('# my settings\nmodel = "o3"  # keep\n\n[mcp_servers.other]\ncommand = "x"\n')).toBe(true);
    const { parse } = await import('smol-toml');
    expect((parse(toml) as any).mcp_servers['git-conductor']).toEqual({ command: 'git', args: ['conductor', 'mcp'] });
    expect(readFileSync(join(repo, 'AGENTS.md'), 'utf8')).toMatch(
      /^# Agents\n\nUse pnpm\.\n\n<!-- >>> git-conductor[\s\S]*git conductor prime[\s\S]*<!-- <<< git-conductor -->\n$/,
    );
    expect(existsSync(join(repo, '.agents/skills/git-conductor/SKILL.md'))).toBe(true);
    const hooks = readFileSync(join(repo, '.codex', 'hooks.json'), 'utf8');
    expect(JSON.parse(hooks).hooks.Stop).toHaveLength(2);
    const installed = tree(repo);
    expect(setupCli(repo, ['codex', '--mcp']).code).toBe(0);
    expect(tree(repo)).toEqual(installed);

    cli(['start', '--agent', 'lead'], { cwd: repo });
    const start = freshShell(repo, hookCommandOf(hooks, 'SessionStart'), {}, JSON.stringify({ session_id: 'th-42', source: 'startup' }));
    expect(start.json.hookSpecificOutput.additionalContext).toContain('you are agent codex-th-42');
    const claimed = freshShell(repo, 'git conductor next --claim --json', { CODEX_THREAD_ID: 'th-42' });
    expect(claimed.json.claimed.agent).toBe('codex-th-42');
    expect(freshShell(repo, hookCommandOf(hooks, 'Stop'), {}, JSON.stringify({ session_id: 'th-42' })).json.decision).toBe('block');

    expect(setupCli(repo, ['codex', '--remove']).code).toBe(0);
    expect(tree(repo)).toEqual(before);
  });
});

describe.each(['cursor', 'opencode', 'gemini'])('setup %s', (agent) => {
  it('installs, is idempotent, checks, and removes byte for byte', async () => {
    const repo = await makeRepo();
    writeFileSync(join(repo, 'AGENTS.md'), 'no trailing newline');
    const before = tree(repo);
    const r = setupCli(repo, [agent, '--mcp']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json.files.length).toBeGreaterThan(1);
    const installed = tree(repo);
    expect(installed).not.toEqual(before);
    expect(setupCli(repo, [agent, '--mcp', '--check']).code).toBe(0);
    expect(setupCli(repo, [agent, '--mcp']).json.files.every((f: { action: string }) => f.action === 'unchanged')).toBe(true);
    expect(tree(repo)).toEqual(installed);
    for (const f of Object.keys(installed).filter((k) => k.endsWith('.json'))) JSON.parse(installed[f]!);
    expect(setupCli(repo, [agent, '--remove']).code).toBe(0);
    expect(tree(repo)).toEqual(before);
  });
});

describe('setup --user', () => {
  it("writes under the home directory and keeps a private file's permissions", async () => {
    const repo = await makeRepo();
    const home = tempDir('conductor-home-');
    writeFileSync(join(home, '.claude.json'), '{"numStartups": 3}\n', { mode: 0o600 });
    const r = cli(['setup', 'claude', '--user', '--mcp', '--json'], { cwd: repo, env: { HOME: home } });
    expect(r.code, r.stdout).toBe(0);
    expect(existsSync(join(home, '.claude/skills/git-conductor/SKILL.md'))).toBe(true);
    expect(spawnSync('stat', ['-c', '%a', join(home, '.claude.json')], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    expect(existsSync(join(repo, '.claude'))).toBe(false);
    expect(cli(['setup', 'claude', '--user', '--remove', '--json'], { cwd: repo, env: { HOME: home } }).code).toBe(0);
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).toBe('{"numStartups": 3}\n');
    expect(existsSync(join(home, '.claude'))).toBe(false);
  });
});

describe('setup in two worktrees', () => {
  it('keeps one manifest per worktree: removing in one leaves the other installed', async () => {
    const repo = await makeRepo();
    const other = join(tempDir(), 'wt2');
    spawnSync('git', ['worktree', 'add', '-q', other, '-b', 'wt2'], { cwd: repo, env: testEnv() });
    expect(setupCli(repo, ['claude']).code).toBe(0);
    expect(setupCli(other, ['claude']).code).toBe(0);
    expect(setupCli(other, ['claude', '--remove']).code).toBe(0);
    expect(existsSync(join(other, '.claude'))).toBe(false);
    expect(setupCli(repo, ['claude', '--check']).code).toBe(0);
    expect(setupCli(repo, ['claude', '--remove']).json.files.map((f: { action: string }) => f.action)).toEqual(['deleted', 'deleted']);
    expect(existsSync(join(repo, '.claude'))).toBe(false);
  });
});
