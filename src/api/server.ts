/**
 * Enforcement on a server the team hosts itself: `server install | uninstall |
 * status <bare repo>` manage a pre-receive hook, and `server pre-receive` is
 * what that hook runs, once per push (see server/receive-rules.ts for what it
 * accepts). The hook judges the sprint as this repository's refs hold it, so
 * nothing a client does or skips gets around it.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../core/errors.js';
import { heldSprint, NAMESPACES, namespaceOf, type RefMap } from '../server/held-sprint.js';
import { installStub, stubState, uninstallStub, type CliLocation, type HookFileResult, type HookState } from '../server/hook-file.js';
import { matcher, protectedPatterns } from '../server/protected-refs.js';
import { applied, checkConductorUpdates, checkShipGate, parseReceiveLines, type GateOutcome } from '../server/receive-rules.js';
import { bareRepo, readPushedObjects } from '../server/repository.js';
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

const here = () => (typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));

/** This package's CLI: dist/cli.cjs beside the running bundle. */
function ownCli(): CliLocation {
  const script = join(dirname(here()), 'cli.cjs');
  if (!existsSync(script))
    throw invalid(
      'E_NO_CLI',
      `cannot find the git-conductor CLI next to ${here()}: pass cli {node, script}, or run 'git conductor server install' from an installed git-conductor`,
    );
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
    sprint: held.sprint && {
      id: held.sprint.id,
      ready: !b,
      missing: b?.missing.map((m) => m.name) ?? [],
      halt: b?.halt && `${b.halt.phase}: ${b.halt.reason}`,
    },
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
  if (opts.objectStore) readPushedObjects(opts.objectStore);
  const updates = parseReceiveLines(opts.input);
  // A push of ordinary branches reads no conductor ref at all unless it moves a protected one.
  let held: { prefix: string; refs: RefMap } | undefined;
  const ns = () => (held ??= namespaceOf(cwd, updates));
  const after = () => applied(ns().refs, updates, ns().prefix);
  if (updates.some((u) => NAMESPACES.some((n) => u.ref.startsWith(`${n}/`))))
    checkConductorUpdates(cwd, ns().prefix, ns().refs, after(), updates);
  // The default branch and the project config cost git calls: read only when the push moves a non-conductor ref.
  let test: ((ref: string) => boolean) | undefined;
  const isProtected = (ref: string) => (test ??= matcher(protectedPatterns(cwd, PROJECT_CONFIG).patterns))(ref);
  return checkShipGate(cwd, () => ns().prefix, after, updates, isProtected, Date.now(), !!opts.bypass);
}
