/**
 * What the agent hooks that `setup` installs do. SessionStart binds the agent
 * id to the harness's session (appending exports to the file the harness
 * sources before every command, CLAUDE_ENV_FILE) and answers with the prime;
 * Stop reminds the agent, once per holding, that it still holds a phase.
 *
 * "Once per holding" is kept in the state directory (agent-hooks/reminded.json,
 * by the claim's token hash, which a renewal keeps and a new claim changes),
 * not inferred from the harness's stop_hook_active flag, which some harnesses
 * do not send and which says nothing about which claim was meant.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { SESSION_BINDING_VAR, validateAgentId } from '../core/agent.js';
import { invalid, isCode } from '../core/errors.js';
import { check } from '../core/schemas.js';
import { writeFileAtomic } from '../store/fs-atomic.js';
import { agentOf, openContext, type CommonOptions, type Ctx } from './context.js';
import { heldBy } from './keep-leases.js';
import { prime } from './prime.js';

export const AGENT_TOOLS = ['claude', 'codex', 'cursor', 'opencode', 'gemini'] as const;
export type AgentTool = (typeof AGENT_TOOLS)[number];

export interface AgentHookOptions extends CommonOptions {
  tool: AgentTool;
  event: 'session-start' | 'stop';
  /** The hook's stdin: the harness's JSON. */
  input: string;
  /** Where the harness wants exports for later commands (Claude Code: CLAUDE_ENV_FILE). */
  envFile?: string;
}

export interface AgentHookResult {
  /** What to print on stdout for the harness (nothing when undefined). */
  output?: Record<string, unknown>;
  agent?: string;
  bound_in?: string;
}

const HookInput = () =>
  z.looseObject({
    session_id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,100}$/))),
    source: z.optional(z.string()),
  });
const Reminded = () => z.array(z.string().check(z.maxLength(80)));
const MAX_REMINDED = 200;

function parseInput(text: string): { session_id?: string } {
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw invalid(
        'E_BAD_HOOK_INPUT',
        'the agent hook expects the harness JSON on stdin (e.g. {"session_id": "…"}), and this is not JSON',
      );
    }
  }
  const r = check(HookInput, raw);
  if (!r.ok) throw invalid('E_BAD_HOOK_INPUT', `the agent hook's stdin JSON is not usable: ${r.problem}`);
  return r.value;
}

/**
 * The id and binding this harness session gets: `<tool>-<session_id>`, for the
 * harnesses whose commands see that same id: Claude Code through the exports
 * SessionStart appends to CLAUDE_ENV_FILE, Codex through CODEX_THREAD_ID (its
 * hooks' session_id is the thread id). Elsewhere the commands' own rule
 * applies (core/agent.ts), so the hook must not invent an id they never use.
 */
function binding(tool: AgentTool, sid: string | undefined): { env: Record<string, string>; exports?: string } | undefined {
  if (!sid) return undefined;
  if (tool === 'codex') return { env: { CODEX_THREAD_ID: sid } };
  if (tool !== 'claude') return undefined;
  const agent = validateAgentId(`claude-${sid}`, 'the hook input session_id');
  const env = { CONDUCTOR_AGENT: agent, [SESSION_BINDING_VAR]: `claude:${sid}` };
  return {
    env,
    exports: Object.entries(env)
      .map(([k, v]) => `export ${k}=${v}\n`)
      .join(''),
  };
}

export async function agentHook(opts: AgentHookOptions): Promise<AgentHookResult> {
  const input = parseInput(opts.input);
  const bound = binding(opts.tool, input.session_id);
  const o = { ...opts, env: { ...opts.env, ...bound?.env } };
  try {
    return await (opts.event === 'session-start' ? sessionStart(o, bound) : stop(o));
  } catch (e) {
    // A user-wide hook also runs outside repositories: there is nothing to say there.
    if (isCode(e, 'E_NOT_A_REPO')) return {};
    throw e;
  }
}

async function sessionStart(opts: AgentHookOptions, bound: ReturnType<typeof binding>): Promise<AgentHookResult> {
  let bound_in: string | undefined;
  if (bound?.exports && opts.envFile) {
    const lines = bound.exports;
    let have = '';
    try {
      have = readFileSync(opts.envFile, 'utf8');
    } catch {
      // Not there yet: the harness sources it only if it exists.
    }
    if (!have.includes(lines)) appendFileSync(opts.envFile, (have && !have.endsWith('\n') ? '\n' : '') + lines);
    bound_in = opts.envFile;
  }
  const p = await prime(opts);
  return { agent: p.agent, bound_in, output: { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: p.text } } };
}

async function stop(opts: AgentHookOptions): Promise<AgentHookResult> {
  const ctx = openContext(opts);
  const agent = agentOf(ctx, opts.agent).id;
  const id = ctx.store.activeSprintId();
  const sprint = id ? ctx.store.readSprint(id) : undefined;
  if (!sprint || sprint.status !== 'active') return { agent };
  const held = heldBy(ctx, sprint, agent);
  const tops = ctx.store.tops(sprint);
  const holdings = held.map((p) => `${sprint.id}:${p}:${tops.get(p)?.token_sha256?.slice(0, 24) ?? tops.get(p)?.id}`);
  const seen = readReminded(ctx);
  const fresh = holdings.filter((h) => !seen.includes(h));
  if (!fresh.length) return { agent };
  writeFileAtomic(ctx.store.layout.reminders, JSON.stringify([...seen, ...fresh].slice(-MAX_REMINDED)) + '\n');
  const reason = `You still hold ${held.map((p) => `"${p}"`).join(', ')} in sprint ${sprint.id} as ${agent}. Before you stop: finish it with 'git conductor complete <phase> --artifact .conductor/<phase>.json --json', or give it back with 'git conductor abort <phase> --json', or, if you will carry on later, renew it with 'git conductor renew --if-held --json'.`;
  return { agent, output: opts.tool === 'cursor' ? { followup_message: reason } : { decision: 'block', reason } };
}

function readReminded(ctx: Ctx): string[] {
  try {
    const r = check(Reminded, JSON.parse(readFileSync(ctx.store.layout.reminders, 'utf8')));
    return r.ok ? r.value : [];
  } catch {
    return [];
  }
}
