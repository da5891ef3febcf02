/** Human output of the hooks commands and of the hooks themselves (hooks write to stderr, like git's own). */
import type { HooksResult, HooksStatus, PostCommitResult } from '../api/index.js';
import { paint, stderr, stdout, type Color } from './output.js';

// Everything coloured here goes to stdout (fd 1); asked on first use, never at import.
let painter: ((c: Color, s: string) => string) | undefined;
const c = (color: Color, s: string) => (painter ??= paint(1))(color, s);

const VERB: Record<string, string> = {
  created: 'installed',
  chained: 'installed (the existing hook still runs, after it)',
  updated: 'updated',
  unchanged: 'already installed',
  removed: 'removed',
  restored: 'removed (the earlier hook is back as it was)',
  absent: 'not installed',
  left: 'left alone',
};

export function renderHooks(r: HooksResult, what: 'install' | 'uninstall'): void {
  if (r.manager) return renderManager(r, what);
  stdout(`${r.mode === 'husky' ? `husky: ${r.scripts_dir}` : `hooks directory: ${r.hooks_dir}`}`);
  for (const h of r.hooks) {
    stdout(`${h.action === 'left' ? c('yellow', '!') : c('green', '✓')} ${h.hook.padEnd(12)}${VERB[h.action]}  ${c('dim', h.file)}`);
    if (h.note) stdout(`  ${h.note}`);
  }
  if (r.mode === 'husky' && what === 'install') stdout(c('dim', `commit the changed ${r.scripts_dir} scripts so the whole team gets the hooks`));
}

function renderManager(r: HooksResult, what: string): void {
  const m = r.manager!;
  stdout(`${m.name} manages this repository's hooks (${m.config_file}): nothing was written.`);
  stdout(what === 'install' ? `Add these lines to ${m.add_to}, then run '${m.then}':` : `Remove these lines from ${m.add_to}, then run '${m.then}':`);
  stdout('');
  stdout(m.lines);
}

export function renderHooksStatus(r: HooksStatus): void {
  if (r.manager) return renderManager({ ...r, hooks: [] }, 'install');
  stdout(`${r.mode === 'husky' ? `husky: ${r.scripts_dir} (hooks path ${r.hooks_dir})` : `hooks directory: ${r.hooks_dir}`}`);
  for (const h of r.hooks) {
    const mark = h.state === 'installed' ? c('green', '✓') : c('yellow', '!');
    const advice = h.state === 'installed' ? '' : h.state === 'outdated' ? ' (run: git conductor hooks install)' : h.state === 'missing' ? ' (run: git conductor hooks install)' : ' (another hook; install chains it)';
    stdout(`${mark} ${h.hook.padEnd(12)}${h.state}${advice}${h.chained ? `; then runs ${h.chained}` : ''}`);
  }
  stdout(r.cli ? `CLI for the hooks: ${r.cli}` : c('yellow', 'the hooks cannot find git-conductor on PATH or in node_modules/.bin: install it, or commits will not complete phases and pushes will be refused'));
}

export function renderPostCommit(r: PostCommitResult): void {
  for (const o of r.outcomes) {
    if (o.result === 'completed') {
      const d = o.complete!;
      const art = d.artifact ? ` with ${d.artifact.source}` : '';
      stderr(`git-conductor: completed ${o.phase}${art} (commit ${r.commit.slice(0, 12)})${o.offline ? ' offline' : ''}${d.unlocked.length ? `; unlocked ${d.unlocked.join(', ')}` : ''}`);
      // The remote's own advice (use --offline, retry) is what just happened: keep only what went wrong.
      if (o.offline) stderr(`git-conductor: ${o.offline.replace(/[:;] (check|work locally|nothing was changed|run ').*$/, '')}; 'git conductor sync' publishes it later`);
      if (d.halt) stderr(`git-conductor: sprint halted: ${d.halt}`);
      if (d.sprint_done) stderr(`git-conductor: every phase is done; sprint ${d.sprint_id} archived`);
    } else if (o.result === 'rejected') {
      stderr(`git-conductor: ${o.phase} NOT completed: ${o.reason}. The commit stands; fix it and run 'git conductor complete ${o.phase} --artifact .conductor/${o.phase}.json'`);
    } else {
      stderr(`git-conductor: Conductor-Phase ${o.phase} ignored: ${o.reason}`);
    }
  }
  for (const c of r.renewed ?? []) stderr(`git-conductor: renewed ${c.phase} for ${c.agent} (lease until ${c.expires_at})`);
  for (const d of r.displaced ?? []) stderr(`git-conductor: "${d.phase}" was taken from you by ${d.by}@${d.host} at ${d.at}: ${d.why}`);
  if (r.renew_problem) stderr(`git-conductor: could not renew your lease: ${r.renew_problem}`);
}
