/**
 * The acting agent and its proof of holding: core/agent.ts decides, this
 * module gathers the facts (the environment the caller passed in, the user,
 * the anchor process from /proc) and makes claim tokens. The anchor is read at
 * most once per command, and only when an explicit id or binding is missing.
 */
import { userInfo } from 'node:os';
import type * as Crypto from 'node:crypto';
import { holderSession, resolveAgent, type AgentId, type AnchorFacts, type Env } from '../core/agent.js';
import type { HolderProof } from '../core/holder-proof.js';
import { findAnchor } from '../store/process-tree.js';

export interface IdentityFacts {
  env: Env;
  host: string;
  worktree: string;
  /** Memo of the anchor process, filled on first use. */
  anchor?: AnchorFacts;
}

export const TOKEN_VAR = 'CONDUCTOR_CLAIM_TOKEN';

const anchorOf = (f: IdentityFacts) => () => (f.anchor ??= findAnchor(f.env));

export function resolveIdentity(f: IdentityFacts, flag: string | undefined): AgentId {
  const anchor = anchorOf(f);
  return resolveAgent({
    flag,
    env: f.env,
    // Getters: a passwd lookup and a /proc walk matter only when no id is given explicitly.
    get user() {
      return safeUser(f.env);
    },
    worktree: f.worktree,
    get anchor() {
      return anchor();
    },
  });
}

/** What this command can show about who it is, for the holder check. */
export function proofOf(f: IdentityFacts): HolderProof {
  const token = f.env[TOKEN_VAR];
  return { host: f.host, session: holderSession(f.env, f.host, anchorOf(f)), token_sha256: token ? sha256(token) : undefined };
}

/** A fresh claim token and its hash (what the record keeps). */
export function newToken(): { token: string; sha256: string } {
  const token = crypto().randomBytes(16).toString('hex');
  return { token, sha256: sha256(token) };
}

const crypto = () => process.getBuiltinModule('node:crypto') as typeof Crypto;
const sha256 = (s: string) => crypto().createHash('sha256').update(s).digest('hex');

function safeUser(env: Env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'user';
  }
}
