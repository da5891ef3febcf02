/**
 * Which refs ship, as a server sees it: the same rule as the client's gate
 * (`protected_refs` in the tracked .git-conductor.json, else the default branch
 * and v* tags), read from the repository's default branch as it is *before*
 * the push, so a push cannot unprotect itself by changing the config it carries.
 */
import { invalid } from '../core/errors.js';
import { check, ProjectConfig } from '../core/schemas.js';
import { DEFAULT_TAG_PATTERN, matchesRef, normalizePatterns } from '../core/ship-gate.js';
import { git } from '../git/git.js';
import { objectBytes, objectInfo } from '../remote/objects.js';

const MAX_CONFIG_BYTES = 64 * 1024;

/** The branch HEAD names (a bare repository's default branch), e.g. refs/heads/main. */
export function defaultBranchRef(cwd: string): string | undefined {
  const r = git(['symbolic-ref', '-q', 'HEAD'], { cwd, allowFail: true });
  const ref = r.stdout.trim();
  return r.code === 0 && ref.startsWith('refs/heads/') ? ref : undefined;
}

/** `configFile`: the tracked project config's name (api/context.ts owns it). */
export function protectedPatterns(cwd: string, configFile: string): { patterns: string[]; source: string } {
  const branch = defaultBranchRef(cwd);
  const where = branch ? `${branch}:${configFile}` : undefined;
  const info = where ? objectInfo(cwd, [where])[0] : undefined;
  if (info && info.type === 'blob') {
    if (info.size > MAX_CONFIG_BYTES)
      throw invalid(
        'E_BAD_CONFIG',
        `${where} is ${info.size} bytes, over the ${MAX_CONFIG_BYTES}-byte cap: the server cannot read its protected_refs`,
      );
    let raw: unknown;
    try {
      raw = JSON.parse(objectBytes(cwd, [info.oid]).get(info.oid)?.toString('utf8') ?? '');
    } catch {
      throw invalid('E_BAD_CONFIG', `${where} is not valid JSON: fix it on ${branch}`);
    }
    const r = check(ProjectConfig, raw);
    if (!r.ok) throw invalid('E_BAD_CONFIG', `${where}: ${r.problem}`);
    if (r.value.protected_refs) return { patterns: normalizePatterns(r.value.protected_refs, where!), source: where! };
  }
  return { patterns: [...(branch ? [branch] : []), DEFAULT_TAG_PATTERN], source: 'default' };
}

export const matcher = (patterns: string[]) => (ref: string) => patterns.some((p) => matchesRef(p, ref));
