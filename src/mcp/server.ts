/**
 * `git conductor mcp`: the sprint as MCP tools over stdio, with the official
 * SDK (@modelcontextprotocol/server). Invariants:
 * - every tool is a thin call of the library function its CLI command calls,
 *   with the same result shape as that command's --json output;
 * - a refusal is an isError result carrying the ConductorError's code,
 *   exit_code and message (and its data), never a protocol error;
 * - the agent id is fixed once per server: --agent, else the environment or
 *   the default rule (core/agent.ts) when it is stable, else the client's
 *   name with a random suffix, chosen at the first call and kept.
 * This module is its own bundle (dist/mcp.cjs), loaded only by this command.
 */
import { CLIENT_INFO_META_KEY, McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';
import * as api from '../api/index.js';
import { resolveIdentity } from '../api/identity.js';
import { thisHost } from '../api/context.js';
import { isConductorError } from '../core/errors.js';
import { findRepo } from '../store/repo.js';

export interface McpOptions {
  cwd: string;
  agent?: string;
  env: Record<string, string | undefined>;
  version: string;
  /** What the CLI read from the environment for every library call (GIT_DIR and friends, timeouts, PATH). */
  common?: Omit<api.CommonOptions, 'cwd' | 'agent' | 'env'>;
}

type Result = { content: { type: 'text'; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

const ok = (r: unknown): Result => ({
  content: [{ type: 'text', text: JSON.stringify(r) }],
  structuredContent: r as Record<string, unknown>,
});

function refusal(e: unknown): Result {
  const error = isConductorError(e)
    ? { code: e.code, exit_code: e.exitCode, message: e.message, ...e.data }
    : { code: 'E_UNEXPECTED', exit_code: 1, message: `unexpected error: ${e instanceof Error ? e.message : String(e)}` };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error }) }], structuredContent: { error } };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 40) || 'mcp';

/** The agent id for this server's lifetime (see the header). */
function agentFixer(o: McpOptions): (clientName: () => string | undefined) => string {
  let fixed: string | undefined;
  return (clientName) => {
    if (fixed) return fixed;
    const repo = findRepo(o.cwd, o.common?.repoEnv);
    const who = resolveIdentity({ env: o.env, host: thisHost(), worktree: repo.top ?? repo.gitDir }, o.agent);
    fixed = who.stable
      ? who.id
      : `${slug(clientName() ?? 'mcp')}-${Math.floor(Math.random() * 0xffffffff)
          .toString(16)
          .padStart(8, '0')}`;
    return fixed;
  };
}

export function buildServer(o: McpOptions, agentFor: ReturnType<typeof agentFixer>): McpServer {
  const server = new McpServer({ name: 'git-conductor', version: o.version }, { capabilities: { tools: {} } });
  const base = (ctx: { mcpReq: { envelope?: unknown } }) => {
    const meta = ctx.mcpReq.envelope as Record<string, { name?: string } | undefined> | undefined;
    const agent = agentFor(() => meta?.[CLIENT_INFO_META_KEY]?.name ?? server.server.getClientVersion()?.name);
    return { ...o.common, cwd: o.cwd, agent, env: o.env };
  };
  const tool = <S extends z.ZodObject>(
    name: string,
    description: string,
    inputSchema: S,
    call: (args: z.infer<S>, common: ReturnType<typeof base>) => Promise<unknown>,
  ) =>
    server.registerTool(name, { description, inputSchema }, (async (args: z.infer<S>, ctx: Parameters<typeof base>[0]) => {
      try {
        return ok(await call(args, base(ctx)));
      } catch (e) {
        return refusal(e);
      }
    }) as never);

  const phase = z.string().describe('phase name, e.g. build');
  const ttl = z.string().optional().describe('lease length, e.g. 30m or 2h (default 1h)');
  tool('status', 'Every phase of the active sprint: pending, ready, running (who, lease left) or done.', z.object({}), (_a, c) =>
    api.status(c),
  );
  tool('prime', 'Who you are, what you hold, and what to do next, in a short brief.', z.object({}), (_a, c) => api.prime(c));
  tool(
    'next',
    'The first phase you could claim now (null when none); with claim=true, claim it too.',
    z.object({ claim: z.boolean().optional(), ttl }),
    (a, c) => api.next({ ...c, claim: a.claim, ttl: a.ttl }),
  );
  tool('claim', 'Claim a phase for a lease; exactly one agent wins (refused: held, blocked, halted).', z.object({ phase, ttl }), (a, c) =>
    api.claim({ ...c, phase: a.phase, ttl: a.ttl }),
  );
  tool(
    'renew',
    'Extend your lease on a phase you hold; without phase, renew whatever you hold (no-op when nothing).',
    z.object({ phase: phase.optional(), ttl }),
    (a, c) => (a.phase === undefined ? api.renewHeld({ ...c, ttl: a.ttl }) : api.renew({ ...c, phase: a.phase, ttl: a.ttl })),
  );
  tool(
    'complete',
    'Finish a phase you hold with its artifact: a JSON file path in the repository, or an inline JSON object.',
    z.object({
      phase,
      artifact_path: z.string().optional().describe('repository path of a JSON artifact, e.g. .conductor/build.json'),
      artifact: z.record(z.string(), z.unknown()).optional().describe('the artifact as an inline JSON object'),
    }),
    (a, c) => {
      if (a.artifact !== undefined && a.artifact_path !== undefined)
        return Promise.reject(new api.ConductorError('E_USAGE', api.ERROR_CODES.E_USAGE, 'pass artifact or artifact_path, not both'));
      const artifactBytes =
        a.artifact === undefined
          ? undefined
          : { bytes: new TextEncoder().encode(JSON.stringify(a.artifact, null, 2) + '\n'), source: `mcp:inline/${a.phase}.json` };
      return api.complete({ ...c, phase: a.phase, artifact: a.artifact_path, artifactBytes });
    },
  );
  tool('abort', 'Give back a phase you hold without completing it.', z.object({ phase }), (a, c) => api.abort({ ...c, phase: a.phase }));
  tool(
    'context',
    "What the done phases handed over (their checkpoints), fitted to a budget; with phase, that phase's dependencies.",
    z.object({ phase: phase.optional(), budget: z.number().int().positive().optional().describe('characters, default 2000') }),
    (a, c) => api.context({ ...c, phase: a.phase, budget: a.budget }),
  );
  tool('resume', 'The one thing to do next (continue, claim, wait, halted, done), why, and the command for it.', z.object({}), (_a, c) =>
    api.resume(c),
  );
  tool('artifact_show', 'The stored artifact of a done phase (the exact completed bytes, parsed).', z.object({ phase }), (a, c) =>
    api.artifactShow({ ...c, phase: a.phase }),
  );
  tool(
    'artifact_validate',
    "Check an artifact file against the phase's contract as complete would, storing nothing.",
    z.object({ phase, artifact_path: z.string().describe('repository path of the JSON artifact') }),
    (a, c) => api.validateArtifactFile({ cwd: c.cwd, phase: a.phase, file: a.artifact_path }),
  );
  return server;
}

/** Serves until the client closes stdin. */
export async function serveMcp(o: McpOptions): Promise<void> {
  const agentFor = agentFixer(o);
  await new Promise<void>((done) => {
    const handle = serveStdio(() => buildServer(o, agentFor), {
      onerror: (e) => process.stderr.write(`git-conductor mcp: ${e.message}\n`),
    });
    process.stdin.once('end', () => void handle.close().then(done, done));
  });
}
