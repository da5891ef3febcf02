/** doctor: git version, configuration, reachability, and whether the remote accepts refs in our namespace. */
import { invalid } from '../core/errors.js';
import { probeCustomRefs, reachRemote } from '../remote/probe.js';
import { DEFAULT_NAMESPACE, RefNames, validRemoteName } from '../remote/ref-names.js';
import { gitVersion, hasRefspec, remoteExists } from '../remote/setup.js';
import { CLOCK_TOLERANCE_MS } from '../core/clock.js';
import { isUnreachable } from '../core/errors.js';
import { iso, openContext, withRemote, type CommonOptions, type Ctx } from './context.js';
import { hooksMoved } from './hooks-watch.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const MIN_GIT: [number, number] = [2, 30];

export async function doctor(
  opts: CommonOptions & { remote?: string; configFiles?: string[] } = {},
): Promise<{ ok: boolean; checks: DoctorCheck[] }> {
  const ctx = openContext(opts);
  const checks: DoctorCheck[] = [];
  const v = gitVersion(ctx.cwd);
  const gitOk = !!v && (v.major > MIN_GIT[0] || (v.major === MIN_GIT[0] && v.minor >= MIN_GIT[1]));
  checks.push({
    name: 'git version',
    ok: gitOk,
    detail: gitOk ? `git ${v!.text}` : `git ${v?.text ?? 'unknown'} is older than ${MIN_GIT.join('.')}: upgrade git`,
  });
  // Always asked of git here, whatever the stamps say (hooks-watch.ts).
  const moved = await hooksMoved({ ...opts, cwd: ctx.cwd }, true);
  if (moved)
    checks.push({
      name: 'hooks',
      ok: false,
      detail: `git runs hooks from ${moved.now} (core.hooksPath), not ${moved.installed_in} where they were installed: run 'git conductor hooks install' again`,
    });
  const config = ctx.store.readConfig();
  const remote = opts.remote ?? config.remote;
  if (remote !== undefined && !validRemoteName(remote))
    throw invalid('E_BAD_REMOTE', `invalid remote name ${JSON.stringify(remote)}: use the name of a configured remote, like origin`);
  if (!remote) {
    checks.push({ name: 'coordination remote', ok: false, detail: `none configured: run 'git conductor init [--remote NAME]'` });
    return { ok: false, checks };
  }
  const names = new RefNames(config.namespace ?? DEFAULT_NAMESPACE, remote);
  const exists = remoteExists(ctx.cwd, remote);
  checks.push({
    name: 'coordination remote',
    ok: exists,
    detail: exists
      ? `${remote}${config.remote === remote ? '' : ' (not the configured one)'}`
      : `no remote named "${remote}": 'git remote add ${remote} <url>'`,
  });
  if (!exists) return { ok: false, checks };
  const hasSpec = hasRefspec(ctx.cwd, names);
  checks.push({
    name: 'fetch refspec',
    ok: hasSpec,
    detail: hasSpec ? names.fetchRefspec : `missing ${names.fetchRefspec}: run 'git conductor init --remote ${remote}'`,
  });
  try {
    reachRemote(ctx.cwd, names, { timeoutMs: ctx.remoteTimeoutMs });
    checks.push({ name: 'remote reachable', ok: true, detail: 'ls-remote answered' });
  } catch (e) {
    checks.push({ name: 'remote reachable', ok: false, detail: e instanceof Error ? e.message : String(e) });
    return { ok: false, checks };
  }
  checks.push(probeCustomRefs(ctx.cwd, names, iso(ctx.clock()), { timeoutMs: ctx.remoteTimeoutMs }));
  if (config.remote === remote) checks.push(await clockCheck(ctx));
  return { ok: checks.every((c) => c.ok), checks };
}

/** This clock against the teammates' records just fetched (core/clock.ts). */
async function clockCheck(ctx: Ctx): Promise<DoctorCheck> {
  try {
    const skew = (await withRemote(ctx, { fetch: true })).remote?.clockSkew();
    if (skew)
      return {
        name: 'clock',
        ok: false,
        detail: `${skew.detail}: more than the ${CLOCK_TOLERANCE_MS / 1000}s tolerance, so claims are refused here; fix this machine's clock (NTP)`,
      };
    return { name: 'clock', ok: true, detail: `agrees with the records fetched, within ${CLOCK_TOLERANCE_MS / 1000}s` };
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    return { name: 'clock', ok: false, detail: `not checked: ${e.message}` };
  }
}
