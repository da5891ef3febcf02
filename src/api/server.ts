/**
 * Enforcement on a server the team hosts itself: `server install | uninstall |
 * status <bare repo>` manage a pre-receive hook, and `server pre-receive` is
 * what that hook runs, once per push (see server/receive-rules.ts for what it
 * accepts). The hook judges the sprint as this repository's refs hold it, so
 * nothing a client does or skips gets around it.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../core/errors.js';
import { git, useObjectStore } from '../git/git.js';
import { DEFAULT_NAMESPACE, FALLBACK_NAMESPACE } from '../remote/ref-names.js';
import { heldSprint, listNamespace, type RefMap } from '../server/held-sprint.js';
import { installStub, stubState, uninstallStub, type CliLocation, type HookFileResult, type HookState } from '../server/hook-file.js';
import { matcher, protectedPatterns } from '../server/protected-refs.js';
import { applied, checkConductorUpdates, checkShipGate, isZero, parseReceiveLines, type GateOutcome, type RefUpdate } from '../server/receive-rules.js';
import { shipBlockers } from '../core/ship-gate.js';
import { PROJECT_CONFIG } from './context.js';

export interface ServerOptions {
  /** The bare repository teammates push to. */
  repo: string;
}

export interface ServerInstallOptions extends ServerOptions {
  /** The CLI the hook runs; default: this package's own (the node running it, and dist/cli.cjs). */
  cli?: CliLocation;
}

export interface ServerHookResult extends HookFileResult {
  repo: string;
  hooks_dir: string;
  cli?: CliLocation;
}

/** A bare repository's absolute git dir and where git runs its hooks. */
function bareRepo(path: string): { repo: string; hooksDir: string } {
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw invalid('E_NOT_A_REPO', `${abs} is not a directory: pass the path of the bare repository teammates push to`);
  const r = git(['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-path', 'hooks'], { cwd: abs, allowFail: true });
  const [bare, gitDir, hooks] = r.stdout.split('\n');
  if (r.code !== 0 || !gitDir) throw invalid('E_NOT_A_REPO', `${abs} is not a git repository: pass the path of the bare repository teammates push to`);
  if (bare !== 'true') throw invalid('E_NOT_BARE', `${abs} is not a bare repository: the server hook goes into the repository teammates push to (for a clone, use 'git conductor hooks install')`);
  return { repo: gitDir, hooksDir: isAbsolute(hooks!) ? hooks! : join(gitDir, hooks!) };
}

const here = () => (typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));

/** This package's CLI: dist/cli.cjs beside the running bundle. */
function ownCli(): CliLocation {
  const script = join(dirname(here()), 'cli.cjs');
  if (!existsSync(script)) throw invalid('E_NO_CLI', `cannot find the git-conductor CLI next to ${here()}: pass cli {node, script}, or run 'git conductor server install' from an installed git-conductor`);
  return { node: process.execPath, script: realpathSync(script) };
}

export async function serverInstall(opts: ServerInstallOptions): Promise<ServerHookResult> {
  const { repo, hooksDir } = bareRepo(opts.repo);
  const cli = opts.cli ?? ownCli();
  return { repo, hooks_dir: hooksDir, cli, ...installStub(hooksDir, cli) };
}

export async function serverUninstall(opts: ServerOptions): Promise<ServerHookResult> {
  const { repo, hooksDir } = bareRepo(opts.repo);
  return { repo, hooks_dir: hooksDir, ...uninstallStub(hooksDir) };
}

export interface ServerStatus {
  repo: string;
  hooks_dir: string;
  file: string;
  state: HookState;
  chained?: string;
  /** The CLI the installed stub runs, and whether it is there. */
  cli?: CliLocation;
  cli_found: boolean;
  /** Where the sprint's refs are (refs/conductor, or the fallback namespace its clients use). */
  namespace: string;
  protected_refs: string[];
  /** The sprint this repository holds, and whether a protected push would pass now. */
  sprint?: { id: string; ready: boolean; missing: string[]; halt?: string };
  problems: string[];
}

export async function serverStatus(opts: ServerInstallOptions): Promise<ServerStatus> {
  const { repo, hooksDir } = bareRepo(opts.repo);
  let cli: CliLocation;
  try {
    cli = opts.cli ?? ownCli();
  } catch {
    cli = { node: process.execPath, script: '' };
  }
  const hook = stubState(hooksDir, cli);
  const { prefix, refs } = namespaceOf(repo, []);
  const held = heldSprint(repo, prefix, refs);
  const b = held.sprint && shipBlockers(held.sprint, held.tops, Date.now());
  return {
    repo,
    hooks_dir: hooksDir,
    ...hook,
    namespace: prefix,
    protected_refs: protectedPatterns(repo, PROJECT_CONFIG).patterns,
    sprint: held.sprint && { id: held.sprint.id, ready: !b, missing: b?.missing.map((m) => m.name) ?? [], halt: b?.halt && `${b.halt.phase}: ${b.halt.reason}` },
    problems: held.problems.map((p) => `${p.ref} ${p.problem}`),
  };
}

export interface PreReceiveOptions {
  /** The repository the hook runs in (git runs it in the git dir). */
  cwd?: string;
  /** The hook's stdin: `<old> <new> <ref>` lines. */
  input: string;
  /** git's quarantine variables (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_QUARANTINE_PATH): where the pushed objects are until accepted. */
  objectStore?: Record<string, string>;
  /** An admin's CONDUCTOR_SHIP_BYPASS=1 in the hook's own environment. */
  bypass?: boolean;
}

/** The hook's decision: returns what it let through, throws the refusal (E_SHIP_GATE exit 4, E_REF_REFUSED exit 2). */
export async function serverPreReceive(opts: PreReceiveOptions): Promise<GateOutcome> {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.objectStore) useObjectStore(opts.objectStore);
  const updates = parseReceiveLines(opts.input);
  // A push of ordinary branches reads no conductor ref at all unless it moves a protected one.
  let held: { prefix: string; refs: RefMap } | undefined;
  const ns = () => (held ??= namespaceOf(cwd, updates));
  const after = () => applied(ns().refs, updates, ns().prefix);
  if (updates.some((u) => NAMESPACES.some((n) => u.ref.startsWith(`${n}/`)))) checkConductorUpdates(cwd, ns().prefix, ns().refs, after(), updates);
  // The default branch and the project config cost git calls: read only when the push moves a non-conductor ref.
  let test: ((ref: string) => boolean) | undefined;
  const isProtected = (ref: string) => (test ??= matcher(protectedPatterns(cwd, PROJECT_CONFIG).patterns))(ref);
  return checkShipGate(cwd, () => ns().prefix, after, updates, isProtected, Date.now(), !!opts.bypass);
}

const NAMESPACES = [DEFAULT_NAMESPACE, FALLBACK_NAMESPACE];

/**
 * Where this repository's sprint lives: refs/conductor, or the fallback
 * namespace (refs/heads/conductor) when the team's clients use that one: it
 * holds a head (or this push creates one) and refs/conductor does not.
 */
function namespaceOf(cwd: string, updates: RefUpdate[]): { prefix: string; refs: RefMap } {
  const all = listNamespace(cwd, ...NAMESPACES);
  const has = (n: string) => all.has(`${n}/head`) || updates.some((u) => u.ref === `${n}/head` && !isZero(u.new));
  const prefix = !has(DEFAULT_NAMESPACE) && has(FALLBACK_NAMESPACE) ? FALLBACK_NAMESPACE : DEFAULT_NAMESPACE;
  return { prefix, refs: new Map([...all].filter(([ref]) => ref.startsWith(`${prefix}/`))) };
}
