/** `git conductor mcp` driven by the SDK's own client over stdio: a whole phase, and a refusal as an error result. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, conductor as cli } from './helpers/cli.js';
import { makeRepo, tempDir } from './helpers/repo.js';
import { testEnv } from './helpers/env.js';
import { artifact, artifactText } from './helpers/artifacts.js';

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

async function connect(repo: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    cwd: repo,
    env: testEnv({ NODE_EXTRA_CA_CERTS: undefined, ...env }) as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'conductor-test-client', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

const body = (r: any) => JSON.parse(r.content[0].text);

describe('mcp server', () => {
  it('runs a whole phase: list tools, next with claim, complete with an inline artifact; a refused claim is an error result', async () => {
    const repo = await makeRepo();
    expect(cli(['start', '--agent', 'lead'], { cwd: repo }).code).toBe(0);
    const a = await connect(repo, ['--agent', 'mcp-ann']);
    const { tools } = await a.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'abort',
        'artifact_show',
        'artifact_validate',
        'claim',
        'complete',
        'context',
        'next',
        'prime',
        'renew',
        'resume',
        'status',
      ]),
    );
    for (const t of tools) {
      expect(t.description!.split('\n')).toHaveLength(1);
      // Flat input schemas: no nested objects except the inline artifact itself.
      for (const [k, v] of Object.entries((t.inputSchema as any).properties ?? {}))
        if (k !== 'artifact') expect((v as any).type, `${t.name}.${k}`).not.toBe('object');
    }
    const next = await a.callTool({ name: 'next', arguments: { claim: true } });
    expect(next.isError).toBeFalsy();
    expect(body(next)).toMatchObject({ phase: 'think', claimed: { phase: 'think', agent: 'mcp-ann', kind: 'claim' } });

    const ctx = await a.callTool({ name: 'context', arguments: { phase: 'think' } });
    expect(ctx.isError).toBeFalsy();
    expect(body(ctx)).toMatchObject({ phase: 'think', included: [] });
    expect(body(await a.callTool({ name: 'resume', arguments: {} }))).toMatchObject({
      action: 'continue',
      phase: 'think',
      agent: 'mcp-ann',
    });

    const b = await connect(repo, ['--agent', 'mcp-bob']);
    const refused = await b.callTool({ name: 'claim', arguments: { phase: 'think' } });
    expect(refused.isError).toBe(true);
    expect(body(refused).error).toMatchObject({ code: 'E_HELD', exit_code: 3 });
    expect(body(refused).error.message).toContain('held by mcp-ann');
    const bad = await b.callTool({ name: 'claim', arguments: { phase: 'Nope!' } });
    expect(body(bad).error).toMatchObject({ code: 'E_BAD_PHASE_NAME', exit_code: 2 });

    expect(body(await a.callTool({ name: 'renew', arguments: {} })).renewed).toHaveLength(1);
    const inline = artifact('think');
    const done = await a.callTool({ name: 'complete', arguments: { phase: 'think', artifact: inline } });
    expect(done.isError, JSON.stringify(done)).toBeFalsy();
    expect(body(done)).toMatchObject({
      phase: 'think',
      agent: 'mcp-ann',
      unlocked: ['plan'],
      artifact: { source: 'mcp:inline/think.json' },
    });
    const shown = await b.callTool({ name: 'artifact_show', arguments: { phase: 'think' } });
    expect(body(shown).content).toEqual(inline);
    const status = body(await b.callTool({ name: 'status', arguments: {} }));
    expect(status.phases.think).toMatchObject({ state: 'done', agent: 'mcp-ann' });
    // The CLI sees the same sprint.
    expect(cli(['status', '--json'], { cwd: repo }).json.phases.think.state).toBe('done');
  });

  it('completes with an artifact file of the repository, and refuses a bad one as an error result', async () => {
    const repo = await makeRepo();
    cli(['start', '--agent', 'lead'], { cwd: repo });
    writeFileSync(join(repo, 'think.json'), artifactText('think'));
    writeFileSync(join(repo, 'bad.json'), '[1,2]\n');
    const c = await connect(repo, [], { CONDUCTOR_AGENT: 'env-agent' });
    expect(body(await c.callTool({ name: 'claim', arguments: { phase: 'think' } })).agent).toBe('env-agent');
    expect(body(await c.callTool({ name: 'artifact_validate', arguments: { phase: 'think', artifact_path: 'think.json' } }))).toMatchObject(
      { phase: 'think', valid: true },
    );
    const invalid = await c.callTool({ name: 'artifact_validate', arguments: { phase: 'think', artifact_path: 'bad.json' } });
    expect(invalid.isError).toBe(true);
    expect(body(invalid).error).toMatchObject({ code: 'E_BAD_ARTIFACT', exit_code: 2 });
    const bad = await c.callTool({ name: 'complete', arguments: { phase: 'think', artifact_path: 'bad.json' } });
    expect(bad.isError).toBe(true);
    expect(body(bad).error.exit_code).toBe(2);
    const ok = await c.callTool({ name: 'complete', arguments: { phase: 'think', artifact_path: 'think.json' } });
    expect(body(ok).artifact.source).toBe('think.json');
  });

  it('works on the repository GIT_DIR and GIT_WORK_TREE name, started outside it', async () => {
    const repo = await makeRepo();
    expect(cli(['start', '--agent', 'lead'], { cwd: repo }).code).toBe(0);
    const elsewhere = tempDir('conductor-elsewhere-');
    const a = await connect(elsewhere, ['--agent', 'mcp-far'], { GIT_DIR: join(repo, '.git'), GIT_WORK_TREE: repo });
    expect(body(await a.callTool({ name: 'claim', arguments: { phase: 'think' } }))).toMatchObject({ phase: 'think', agent: 'mcp-far' });
    expect(cli(['status', '--json'], { cwd: repo }).json.phases.think).toMatchObject({ state: 'running', agent: 'mcp-far' });
  });
});
