/**
 * The default agent id holds across commands that each run in their own
 * process session, and two agent sessions stay two agents, even when they
 * share an id: real harness processes, real setsid, real terminals (script(1)).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './helpers/harness.js';
import { CLI, conductor as cli } from './helpers/cli.js';
import { makeRepo } from './helpers/repo.js';
import { testEnv } from './helpers/env.js';
import { artifactText } from './helpers/artifacts.js';

const harnesses: Harness[] = [];
afterEach(() => harnesses.splice(0).forEach((h) => h.stop()));
const harness = (cwd: string, env?: Record<string, string | undefined>) => {
  const h = new Harness(cwd, env);
  harnesses.push(h);
  return h;
};

async function sprintRepo(): Promise<string> {
  const repo = await makeRepo();
  expect(cli(['start', '--json', '--agent', 'lead'], { cwd: repo }).code).toBe(0);
  mkdirSync(join(repo, '.conductor'));
  writeFileSync(join(repo, '.conductor', 'think.json'), artifactText('think'));
  return repo;
}

describe('agent identity across fresh process sessions', () => {
  it('one harness session claims, renews and completes; a second one is refused with exit 3', async () => {
    const repo = await sprintRepo();
    const a = harness(repo);
    const b = harness(repo);
    const ids = [(await a.sh('gc whoami --json')).json, (await a.sh('gc whoami --json')).json];
    expect(ids[0].agent).toBe(ids[1].agent);
    expect(ids[0].stable).toBe(true);
    expect(ids[0].source).toContain(`pid ${a.pid}`);
    const other = (await b.sh('gc whoami --json')).json;
    expect(other.agent).not.toBe(ids[0].agent);

    const claimed = await a.sh('gc next --claim --json');
    expect(claimed.code).toBe(0);
    expect(claimed.json.claimed).toMatchObject({ phase: 'think', agent: ids[0].agent, kind: 'claim' });
    expect(claimed.json.claimed.id_warning).toBeUndefined();

    const refused = await b.sh('gc claim think --json');
    expect(refused.code).toBe(3);
    expect(refused.json.error.code).toBe('E_HELD');

    expect((await a.sh('gc renew think --ttl 2h --json')).code).toBe(0);
    const done = await a.sh('gc complete think --artifact .conductor/think.json --json');
    expect(done.code, done.stdout).toBe(0);
    expect(done.json).toMatchObject({ phase: 'think', agent: ids[0].agent, unlocked: ['plan'] });
  });

  it('two sessions sharing one id are not one: the second claim, renew and complete are refused (E_HELD, exit 3)', async () => {
    const repo = await sprintRepo();
    const a = harness(repo, { CONDUCTOR_AGENT: 'same-id' });
    const b = harness(repo, { CONDUCTOR_AGENT: 'same-id' });
    const claimed = await a.sh('gc claim think --json');
    expect(claimed.code).toBe(0);
    expect(claimed.json.token).toMatch(/^[0-9a-f]{32}$/);
    for (const cmd of ['gc claim think --json', 'gc renew think --json', 'gc complete think --json', 'gc abort think --json']) {
      const r = await b.sh(cmd);
      expect(r.code, cmd).toBe(3);
      expect(r.json.error).toMatchObject({ code: 'E_HELD', same_id: true });
      expect(r.json.error.message).toContain('CONDUCTOR_CLAIM_TOKEN');
    }
    // The holder itself carries on, across fresh sessions, without any token.
    const renewed = await a.sh('gc claim think --json');
    expect(renewed.json.kind).toBe('renew');
    // The claim's token lets another session act on it on purpose.
    const handed = await b.sh(`CONDUCTOR_CLAIM_TOKEN=${claimed.json.token} gc renew think --json`);
    expect(handed.code, handed.stdout).toBe(0);
    const wrong = await b.sh('CONDUCTOR_CLAIM_TOKEN=00000000000000000000000000000000 gc renew think --json');
    expect(wrong.code).toBe(3);
    expect((await a.sh('gc complete think --artifact .conductor/think.json --json')).code).toBe(0);
  });

  it("a harness's own session variable wins over the process tree (CODEX_THREAD_ID)", async () => {
    const repo = await sprintRepo();
    const r = await harness(repo, { CODEX_THREAD_ID: 'th-1' }).sh('gc whoami --json');
    expect(r.json).toMatchObject({ agent: 'codex-th-1', source: 'CODEX_THREAD_ID' });
  });

  it('two terminals of one person stay two agents; one terminal stays one, with or without setsid', async () => {
    const repo = await sprintRepo();
    // script(1) gives an interactive shell a terminal of its own, as a terminal emulator does.
    const terminal = () => {
      const cmds =
        [`'${process.execPath}' '${CLI}' whoami --json`, `setsid -w '${process.execPath}' '${CLI}' whoami --json </dev/null`, 'exit'].join(
          '\n',
        ) + '\n';
      const r = spawnSync('script', ['-q', '/dev/null'], {
        cwd: repo,
        input: cmds,
        encoding: 'utf8',
        env: testEnv({ SHELL: '/bin/bash', NODE_EXTRA_CA_CERTS: undefined }),
        timeout: 60_000,
      });
      return [...r.stdout.matchAll(/\{"agent":"[^"]+"[^\n]*\}/g)].map((m) => JSON.parse(m[0]));
    };
    const one = terminal();
    const two = terminal();
    expect(one).toHaveLength(2);
    expect(two).toHaveLength(2);
    expect(one[0].agent).toBe(one[1].agent);
    expect(two[0].agent).toBe(two[1].agent);
    expect(one[0].agent).not.toBe(two[0].agent);
    expect(one[0].source).toContain('terminal session');
  });

  it('says so when the id cannot be tied to a long-lived process, in JSON and in human output', async () => {
    const repo = await sprintRepo();
    // A command whose parent went away is adopted by init: its id is nobody's.
    const run = (json: boolean) =>
      spawnSync(
        'bash',
        ['-c', `(setsid '${process.execPath}' '${CLI}' claim think ${json ? '--json' : ''} > out.txt 2>&1 &) ; sleep 0; wait`],
        { cwd: repo, env: testEnv({ NODE_EXTRA_CA_CERTS: undefined }) },
      );
    run(true);
    const out = await waitForFile(join(repo, 'out.txt'));
    const r = JSON.parse(out);
    expect(r.id_warning).toMatchObject({ stable: false });
    expect(r.id_warning.bind).toContain('CONDUCTOR_AGENT');
    expect(cli(['abort', 'think', '--force', '--agent', 'lead'], { cwd: repo }).code).toBe(0);
    run(false);
    expect(await waitForFile(join(repo, 'out.txt'), (t) => t.includes('claimed'))).toMatch(
      /warning: .*may not be the same for your next command.*CONDUCTOR_AGENT/s,
    );
  });
});

async function waitForFile(file: string, ok: (t: string) => boolean = (t) => t.trim().endsWith('}')): Promise<string> {
  const { readFileSync } = await import('node:fs');
  for (let i = 0; i < 300; i++) {
    try {
      const t = readFileSync(file, 'utf8');
      if (ok(t)) return t;
    } catch {
      // Not there yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} never appeared`);
}
