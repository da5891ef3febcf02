/**
 * `hook <name>`: what the installed git hooks run (post-commit, pre-push).
 * Like git's own hooks, everything here prints on stderr. A post-commit never
 * fails the commit, and an unknown hook name is ignored, because a newer hook
 * stub may call an older CLI and must never break the user's git.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { PostCommitResult, PrePushResult } from '../../api/index.js';
import { redactedLine } from '../format.js';
import { stderr } from '../output.js';
import { api, envOptions, warnIfHooksMoved } from './shared.js';

/** A hook must finish in bounded time, whatever the state or a remote does. */
const hookBudgetMs = () => {
  const v = Number(process.env.CONDUCTOR_HOOK_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 10_000;
};

export function register(program: Command): void {
  program
    .command('hook <name> [args...]')
    .description('run by the installed git hooks (post-commit, pre-push)')
    .allowUnknownOption()
    .action(async (name: string, args: string[]) => {
      if (process.env.CONDUCTOR_HOOKS === '0') return;
      if (name === 'post-commit') return postCommit().finally(() => warnIfHooksMoved({}));
      if (name === 'pre-push') return prePush(args).finally(() => warnIfHooksMoved({}));
      stderr(`git-conductor - unknown hook "${name}" ignored (upgrade git-conductor?)`);
    });
}

async function postCommit(): Promise<void> {
  // The work is synchronous (git calls, file locks), so a timer could never
  // interrupt it: the budget is a deadline for every network call instead,
  // keeping back a little for completing offline when the remote is too slow.
  const budget = hookBudgetMs();
  const deadline = Date.now() + budget - Math.min(1000, budget / 4);
  try {
    renderPostCommit(await (await api()).postCommit({ deadline, ...envOptions(), env: process.env }));
  } catch (e) {
    // Bookkeeping never fails a commit: say what went wrong and carry on.
    stderr(`git-conductor - post-commit: ${e instanceof Error ? e.message : String(e)}; the commit stands`);
  }
}

async function prePush(args: string[]): Promise<void> {
  const input = process.stdin.isTTY ? '' : readFileSync(0, 'utf8');
  const env = process.env;
  // The pre-commit framework reads git's stdin itself and passes one update on in PRE_COMMIT_* variables.
  const preCommit = {
    remoteName: env.PRE_COMMIT_REMOTE_NAME,
    remoteBranch: env.PRE_COMMIT_REMOTE_BRANCH,
    toRef: env.PRE_COMMIT_TO_REF,
    fromRef: env.PRE_COMMIT_FROM_REF,
    localBranch: env.PRE_COMMIT_LOCAL_BRANCH,
  };
  // The fetch before allowing a protected push, and asking the remote its default branch, share the hook's budget.
  const deadline = Date.now() + hookBudgetMs();
  renderPrePush(
    await (
      await api()
    ).prePush({
      env,
      remote: args[0],
      url: args[1],
      input,
      preCommit,
      bypass: env.CONDUCTOR_SHIP_BYPASS === '1',
      deadline,
      ...envOptions(),
    }),
  );
}

function renderPostCommit(r: PostCommitResult): void {
  for (const o of r.outcomes) {
    if (o.result === 'completed') {
      const d = o.complete!;
      const art = d.artifact ? ` with ${d.artifact.source}` : '';
      stderr(
        `git-conductor: completed ${o.phase}${art} (commit ${r.commit.slice(0, 12)})${o.offline ? ' offline' : ''}${d.unlocked.length ? `; unlocked ${d.unlocked.join(', ')}` : ''}`,
      );
      // The remote's own advice (use --offline, retry) is what just happened: keep only what went wrong.
      if (o.offline)
        stderr(
          `git-conductor: ${o.offline.replace(/[:;] (check|work locally|nothing was changed|run ').*$/, '')}; 'git conductor sync' publishes it later`,
        );
      // Only the stored copy is redacted: the commit keeps what was committed.
      if (d.artifact?.redacted?.length)
        stderr(`git-conductor: ${redactedLine(d.artifact.redacted)}; the commit itself still holds them: amend it before pushing`);
      if (d.halt) stderr(`git-conductor: sprint halted: ${d.halt}`);
      if (d.sprint_done) stderr(`git-conductor: every phase is done; sprint ${d.sprint_id} archived`);
    } else if (o.result === 'rejected') {
      stderr(
        `git-conductor: ${o.phase} NOT completed: ${o.reason}. The commit stands; fix it and run 'git conductor complete ${o.phase} --artifact .conductor/${o.phase}.json'`,
      );
    } else {
      stderr(`git-conductor: Conductor-Phase ${o.phase} ignored: ${o.reason}`);
    }
  }
  for (const c of r.renewed ?? []) stderr(`git-conductor: renewed ${c.phase} for ${c.agent} (lease until ${c.expires_at})`);
  for (const d of r.displaced ?? []) stderr(`git-conductor: "${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`);
  if (r.renew_problem) stderr(`git-conductor: could not renew your lease: ${r.renew_problem}`);
}

/** A refused push is the api's error (exit code and message); what is left to say is what was recorded. */
function renderPrePush(r: PrePushResult): void {
  for (const o of r.overridden ?? [])
    stderr(
      `git-conductor - shipping past an overridden halt: ${o.phase} ("${o.halt}"), overridden by ${o.agent}@${o.host} at ${o.at}${o.why ? `: ${o.why}` : ''}`,
    );
  if (r.view === 'stale')
    stderr(
      `git-conductor - could not fetch the coordination remote in time: the push of ${r.protected_refs.join(', ')} was judged on the last fetched view`,
    );
  if (r.first_push)
    stderr(
      `git-conductor - first push to an empty remote: nothing to protect there yet, so the ship gate lets ${r.protected_refs.join(', ')} through`,
    );
  for (const skip of r.recorded_skips)
    stderr(`git-conductor - an earlier push of ${skip} skipped the ship gate (--no-verify?); recorded in the audit log`);
  if (r.bypassed) {
    const why = [...r.bypassed.missing.map((m) => `${m} not done`), ...(r.bypassed.halt ? [r.bypassed.halt] : [])].join(', ');
    stderr(`git-conductor - ship gate bypassed for ${r.protected_refs.join(', ')} (${why}); recorded in the audit log`);
  }
}
