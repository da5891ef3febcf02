/**
 * Is the agent asking to renew, complete or abort a claim the one that made
 * it? An id alone does not say: two agents can end up with one id (a shared
 * CONDUCTOR_AGENT, a copied configuration). Invariant: a claim is acted on
 * only by the agent session that made it (same host and same holder session,
 * see core/agent.ts holderSession) or by someone presenting the claim's token.
 *
 * Why it holds: every claim record carries the claimer's host, the hash of its
 * holder session, and the sha256 of a random token returned only to the
 * claimer; a renewal copies them forward. A claim made where the session could
 * not be told carries no session hash, and then only the host is compared
 * (claim warns about such ids).
 */
import { unavailable } from './errors.js';
import type { PhaseRecord } from './schemas.js';

export interface HolderProof {
  host: string;
  /** core/agent.ts holderSession, when it could be told. */
  session?: string;
  /** sha256 (hex) of the token the caller presented, if any. */
  token_sha256?: string;
}

export function sameHolder(top: PhaseRecord, p: HolderProof): boolean {
  if (p.token_sha256 && top.token_sha256 === p.token_sha256) return true;
  if (top.host !== p.host) return false;
  return !top.session || top.session === p.session;
}

/** The refusal for a second agent using the holder's id. */
export function twinHeld(name: string, top: PhaseRecord): Error {
  const where = `${top.agent}@${top.host} since ${top.at} until ${top.expires_at}`;
  return unavailable(
    'E_HELD',
    `phase "${name}" is held by ${where} from another agent session (another host or process tree) using the same id: two agents must not share an id. Bind a unique one (CONDUCTOR_AGENT, --agent, or 'git conductor setup <agent>'); if you are that agent, set CONDUCTOR_CLAIM_TOKEN to the token its claim returned`,
    { holder: { agent: top.agent, host: top.host, at: top.at, expires_at: top.expires_at }, same_id: true },
  );
}
