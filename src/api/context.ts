/** What every command needs: the repository, the state store, the agent, the clock. */
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { resolveAgent, type AgentId } from '../core/agent.js';
import { DEFAULT_TTL_MS, parseDuration } from '../core/duration.js';
import { invalid, unavailable } from '../core/errors.js';
import { check, HOST_RE, ProjectConfig, type SprintFile } from '../core/schemas.js';
import { findRepo, type RepoPaths } from '../store/repo.js';
import { StateStore } from '../store/state-store.js';
import type { RemoteLink } from '../remote/link.js';

export interface CommonOptions {
  /** Where to run, default process.cwd(). Any directory of any worktree works. */
  cwd?: string;
  /** Acting agent id; see resolveAgent for the default rule. */
  agent?: string;
  /** With a coordination remote: act locally only, mark the change unpublished (`sync` publishes it). */
  offline?: boolean;
  /** Epoch ms by which every call to the coordination remote must be over; past it the remote counts as unreachable (exit 5). */
  deadline?: number;
}

export interface Ctx {
  cwd: string;
  repo: RepoPaths;
  store: StateStore;
  host: string;
  now: number;
  /** Set when a coordination remote is configured (`init`); absent otherwise. */
  remote?: RemoteLink;
  deadline?: number;
}

export const PROJECT_CONFIG = '.git-conductor.json';

export function openContext(opts: CommonOptions): Ctx {
  const cwd = opts.cwd ?? process.cwd();
  const repo = findRepo(cwd);
  return { cwd, repo, store: new StateStore(repo.commonDir), host: thisHost(), now: Date.now(), deadline: opts.deadline };
}

/**
 * Attaches the coordination remote, when `init` configured one, and brings the
 * local state up to date with the remote-tracking refs (fetching first when
 * asked). Without a remote this reads one small file and spawns nothing.
 */
export async function withRemote(ctx: Ctx, opts: { offline?: boolean; fetch?: boolean } = {}): Promise<Ctx> {
  const config = ctx.store.readConfig();
  if (!config.remote) return ctx;
  const { RemoteLink } = await import('../remote/link.js');
  const link = new RemoteLink(ctx, config, !!opts.offline);
  ctx.remote = link;
  if (opts.fetch && !opts.offline) link.refresh();
  else link.importAll();
  if (!opts.offline && !link.fetched && !ctx.store.activeSprintId()) {
    // No sprint known here yet: a teammate may have started one since the last fetch.
    try {
      link.refresh();
    } catch (e) {
      if (!(e instanceof Error && (e as { exitCode?: number }).exitCode === 5)) throw e;
    }
  }
  return ctx;
}

export function thisHost(): string {
  const h = hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 200);
  return HOST_RE.test(h) ? h : 'localhost';
}

/** The shell session: stable across commands typed in one terminal (see core/agent.ts). */
function shellSession(): string {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const sid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3];
    if (sid && sid !== '0') return `sid:${sid}`;
  } catch {
    // Not Linux: fall through.
  }
  return process.env.TERM_SESSION_ID ?? process.env.TMUX_PANE ?? `ppid:${process.ppid}`;
}

export function agentOf(ctx: Ctx, flag: string | undefined): AgentId {
  // Getters: the user and the session (a passwd lookup, a /proc read) matter only when no id is given explicitly.
  return resolveAgent({
    flag,
    env: process.env,
    get user() {
      return safeUser();
    },
    worktree: ctx.repo.top ?? ctx.repo.gitDir,
    get session() {
      return shellSession();
    },
  });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'user';
  }
}

/** The tracked project config, if the work tree has one. */
export function projectConfig(ctx: Ctx): ProjectConfig | undefined {
  if (!ctx.repo.top) return undefined;
  const file = join(ctx.repo.top, PROJECT_CONFIG);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid('E_BAD_CONFIG', `${file} is not valid JSON: fix it or remove it`);
  }
  const r = check(ProjectConfig, raw);
  if (!r.ok) throw invalid('E_BAD_CONFIG', `${file}: ${r.problem}`);
  return r.value;
}

/** --ttl, else the lease_ttl the sprint was started with, else the project config's, else 1h. */
export function leaseMs(ctx: Ctx, ttl: string | undefined, sprint?: SprintFile): number {
  if (ttl !== undefined) return parseDuration(ttl);
  if (sprint?.lease_ttl) return parseDuration(sprint.lease_ttl, `lease_ttl of sprint ${sprint.id}`);
  const fromConfig = projectConfig(ctx)?.lease_ttl;
  return fromConfig ? parseDuration(fromConfig, `lease_ttl in ${PROJECT_CONFIG}`) : DEFAULT_TTL_MS;
}

/**
 * Sprints are worked in a work tree: a bare repository has no commits to make,
 * no hooks that run on them and no artifacts to read, so the commands that
 * start or take work refuse it rather than write state nobody can use.
 */
export function requireWorkTree(repo: RepoPaths, what: string): void {
  if (repo.top) return;
  throw invalid('E_BARE_REPO', `'git conductor ${what}' needs a work tree, and ${repo.gitDir} is a bare repository: run it in a clone of it (git clone ${repo.gitDir})`, { git_dir: repo.gitDir });
}

export function activeSprint(ctx: Ctx): SprintFile {
  const id = ctx.store.activeSprintId();
  if (!id) throw unavailable('E_NO_SPRINT', `no sprint in this repository yet: start one with 'git conductor start'`);
  return ctx.store.readSprint(id);
}

export const iso = (ms: number) => new Date(ms).toISOString();
