/**
 * The roots of every ref name the tool writes, here so that pure code (the
 * ship gate) can know them without the ref-name builder. remote/ref-names.ts
 * builds every actual name from these.
 */

/** Where the refs live on the remote unless `init --namespace` chose another. */
export const DEFAULT_NAMESPACE = 'refs/conductor';
/** For hosts that refuse custom refs: a branch namespace. */
export const FALLBACK_NAMESPACE = 'refs/heads/conductor';
/** Our remote-tracking copies: `<root>/<remote>/...`, never a local, unpublished entry. */
export const TRACKING_ROOT = 'refs/conductor-remotes';

/** Refs this tool writes itself, the remote's and their tracking copies: never gated. */
export const CONDUCTOR_REF_PREFIXES = [`${DEFAULT_NAMESPACE}/`, `${TRACKING_ROOT}/`];
