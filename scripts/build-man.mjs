// Writes man/git-conductor.1 from the commander program itself: the program is
// built (never parsed) from the same source the CLI bundles, walked, and
// rendered as roff, so the page cannot drift from the commands.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

export async function buildMan() {
  // Inside the package, so the bundle's bare imports (commander) resolve to its node_modules.
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  const tmp = mkdtempSync(join(root, 'node_modules', '.cache', 'git-conductor-man-'));
  try {
    const entry = `export { buildProgram, DESCRIPTION } from './src/cli/program.ts'; export { commandSpecs, optionSpecs } from './src/cli/command-tree.ts'; export { manPage } from './src/cli/man-page.ts';`;
    const out = join(tmp, 'program.mjs');
    await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, packages: 'external', logLevel: 'error' });
    const m = await import(pathToFileURL(out).href);
    const program = m.buildProgram(version);
    // SOURCE_DATE_EPOCH: reproducible builds; else the package's build date.
    const when = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date();
    const page = m.manPage(m.commandSpecs(program), m.optionSpecs(program), { version, date: when.toISOString().slice(0, 10), description: m.DESCRIPTION });
    mkdirSync(join(root, 'man'), { recursive: true });
    writeFileSync(join(root, 'man', 'git-conductor.1'), page);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildMan();
