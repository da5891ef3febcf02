/**
 * Who is acting. The rule, first match wins:
 *   --agent  >  CONDUCTOR_AGENT  >  NANOSTACK_AGENT  >  a coding agent's own
 *   session id (CLAUDE_SESSION_ID, CODEX_SESSION_ID, ...)  >  a default built
 *   from the user, the worktree and the shell session, so that separate
 *   invocations from one terminal in one worktree are the same agent.
 */
import { invalid } from './errors.js';
import { AGENT_ID_RE } from './schemas.js';

export const SESSION_VARS: ReadonlyArray<[string, string]> = [
  ['CLAUDE_SESSION_ID', 'claude'],
  ['CLAUDE_CODE_SESSION_ID', 'claude'],
  ['CODEX_SESSION_ID', 'codex'],
  ['OPENCODE_SESSION_ID', 'opencode'],
  ['CURSOR_SESSION_ID', 'cursor'],
  ['GEMINI_SESSION_ID', 'gemini'],
  ['AIDER_SESSION_ID', 'aider'],
];

export interface AgentFacts {
  flag?: string;
  env: NodeJS.ProcessEnv;
  user: string;
  worktree: string;
  /** The shell session: the session id, else the terminal, else the parent process. */
  session: string;
}

export interface AgentId {
  id: string;
  source: string;
}

export function validateAgentId(id: string, source: string): string {
  if (!AGENT_ID_RE.test(id)) {
    throw invalid('E_BAD_AGENT', `invalid agent id ${JSON.stringify(id)} from ${source}: use 1-128 letters, digits and . _ @ : + -, starting with a letter or digit`, { agent: id });
  }
  return id;
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '').replace(/^[^A-Za-z0-9]+/, '').slice(0, 32) || 'user';

export function resolveAgent(f: AgentFacts): AgentId {
  if (f.flag !== undefined) return { id: validateAgentId(f.flag, '--agent'), source: '--agent' };
  for (const v of ['CONDUCTOR_AGENT', 'NANOSTACK_AGENT']) {
    const val = f.env[v];
    if (val) return { id: validateAgentId(val, v), source: v };
  }
  for (const [v, tool] of SESSION_VARS) {
    const val = f.env[v];
    if (val) return { id: validateAgentId(`${tool}-${val.slice(0, 100)}`, v), source: v };
  }
  const h = fnv1a(`${f.worktree}\0${f.session}`);
  return { id: `${slug(f.user)}-${h}`, source: 'default (user, worktree, shell session)' };
}

/** FNV-1a, 32 bits as 8 hex digits: a stable short name, not a secret (and no crypto load at start-up). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
