/**
 * The sprint as a repository's own conductor refs hold it: a bare repository
 * receiving pushes (the server hook), or a clone that fetched the refs (CI's
 * `verify`). Read with the same validating readers the clients use
 * (remote/tracking.ts), so a ref a client would reject counts for nothing here
 * either: a bad head means "cannot tell" (the gate fails closed), a bad phase
 * ref or a completion whose artifact does not match its record means "not done".
 */
import { isDone } from '../core/hold.js';
import type { PhaseRecord, SprintFile, HeadRecord } from '../core/schemas.js';
import type { Tops } from '../core/phase-state.js';
import { git } from '../git/git.js';
import { importedArtifact } from '../remote/imported-artifact.js';
import { isOid } from '../remote/objects.js';
import { DEFAULT_NAMESPACE, FALLBACK_NAMESPACE, parseSuffix, type RefKey } from '../remote/ref-names.js';
import { chainKey, readTracking, type Chain, type Listed, type Problem, type TrackingState } from '../remote/tracking.js';
import { ARTIFACT_CAP } from '../remote/view.js';

/** Ref name → commit id, for every ref under a namespace. */
export type RefMap = Map<string, string>;

/** The refs under these prefixes (e.g. `refs/conductor`), one `for-each-ref`. */
export function listNamespace(cwd: string, ...prefixes: string[]): RefMap {
  const r = git(['for-each-ref', '--format=%(objectname) %(refname)', ...prefixes.map((p) => `${p}/`)], { cwd });
  const out: RefMap = new Map();
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && isOid(line.slice(0, sp))) out.set(line.slice(sp + 1), line.slice(0, sp));
  }
  return out;
}

export const keyOf = (prefix: string, ref: string): RefKey | undefined =>
  ref.startsWith(`${prefix}/`) ? parseSuffix(ref.slice(prefix.length + 1)) : undefined;

/** Listed entries, as readTracking takes them, for the refs of `refs` whose key `want` accepts. */
export function listed(prefix: string, refs: RefMap, want: (k: RefKey) => boolean): Listed[] {
  const out: Listed[] = [];
  for (const [ref, oid] of refs) {
    const key = keyOf(prefix, ref);
    if (key && want(key)) out.push({ ref, key, oid, unchecked: true });
  }
  return out;
}

export interface HeldSprint {
  head?: Chain<HeadRecord>;
  /** The sprint the head names, when its ref is valid. */
  sprint?: SprintFile;
  /** Its phases' newest valid entries (a bad ref or a bad completion: absent). */
  tops: Tops;
  /** Why the state could not be read, or parts of it were ignored. */
  problems: Problem[];
  /** The head ref exists but is not valid: nobody can tell which sprint is active. */
  headInvalid: boolean;
  state: TrackingState;
}

/** Reads the head, then the sprint it names and that sprint's phase refs. */
export function heldSprint(cwd: string, prefix: string, refs: RefMap): HeldSprint {
  const headState = readTracking(
    cwd,
    listed(prefix, refs, (k) => k.kind === 'head'),
    () => true,
    ARTIFACT_CAP,
  );
  const head = headState.head;
  const headInvalid = !head && refs.has(`${prefix}/head`);
  const id = head?.entries.at(-1)?.record.sprint_id;
  const rest: TrackingState = id
    ? readTracking(
        cwd,
        listed(prefix, refs, (k) => k.kind !== 'head' && k.sprint === id),
        () => true,
        ARTIFACT_CAP,
      )
    : { sprints: new Map(), phases: new Map(), ledgers: new Map(), problems: [] };
  const problems = [...headState.problems, ...rest.problems];
  const sprint = id ? rest.sprints.get(id) : undefined;
  if (id && !sprint) problems.push({ ref: `${prefix}/sprints/${id}/sprint`, problem: 'is missing or invalid, but the head names it' });
  const tops = new Map<string, PhaseRecord | undefined>();
  for (const p of sprint?.phases ?? []) {
    const chain = rest.phases.get(chainKey(sprint!.id, p.name));
    const top = chain?.entries.at(-1);
    if (!chain || !top) continue;
    try {
      // A completion counts only when its artifact is what its record says (sha256, schema, halt).
      if (isDone(top.record)) importedArtifact(cwd, top, ARTIFACT_CAP, p.name);
      tops.set(p.name, top.record);
    } catch (e) {
      problems.push({ ref: chain.ref, problem: (e as Error).message });
    }
  }
  return { head, sprint, tops, problems, headInvalid, state: { ...rest, head, problems } };
}

export const NAMESPACES = [DEFAULT_NAMESPACE, FALLBACK_NAMESPACE];

/**
 * Where a repository's sprint lives: refs/conductor, or the fallback
 * namespace (refs/heads/conductor) when the team's clients use that one: it
 * holds a head (or this push creates one) and refs/conductor does not.
 */
export function namespaceOf(cwd: string, updates: { ref: string; new: string }[]): { prefix: string; refs: RefMap } {
  const all = listNamespace(cwd, ...NAMESPACES);
  const has = (n: string) => all.has(`${n}/head`) || updates.some((u) => u.ref === `${n}/head` && !/^0+$/.test(u.new));
  const prefix = !has(DEFAULT_NAMESPACE) && has(FALLBACK_NAMESPACE) ? FALLBACK_NAMESPACE : DEFAULT_NAMESPACE;
  return { prefix, refs: new Map([...all].filter(([ref]) => ref.startsWith(`${prefix}/`))) };
}
