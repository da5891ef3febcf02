/**
 * The README as a newcomer uses it: the Install walk-through runs as written, and every command's documented
 * `--json` keys are exactly what the command prints (documented keys present unless marked `?`, and no key
 * printed that is not documented).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conductor } from './helpers/cli.js';
import { testEnv } from './helpers/env.js';
import { shimBin } from './helpers/hooks.js';
import { makeBare, makeClone } from './helpers/remote.js';
import { makeRepo } from './helpers/repo.js';
import { artifactText } from './helpers/artifacts.js';
import { sleep } from './helpers/sprint.js';

const README = readFileSync(resolve(__dirname, '../README.md'), 'utf8');

describe("the README's Install walk-through", () => {
  it('runs as written in a fresh repository', async () => {
    const at = README.indexOf('In a repository (a test runs this walk-through as written):');
    expect(at).toBeGreaterThan(0);
    const block = /```sh\n([\s\S]*?)```/.exec(README.slice(at))![1]!;
    expect(block).toContain('git conductor next --claim');
    const repo = await makeRepo();
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', block], {
      cwd: repo,
      env: testEnv({ PATH: `${shimBin()}:${process.env.PATH}`, CONDUCTOR_AGENT: 'newcomer' }),
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ claimed think as newcomer/);
    expect(r.stdout).toMatch(/✓ completed think with \.conductor\/think\.json[\s\S]*unlocked: plan/);
    expect(r.stdout).toMatch(/\nthink\s+done\s+newcomer@/);
  });
});

/** command -> [key, optional] from the README's table of --json shapes (undefined: documented in words, not as keys). */
function documentedShapes(): Map<string, { key: string; optional: boolean }[] | undefined> {
  const start = README.indexOf('| command | `--json` prints |');
  expect(start).toBeGreaterThan(0);
  const rows = README.slice(start).split('\n\n')[0]!.split('\n').slice(2);
  const out = new Map<string, { key: string; optional: boolean }[] | undefined>();
  for (const row of rows) {
    const [, cmds, rest] = /^\| (.+?) \| (.*)$/.exec(row) ?? [];
    if (!cmds || rest === undefined) throw new Error(`cannot read the shape row: ${row}`);
    const shape = /^`\{(.*?)\}`/.exec(rest)?.[1];
    const keys = shape?.split(', ').map((k) => ({ key: k.replace(/\?$/, ''), optional: k.endsWith('?') }));
    const named = [...cmds.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const c of named.length ? named : [cmds]) out.set(c, keys);
  }
  return out;
}

describe("the README's --json shapes", () => {
  it("are every command's real output", async () => {
    const shapes = documentedShapes();
    const real = new Map<string, unknown[]>();
    const seen = (cmd: string, json: unknown) => real.set(cmd, [...(real.get(cmd) ?? []), json]);
    const { url } = makeBare();
    const a = makeClone(url, 'alice');
    const run = (cmd: string, args: string[], opts: { agent?: string; code?: number } = {}) => {
      const r = conductor([...cmd.split(' '), ...args, '--json'], { cwd: a.dir, agent: opts.agent ?? 'alice' });
      expect(r.code, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(opts.code ?? 0);
      seen(opts.code ? 'any, on error' : cmd, r.json);
      return r.json;
    };
    run('init', []);
    run('start', []);
    run('next', []);
    run('next', ['--claim']);
    run('claim', ['think'], { code: 3, agent: 'bob' });
    run('renew', ['think', '--ttl', '2h']);
    writeFileSync(join(a.dir, 'think.json'), artifactText('think'));
    run('complete', ['think', '--artifact', 'think.json']);
    run('artifact show', ['think']);
    run('artifact validate', ['think', 'think.json']);
    run('schema', ['think']);
    run('claim', ['plan', '--pid', '99']);
    run('abort', ['plan']);
    run('claim', ['plan', '--ttl', '1s']);
    await sleep(1100);
    run('unstuck', ['plan'], { agent: 'bob' });
    run('status', []);
    run('batch', []);
    run('log', []);
    run('context', []);
    run('resume', []);
    run('journal', []);
    run('whoami', []);
    run('prime', []);
    run('setup', ['claude']);
    run('setup', ['claude', '--check']);
    run('setup', ['claude', '--remove']);
    run('renew --if-held', []);
    run('sync', []);
    run('doctor', []);
    run('hooks status', []);
    run('hooks uninstall', []);
    run('hooks install', []);
    run('start', []);
    run('clean', ['--days', '0']);
    const server = makeBare('guarded.git').bare;
    run('server install', [server]);
    run('server status', [server]);
    run('server uninstall', [server]);
    run('start', ['--phases', '[{"name":"solo"}]']);
    run('verify', ['--remote', 'origin']);
    run('deinit', ['--keep-hooks']);
    run('deinit', []);
    run('completion', ['fish']);
    const repo = await makeRepo();
    const lone = conductor(['next', '--claim', '--json'], { cwd: repo });
    expect(lone.json.error.code).toBe('E_NO_SPRINT');
    for (const [cmd, keys] of shapes) {
      const outputs = real.get(cmd);
      expect(outputs, `README documents ${cmd} but the test never ran it`).toBeDefined();
      if (!keys) continue;
      for (const o of outputs!) {
        const printed = Object.keys(o as object);
        expect(
          printed.filter((k) => !keys.some((d) => d.key === k)),
          `${cmd}: printed but not documented`,
        ).toEqual([]);
        expect(
          keys.filter((d) => !d.optional && !printed.includes(d.key)).map((d) => d.key),
          `${cmd}: documented but not printed`,
        ).toEqual([]);
      }
    }
    // Every command the CLI has is documented, but `hook` (run by git, it prints for people on stderr), `agent-hook`
    // (run by an agent's harness, it prints that harness's hook JSON), `mcp` (a stdio server) and `help` (text; its errors are JSON).
    const verbs = conductor(['--help'], { cwd: repo })
      .stdout.split('Commands:')[1]!
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(' ')[0]!);
    const documented = [...shapes.keys()].map((c) => c.split(' ')[0]!);
    expect(verbs.filter((v) => !documented.includes(v) && !['hook', 'agent-hook', 'mcp', 'help'].includes(v))).toEqual([]);
  }, 60_000);
});
