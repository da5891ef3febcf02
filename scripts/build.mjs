// Bundles the CLI into one minified CommonJS file (CJS loads faster than ESM
// on Node 20) run by a small launcher that keeps a V8 code cache of it (see
// src/launcher/code-cache.ts), the library into one ESM file, plus type
// declarations, then what is generated from the program: the man page and the
// completion scripts (scripts/build-from-program.mjs).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildFromProgram } from './build-from-program.mjs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
/** commander's eager require of child_process, made lazy (see lazy-child-process.cjs). */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: fileURLToPath(new URL('./lazy-child-process.cjs', import.meta.url)) }
        : undefined,
    );
  },
};
/**
 * The contract tools (JSON Schema generation, ajv) are their own bundle,
 * dist/schema-tools.cjs, loaded by the CLI bundle only when a command needs
 * them, so no other command parses them at start-up.
 */
const sideBundle = {
  name: 'schema-tools-side-bundle',
  setup(b) {
    // A shim in place of the module, so the bundle loads the side bundle with require() (a dynamic import() fails in the loader's vm script).
    b.onResolve({ filter: /^\.\/schema-tools\.js$/ }, (args) =>
      /[\\/]src[\\/]api$/.test(args.resolveDir) ? { path: 'schema-tools', namespace: 'side-bundle' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'side-bundle' }, () => ({
      contents: "module.exports = require('./schema-tools.cjs');",
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/schema-tools\.cjs$/ }, () => ({ path: './schema-tools.cjs', external: true }));
  },
};
/** The CLI and the library load setup and the MCP server from their own bundles (see src/api/heavy.ts). */
const heavyApart = (replacement) => ({
  name: 'heavy-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/heavy\.js$/ }, (args) =>
      /[\\/]src[\\/]api[\\/]index\.ts$/.test(args.importer) ? { path: fileURLToPath(new URL(replacement, import.meta.url)) } : undefined,
    );
  },
});
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  define: { 'process.env.CONDUCTOR_VERSION': JSON.stringify(version) },
};
const cli = async () => {
  await build({
    ...common,
    entryPoints: ['src/cli/index.ts'],
    format: 'cjs',
    outfile: 'dist/cli-main.cjs',
    plugins: [lazyChildProcess, sideBundle, heavyApart('./heavy-cli.cjs')],
    logOverride: { 'empty-import-meta': 'silent' },
  });
  const hash = createHash('sha256')
    .update(readFileSync(new URL('../dist/cli-main.cjs', import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  await build({
    ...common,
    entryPoints: ['src/launcher/code-cache.ts'],
    format: 'cjs',
    outfile: 'dist/cli.cjs',
    banner: { js: '#!/usr/bin/env node' },
    define: { ...common.define, BUNDLE_HASH: JSON.stringify(hash) },
  });
  // The bin: executable as built, so the hooks can run it by the path 'hooks install' records.
  chmodSync(new URL('../dist/cli.cjs', import.meta.url), 0o755);
};
const tools = () => build({ ...common, entryPoints: ['src/api/schema-tools.ts'], format: 'cjs', outfile: 'dist/schema-tools.cjs' });
/** setup and the MCP server, one CommonJS bundle each, required by the CLI and the library only when used. */
const heavy = (entry, out) =>
  build({ ...common, entryPoints: [entry], format: 'cjs', outfile: `dist/${out}.cjs`, logOverride: { 'empty-import-meta': 'silent' } });
await Promise.all([
  cli(),
  tools(),
  heavy('src/api/setup.ts', 'setup'),
  heavy('src/mcp/server.ts', 'mcp'),
  build({
    ...common,
    entryPoints: ['src/api/index.ts'],
    format: 'esm',
    outfile: 'dist/index.mjs',
    packages: 'external',
    plugins: [heavyApart('./heavy-lib.mjs')],
  }),
]);
await buildFromProgram();
// typescript resolved as a module, not by path: under `prepare` (a git-URL install) it may be hoisted.
execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '--emitDeclarationOnly'], {
  stdio: 'inherit',
  cwd: fileURLToPath(new URL('..', import.meta.url)),
});
