/**
 * doctor's probe: does the remote accept refs in our namespace? It creates a
 * probe ref with a create-only lease, then deletes it with a lease on its
 * value, so it never touches a ref it did not create.
 */
import { randomHex } from '../store/fs-atomic.js';
import { writeCommit } from './objects.js';
import { FALLBACK_NAMESPACE, type RefNames } from './ref-names.js';
import { lsRemote, pushLeases, refusalKind, type NetLimits } from './transport.js';

export interface ProbeResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Reaches the remote with one ls-remote; throws exit 5 when it cannot. */
export function reachRemote(cwd: string, names: RefNames, limits: NetLimits = {}): void {
  lsRemote(cwd, names.remote, [names.remoteRef({ kind: 'head' })], limits);
}

export function probeCustomRefs(cwd: string, names: RefNames, at: string, limits: NetLimits = {}): ProbeResult {
  const ref = names.probeRef(randomHex(6));
  const commit = writeCommit(cwd, {
    files: [],
    parent: undefined,
    message: 'git-conductor doctor probe',
    author: { name: 'git-conductor', email: 'doctor@localhost' },
    at,
  });
  const created = pushLeases(cwd, names.remote, [{ ref, expect: undefined, next: commit }], false, limits);
  const outcome = created instanceof Map ? created.get(ref) : undefined;
  if (!outcome || outcome.status !== 'ok') {
    const why = outcome?.detail ?? (created instanceof Map ? 'no answer' : (created.stderr.trim().split('\n').pop() ?? ''));
    const hint =
      names.namespace === FALLBACK_NAMESPACE || refusalKind(why) === 'storage'
        ? 'the remote looks read-only or full: check your push permissions and its disk space'
        : `this host refuses refs under ${names.namespace}; use the fallback: 'git conductor init --remote ${names.remote} --namespace ${FALLBACK_NAMESPACE}'`;
    return {
      name: `custom refs (${names.namespace})`,
      ok: false,
      detail: `probe push refused (${why.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 200)}): ${hint}`,
    };
  }
  const deleted = pushLeases(cwd, names.remote, [{ ref, expect: commit, next: null }], false, limits);
  const ok = deleted instanceof Map && deleted.get(ref)?.status === 'ok';
  return {
    name: `custom refs (${names.namespace})`,
    ok,
    detail: ok
      ? 'probe ref created and deleted with leases'
      : `probe ref ${ref} was created but could not be deleted: delete it with 'git push ${names.remote} --delete ${ref}'`,
  };
}
