// Bundles the CLI into one minified CommonJS file (CJS loads faster than ESM
// on Node 20) run by a small launcher that keeps a V8 code cache of it (see
// src/launcher/code-cache.ts), and the library into one ESM file, plus type declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
/** commander's eager require of child_process, made lazy (see lazy-child-process.cjs). */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: fileURLToPath(new URL('./lazy-child-process.cjs', import.meta.url)) } : undefined,
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
    b.onResolve({ filter: /^\.\/schema-tools\.js$/ }, (args) => (/[\\/]src[\\/]api$/.test(args.resolveDir) ? { path: 'schema-tools', namespace: 'side-bundle' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'side-bundle' }, () => ({ contents: "module.exports = require('./schema-tools.cjs');", loader: 'js' }));
    b.onResolve({ filter: /^\.\/schema-tools\.cjs$/ }, () => ({ path: './schema-tools.cjs', external: true }));
  },
};
const common = { bundle: true, platform: 'node', target: 'node20', minify: true, legalComments: 'none', define: { 'process.env.CONDUCTOR_VERSION': JSON.stringify(version) } };
const cli = async () => {
  await build({ ...common, entryPoints: ['src/cli/index.ts'], format: 'cjs', outfile: 'dist/cli-main.cjs', plugins: [lazyChildProcess, sideBundle], logOverride: { 'empty-import-meta': 'silent' } });
  const hash = createHash('sha256').update(readFileSync(new URL('../dist/cli-main.cjs', import.meta.url))).digest('hex').slice(0, 16);
  await build({ ...common, entryPoints: ['src/launcher/code-cache.ts'], format: 'cjs', outfile: 'dist/cli.cjs', banner: { js: '#!/usr/bin/env node' }, define: { ...common.define, BUNDLE_HASH: JSON.stringify(hash) } });
};
const tools = () => build({ ...common, entryPoints: ['src/api/schema-tools.ts'], format: 'cjs', outfile: 'dist/schema-tools.cjs' });
await Promise.all([cli(), tools(), build({ ...common, entryPoints: ['src/api/index.ts'], format: 'esm', outfile: 'dist/index.mjs', packages: 'external' })]);
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--emitDeclarationOnly'], { stdio: 'inherit' });
