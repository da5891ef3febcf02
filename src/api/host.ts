/**
 * Who and where: the host name recorded in every entry, and the acting
 * agent's id (core/agent.ts decides; api/identity.ts supplies what it looks
 * at, lazily: a passwd lookup and a /proc walk matter only when no id is
 * given explicitly).
 */
import { hostname } from 'node:os';
import type { AgentId } from '../core/agent.js';
import { resolveIdentity } from './identity.js';
import { HOST_RE } from '../core/schemas.js';
import type { Ctx } from './context.js';

export function thisHost(): string {
  const h = hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 200);
  return HOST_RE.test(h) ? h : 'localhost';
}

/** The acting agent: api/identity.ts gathers the facts from the context's environment and /proc. */
export function agentOf(ctx: Pick<Ctx, 'identity'>, flag: string | undefined): AgentId {
  return resolveIdentity(ctx.identity, flag);
}
