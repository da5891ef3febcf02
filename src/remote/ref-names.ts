/**
 * Every ref name the tool reads or writes is built (and parsed back) here.
 *
 *   <ns>/head                              the head log: which sprint is active
 *   <ns>/sprints/<id>/sprint               the sprint definition (sprint.json)
 *   <ns>/sprints/<id>/phases/<phase>       the phase's log: one commit per entry
 *
 * <ns> is `refs/conductor` unless configured (e.g. `refs/heads/conductor` for
 * hosts that refuse custom refs). The remote's refs are fetched into
 * `refs/conductor-remotes/<remote>/...` with the same suffixes: a separate
 * namespace, so that pruning it can never delete a local, unpublished entry.
 * Names are fixed-depth and made only of the characters the local state
 * accepts, so a crafted ref name can never become a path outside the state dir.
 */
import { PHASE_NAME_RE, SPRINT_ID_RE } from '../core/schemas.js';

import { DEFAULT_NAMESPACE, FALLBACK_NAMESPACE, TRACKING_ROOT } from '../core/ref-prefixes.js';

export { DEFAULT_NAMESPACE, FALLBACK_NAMESPACE, TRACKING_ROOT };
const NAMESPACE_RE = /^refs\/[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)*$/;
export const REMOTE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

export type RefKey = { kind: 'head' } | { kind: 'sprint'; sprint: string } | { kind: 'phase'; sprint: string; phase: string };

export const validNamespace = (ns: string) =>
  NAMESPACE_RE.test(ns) && ns.length <= 100 && !ns.startsWith(`${TRACKING_ROOT}/`) && ns !== TRACKING_ROOT;
export const validRemoteName = (name: string) => REMOTE_NAME_RE.test(name) && name.length <= 100 && !name.endsWith('.lock');

const validPhase = (p: string) => PHASE_NAME_RE.test(p) && p.length <= 64;

export function suffixOf(key: RefKey): string {
  if (key.kind === 'head') return 'head';
  if (!SPRINT_ID_RE.test(key.sprint)) throw new Error(`refusing unsafe sprint id ${JSON.stringify(key.sprint)}`);
  if (key.kind === 'sprint') return `sprints/${key.sprint}/sprint`;
  if (!validPhase(key.phase)) throw new Error(`refusing unsafe phase name ${JSON.stringify(key.phase)}`);
  return `sprints/${key.sprint}/phases/${key.phase}`;
}

/** The key for a suffix, or undefined for any name that is not exactly one of ours. */
export function parseSuffix(s: string): RefKey | undefined {
  if (s === 'head') return { kind: 'head' };
  const m = /^sprints\/([^/]+)\/(sprint|phases\/([^/]+))$/.exec(s);
  if (!m || !SPRINT_ID_RE.test(m[1]!)) return undefined;
  if (m[2] === 'sprint') return { kind: 'sprint', sprint: m[1]! };
  return validPhase(m[3]!) ? { kind: 'phase', sprint: m[1]!, phase: m[3]! } : undefined;
}

export const keyId = (key: RefKey) => suffixOf(key);

export class RefNames {
  constructor(
    readonly namespace: string,
    readonly remote: string,
  ) {
    if (!validNamespace(namespace)) throw new Error(`invalid namespace ${JSON.stringify(namespace)}`);
    if (!validRemoteName(remote)) throw new Error(`invalid remote name ${JSON.stringify(remote)}`);
  }

  /** The ref on the coordination remote. */
  remoteRef(key: RefKey): string {
    return `${this.namespace}/${suffixOf(key)}`;
  }

  get trackingPrefix(): string {
    return `${TRACKING_ROOT}/${this.remote}/`;
  }

  /** Our copy of the remote ref, as of the last fetch or our last push. */
  trackingRef(key: RefKey): string {
    return this.trackingPrefix + suffixOf(key);
  }

  parseTracking(ref: string): RefKey | undefined {
    return ref.startsWith(this.trackingPrefix) ? parseSuffix(ref.slice(this.trackingPrefix.length)) : undefined;
  }

  /** Forced, because the tracking copy must follow the remote; never a mirror onto local refs. */
  get fetchRefspec(): string {
    return `+${this.namespace}/*:${this.trackingPrefix}*`;
  }

  /** A short-lived ref `doctor` creates and deletes to learn whether the remote accepts our namespace. */
  probeRef(token: string): string {
    if (!/^[0-9a-f]{8,32}$/.test(token)) throw new Error('bad probe token');
    return `${this.namespace}/probe-${token}`;
  }
}
