/** What every command needs: the repository, the state store, the agent, the clock. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AgentId, Env } from '../core/agent.js';
import { DEFAULT_TTL_MS, parseDuration } from '../core/duration.js';
import { invalid, unavailable } from '../core/errors.js';
import { check, HOST_RE, ProjectConfig, type SprintFile } from '../core/schemas.js';
import { findRepo, type RepoPaths } from '../store/repo.js';
import { StateStore } from '../store/state-store.js';
import type { RemoteLink } from '../remote/link.js';
import { resolveIdentity, type IdentityFacts } from './identity.js';

export interface CommonOptions {
  /** Where to run, default process.cwd(). Any directory of any worktree works. */
  cwd?: string;
  /** Acting agent id; see resolveAgent for the default rule. */
  agent?: string;
  /** With a coordination remote: act locally only, mark the change unpublished (`sync` publishes it). */
  offline?: boolean;
  /** Epoch ms by which every call to the coordination remote must be over; past it the remote counts as unreachable (exit 5). */
  deadline?: number;
  /** The caller's environment (the CLI passes process.env): agent ids, bindings and claim tokens are read from it. */
  env?: Env;
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
  /** Facts for telling who acts (api/identity.ts). */
  identity: IdentityFacts;
}

export const PROJECT_CONFIG = '.git-conductor.json';

export function openContext(opts: CommonOptions): Ctx {
  const cwd = opts.cwd ?? process.cwd();
  const repo = findRepo(cwd);
  const host = thisHost();
  const identity = { env: opts.env ?? {}, host, worktree: repo.top ?? repo.gitDir };
  return { cwd, repo, store: new StateStore(repo.commonDir), host, now: Date.now(), deadline: opts.deadline, identity };
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

export function agentOf(ctx: Ctx, flag: string | undefined): AgentId {
  return resolveIdentity(ctx.identity, flag);
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

export function leaseMs(ctx: Ctx, ttl: string | undefined): number {
  if (ttl !== undefined) return parseDuration(ttl);
  const fromConfig = projectConfig(ctx)?.lease_ttl;
  return fromConfig ? parseDuration(fromConfig, `lease_ttl in ${PROJECT_CONFIG}`) : DEFAULT_TTL_MS;
}

export function activeSprint(ctx: Ctx): SprintFile {
  const id = ctx.store.activeSprintId();
  if (!id) throw unavailable('E_NO_SPRINT', `no sprint in this repository yet: start one with 'git conductor start'`);
  return ctx.store.readSprint(id);
}

export const iso = (ms: number) => new Date(ms).toISOString();
