/**
 * setup <agent>: installs the skill, hooks, MCP registration and instruction
 * blocks a coding agent needs (src/setup/agents.ts says which), and takes them
 * away again. Invariants:
 * - settings files are merged, never replaced, and running setup twice changes
 *   nothing (src/setup/edits.ts);
 * - everything is computed and validated before anything is written, so a bad
 *   settings file changes nothing;
 * - the manifest and the original bytes of every file setup changed are saved
 *   (state dir, setup/repo-<agent>-<worktree hash>/) before the file is written, so
 *   `--remove` puts back each file byte for byte, deletes the files and
 *   directories setup created, and, for a file edited since, removes only our
 *   entries and keeps the rest.
 */
import type * as Crypto from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as z from 'zod/mini';
import { fnv1a } from '../core/agent.js';
import { ConductorError, ExitCode, invalid } from '../core/errors.js';
import { check } from '../core/schemas.js';
import { writeFileAtomic } from '../store/fs-atomic.js';
import { findRepo } from '../store/repo.js';
import { Layout } from '../store/layout.js';
import { editsFor, SETUP_AGENTS, type SetupAgent } from '../setup/agents.js';
import { desired, without, type Edit } from '../setup/edits.js';
import { skillTemplate } from '../setup/templates.js';
import type { CommonOptions } from './context.js';

export interface SetupOptions extends CommonOptions {
  agent: string;
  check?: boolean;
  remove?: boolean;
  /** Register the MCP server too. */
  mcp?: boolean;
  /** The user's own configuration (under `home`) instead of the repository's. */
  user?: boolean;
  /** The home directory, for --user (the CLI passes it). */
  home?: string;
}

export interface SetupFile {
  path: string;
  action: 'created' | 'updated' | 'unchanged' | 'restored' | 'deleted' | 'removed-ours' | 'gone' | 'drift';
}

export interface SetupResult {
  agent: SetupAgent;
  scope: 'repo' | 'user';
  root: string;
  files: SetupFile[];
}

const Manifest = () =>
  z.strictObject({
    v: z.literal(1),
    files: z.array(
      z.strictObject({
        path: z.string().check(z.maxLength(300)),
        existed: z.boolean(),
        backup: z.optional(z.string().check(z.regex(/^backup-\d+$/))),
        sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
      }),
    ),
    dirs: z.array(z.string().check(z.maxLength(300))),
  });
type Manifest = z.infer<ReturnType<typeof Manifest>>;

const sha256 = (b: Uint8Array | string) =>
  (process.getBuiltinModule('node:crypto') as typeof Crypto).createHash('sha256').update(b).digest('hex');
const readBytes = (f: string) => (existsSync(f) ? readFileSync(f) : undefined);

/** Replaces a file's bytes keeping its permissions (a user's ~/.claude.json is private, and stays so). */
function replace(abs: string, data: string | Uint8Array): void {
  const mode = existsSync(abs) ? statSync(abs).mode & 0o777 : undefined;
  writeFileAtomic(abs, data);
  if (mode !== undefined) chmodSync(abs, mode);
}

function where(opts: SetupOptions): { agent: SetupAgent; scope: 'repo' | 'user'; root: string; stateDir: string } {
  if (!(SETUP_AGENTS as readonly string[]).includes(opts.agent))
    throw invalid('E_USAGE', `unknown agent ${JSON.stringify(opts.agent)}: use one of ${SETUP_AGENTS.join(', ')}`);
  const agent = opts.agent as SetupAgent;
  if (opts.user) {
    if (!opts.home) throw invalid('E_USAGE', 'setup --user needs the home directory');
    return { agent, scope: 'user', root: opts.home, stateDir: join(opts.home, '.git-conductor', 'setup', `user-${agent}`) };
  }
  const repo = findRepo(opts.cwd ?? process.cwd());
  if (!repo.top) throw invalid('E_NO_WORK_TREE', 'setup needs a work tree: run it inside a checkout (or pass --user)');
  // Every worktree has its own files (and the state directory is shared): one manifest per worktree.
  return { agent, scope: 'repo', root: repo.top, stateDir: new Layout(repo.commonDir).setup(`repo-${agent}-${fnv1a(repo.top)}`) };
}

/** Edits grouped by file, in order; paths stay inside the root (they are ours, but say so once). */
function byFile(edits: Edit[], root: string): Map<string, Edit[]> {
  const m = new Map<string, Edit[]>();
  for (const e of edits) {
    const abs = join(root, e.path);
    if (relative(root, abs).startsWith('..')) throw new Error(`setup path ${e.path} escapes ${root}`);
    m.set(e.path, [...(m.get(e.path) ?? []), e]);
  }
  return m;
}

export async function setup(opts: SetupOptions): Promise<SetupResult> {
  const w = where(opts);
  if (opts.remove) return remove(w);
  const files = byFile(editsFor({ agent: w.agent, user: w.scope === 'user', mcp: !!opts.mcp, skill: skillTemplate() }), w.root);
  const plan: { path: string; abs: string; cur?: Buffer; next: string }[] = [];
  for (const [path, edits] of files) {
    const abs = join(w.root, path);
    const cur = readBytes(abs);
    let next: string | undefined = cur?.toString('utf8');
    for (const e of edits) next = await desired(e, next);
    plan.push({ path, abs, cur, next: next! });
  }
  const changed = plan.filter((p) => p.cur === undefined || !p.cur.equals(Buffer.from(p.next)));
  const result = (files: SetupFile[]): SetupResult => ({ agent: w.agent, scope: w.scope, root: w.root, files });
  if (opts.check) {
    if (!changed.length) return result(plan.map((p) => ({ path: p.path, action: 'unchanged' })));
    const drift = changed.map((p) => p.path);
    throw new ConductorError(
      'E_SETUP_DRIFT',
      ExitCode.unexpected,
      `setup ${w.agent} is not in place: ${drift.join(', ')} ${drift.length === 1 ? 'differs' : 'differ'} from what it writes; run 'git conductor setup ${w.agent}${opts.user ? ' --user' : ''}${opts.mcp ? ' --mcp' : ''}'`,
      { drift },
    );
  }
  const manifest = readManifest(w.stateDir) ?? { v: 1, files: [], dirs: [] };
  mkdirSync(w.stateDir, { recursive: true });
  for (const p of changed) {
    let entry = manifest.files.find((f) => f.path === p.path);
    if (!entry) {
      const backup = p.cur ? `backup-${manifest.files.length}` : undefined;
      if (p.cur) writeFileSync(join(w.stateDir, backup!), p.cur);
      entry = { path: p.path, existed: !!p.cur, backup, sha256: '' };
      manifest.files.push(entry);
      for (let d = dirname(p.path); d !== '.' && !existsSync(join(w.root, d)); d = dirname(d))
        if (!manifest.dirs.includes(d)) manifest.dirs.push(d);
    }
    entry.sha256 = sha256(p.next);
  }
  // The manifest and the originals first: a crash after this loses nothing.
  if (changed.length) writeFileAtomic(join(w.stateDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  for (const p of changed) replace(p.abs, p.next);
  return result(plan.map((p) => ({ path: p.path, action: !changed.includes(p) ? 'unchanged' : p.cur ? 'updated' : 'created' })));
}

async function remove(w: ReturnType<typeof where>): Promise<SetupResult> {
  const manifest = readManifest(w.stateDir);
  const out: SetupFile[] = [];
  if (manifest) {
    // Every edit this agent could have made, to take ours out of a file edited since.
    const all = byFile(editsFor({ agent: w.agent, user: w.scope === 'user', mcp: true, skill: '' }), w.root);
    for (const f of [...manifest.files].reverse()) {
      const abs = join(w.root, f.path);
      const cur = readBytes(abs);
      const original = () => (f.existed ? replace(abs, readFileSync(join(w.stateDir, f.backup!))) : rmSync(abs, { force: true }));
      if (!cur) out.push({ path: f.path, action: 'gone' });
      else if (sha256(cur) === f.sha256 || all.get(f.path)?.[0]?.kind === 'file') {
        original();
        out.push({ path: f.path, action: f.existed ? 'restored' : 'deleted' });
      } else {
        let text: string | undefined = cur.toString('utf8');
        for (const e of all.get(f.path) ?? []) text = text === undefined ? undefined : await without(e, text);
        if (text === undefined && !f.existed) rmSync(abs, { force: true });
        else replace(abs, text ?? '');
        out.push({ path: f.path, action: 'removed-ours' });
      }
    }
    for (const d of [...manifest.dirs].sort((a, b) => b.length - a.length)) {
      const abs = join(w.root, d);
      try {
        if (!readdirSync(abs).length) rmdirSync(abs);
      } catch {
        // Already gone.
      }
    }
    rmSync(w.stateDir, { recursive: true, force: true });
    try {
      rmdirSync(dirname(w.stateDir));
    } catch {
      // Another agent's setup is still recorded there.
    }
  }
  return { agent: w.agent, scope: w.scope, root: w.root, files: out.reverse() };
}

function readManifest(dir: string): Manifest | undefined {
  const f = join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(f, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConductorError(
      'E_CORRUPT_STATE',
      ExitCode.unexpected,
      `corrupt state file ${f}: not JSON; remove ${dir} and undo the agent's files by hand`,
    );
  }
  const r = check(Manifest, raw);
  if (!r.ok)
    throw new ConductorError(
      'E_CORRUPT_STATE',
      ExitCode.unexpected,
      `corrupt state file ${f}: ${r.problem}; remove ${dir} and undo the agent's files by hand`,
    );
  for (const p of [...r.value.files.map((x) => x.path), ...r.value.dirs])
    if (p.startsWith('/') || p.split('/').includes('..'))
      throw new ConductorError(
        'E_CORRUPT_STATE',
        ExitCode.unexpected,
        `corrupt state file ${f}: path ${JSON.stringify(p)} leaves the root`,
      );
  return r.value;
}
