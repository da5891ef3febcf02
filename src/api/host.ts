/**
 * Who and where: the host name recorded in every entry, and the acting
 * agent's id (core/agent.ts decides; this module supplies what it looks at).
 * The user and the shell session are probed lazily: a passwd lookup and a
 * /proc read matter only when no id is given explicitly.
 */
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolveAgent, type AgentId } from '../core/agent.js';
import { HOST_RE } from '../core/schemas.js';
import type { Ctx } from './context.js';

export function thisHost(): string {
  const h = hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 200);
  return HOST_RE.test(h) ? h : 'localhost';
}

/** The shell session: stable across commands typed in one terminal (see core/agent.ts). */
function shellSession(): string {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const sid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3];
    if (sid && sid !== '0') return `sid:${sid}`;
  } catch {
    // Not Linux: fall through.
  }
  return process.env.TERM_SESSION_ID ?? process.env.TMUX_PANE ?? `ppid:${process.ppid}`;
}

export function agentOf(ctx: Pick<Ctx, 'repo'>, flag: string | undefined): AgentId {
  return resolveAgent({
    flag,
    env: process.env,
    get user() {
      return safeUser();
    },
    worktree: ctx.repo.top ?? ctx.repo.gitDir,
    get session() {
      return shellSession();
    },
  });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'user';
  }
}
