/**
 * Who is acting. The rule, first match wins:
 *   --agent  >  CONDUCTOR_AGENT  >  NANOSTACK_AGENT  >  a coding agent's own
 *   session id (CODEX_THREAD_ID, CLAUDE_SESSION_ID, ...)  >  a default built
 *   from the user, the worktree and the anchor process (store/process-tree.ts):
 *   the terminal session, or the agent process that started the command.
 *
 * The id names the agent; the holder session (holderSession) says which
 * running agent holds a claim, so two agents that end up with one id are not
 * silently one (see core/holder-proof.ts).
 */
import { invalid } from './errors.js';
import { AGENT_ID_RE } from './schemas.js';

/** Environment variables coding agents export to the commands they run, with the agent's name. */
export const SESSION_VARS: ReadonlyArray<[string, string]> = [
  ['CODEX_THREAD_ID', 'codex'],
  ['CLAUDE_SESSION_ID', 'claude'],
  ['CLAUDE_CODE_SESSION_ID', 'claude'],
  ['CODEX_SESSION_ID', 'codex'],
  ['OPENCODE_SESSION_ID', 'opencode'],
  ['CURSOR_SESSION_ID', 'cursor'],
  ['GEMINI_SESSION_ID', 'gemini'],
  ['AIDER_SESSION_ID', 'aider'],
];

/** Set by the hooks `setup` installs, next to CONDUCTOR_AGENT: the agent session the id is bound to. */
export const SESSION_BINDING_VAR = 'CONDUCTOR_SESSION';

export type Env = Readonly<Record<string, string | undefined>>;

export interface AnchorFacts {
  key: string;
  kind: 'terminal' | 'harness' | 'fallback';
  stable: boolean;
  what: string;
}

export interface AgentFacts {
  flag?: string;
  env: Env;
  user: string;
  worktree: string;
  /** The anchor process (read lazily: only the default needs it). */
  anchor: AnchorFacts;
}

export interface AgentId {
  id: string;
  source: string;
  /** False when the default could not be tied to a long-lived process: the next command may get another id. */
  stable: boolean;
  /** How to bind a stable id, when it is not. */
  bind?: string;
}

export const BIND_HINT =
  "bind an id for this agent session: export CONDUCTOR_AGENT=<unique id> where the agent's commands inherit it, pass --agent <id> to every command, or run 'git conductor setup <claude|codex|cursor|opencode|gemini>'";

export function validateAgentId(id: string, source: string): string {
  if (!AGENT_ID_RE.test(id)) {
    throw invalid(
      'E_BAD_AGENT',
      `invalid agent id ${JSON.stringify(id)} from ${source}: use 1-128 letters, digits and . _ @ : + -, starting with a letter or digit`,
      { agent: id },
    );
  }
  return id;
}

const slug = (s: string) =>
  s
    .replace(/[^A-Za-z0-9._-]/g, '')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 32) || 'user';

export function resolveAgent(f: AgentFacts): AgentId {
  if (f.flag !== undefined) return { id: validateAgentId(f.flag, '--agent'), source: '--agent', stable: true };
  for (const v of ['CONDUCTOR_AGENT', 'NANOSTACK_AGENT']) {
    const val = f.env[v];
    if (val) return { id: validateAgentId(val, v), source: v, stable: true };
  }
  const harness = harnessSession(f.env);
  if (harness)
    return {
      id: validateAgentId(`${harness.tool}-${harness.value.slice(0, 100)}`, harness.variable),
      source: harness.variable,
      stable: true,
    };
  const a = f.anchor;
  const id = `${slug(f.user)}-${fnv1a(`${f.worktree}\0${a.key}`)}`;
  const source = `default (user, worktree, ${a.kind === 'terminal' ? 'terminal session' : 'agent process'}: ${a.what})`;
  return a.stable ? { id, source, stable: true } : { id, source, stable: false, bind: BIND_HINT };
}

function harnessSession(env: Env): { variable: string; tool: string; value: string } | undefined {
  for (const [variable, tool] of SESSION_VARS) {
    const value = env[variable];
    if (value) return { variable, tool, value };
  }
  return undefined;
}

/**
 * Which running agent session this is, as a short opaque name recorded with a
 * claim: the session bound by a hook, else the coding agent's session
 * variable, else the anchor process when it is stable. Undefined when none
 * can be told (then only the host tells holders apart).
 */
export function holderSession(env: Env, host: string, anchor: () => AnchorFacts): string | undefined {
  const bound = env[SESSION_BINDING_VAR];
  const harness = harnessSession(env);
  const key = bound
    ? `bound:${bound}`
    : harness
      ? `${harness.variable}:${harness.value}`
      : (() => {
          const a = anchor();
          return a.stable ? a.key : undefined;
        })();
  return key === undefined ? undefined : fnv1a(`${host}\0${key}`) + fnv1a(`${key}\0${host}`, 0x050c5d1f);
}

/** FNV-1a, 32 bits as 8 hex digits: a stable short name, not a secret (and no crypto load at start-up). */
export function fnv1a(s: string, basis = 0x811c9dc5): string {
  let h = basis;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
