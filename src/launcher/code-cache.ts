/**
 * The `git-conductor` executable: runs the CLI bundle (cli-main.cjs) through
 * a V8 code cache, so start-up skips most parsing and compiling of the bundle
 * (Node 20 has no built-in compile cache for CommonJS).
 *
 * The cache is written after the command has run, when it holds the functions
 * that were compiled lazily too. It lives next to the bundle when that
 * directory is writable, else in a private per-user directory under the OS
 * temp dir. Its name carries the bundle's content hash, so a cache is only
 * ever offered to the exact bundle it was made from; V8 then checks its own
 * version, flags and the data's integrity and rejects a bad cache, in which
 * case the bundle is compiled as usual and the cache rewritten.
 *
 * It is not CLI code: it knows nothing of commands, flags or output, and runs
 * before any of them, so it lives apart from cli/ and is bundled on its own.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The bundle's content hash, set at build time. */
declare const BUNDLE_HASH: string;

const BUNDLE = join(__dirname, 'cli-main.cjs');
const CACHE_NAME = `cli-main.${BUNDLE_HASH}.v8cache`;
const CACHE_RE = /^cli-main\.[0-9a-f]+\.v8cache$/;

const uid = process.getuid?.();

/** The per-user fallback directory, only when it is ours and nobody else can write to it. */
function privateDir(create: boolean): string | undefined {
  const dir = join(tmpdir(), `git-conductor-cache-${uid ?? 'user'}`);
  if (create) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch {
      // Exists already, or cannot be made: the check below decides.
    }
  }
  try {
    const st = lstatSync(dir);
    if (st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0) return dir;
  } catch {
    // Missing.
  }
  return undefined;
}

function readCache(): Buffer | undefined {
  return readFrom(__dirname) ?? readFrom(privateDir(false));
}

function readFrom(dir: string | undefined): Buffer | undefined {
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, CACHE_NAME));
  } catch {
    return undefined;
  }
}

function writeCache(data: Buffer): void {
  if (!writeTo(__dirname, data)) writeTo(privateDir(true), data);
}

/** Written to a temp name and renamed, so concurrent commands never read half a cache. Older bundles' caches go. */
function writeTo(dir: string | undefined, data: Buffer): boolean {
  if (!dir) return false;
  const tmp = join(dir, `.${CACHE_NAME}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data, { mode: 0o644 });
    renameSync(tmp, join(dir, CACHE_NAME));
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
  for (const n of readdirSync(dir)) if (CACHE_RE.test(n) && n !== CACHE_NAME) rmSync(join(dir, n), { force: true });
  return true;
}

const cachedData = readCache();
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`, {
  filename: BUNDLE,
  cachedData,
});
if (!cachedData || script.cachedDataRejected) {
  process.once('exit', () => {
    try {
      writeCache(script.createCachedData());
    } catch {
      // The cache only saves time; never let it change the command's outcome.
    }
  });
}
// The bundle is self-contained: it needs `require` only for Node's built-in modules and exports nothing.
const mod = { exports: {} };
script.runInThisContext()(mod.exports, require, mod, BUNDLE, __dirname);
