// Writes what is generated from the commander program itself: the man page
// (man/git-conductor.1) and the shell completion scripts (dist/completions/).
// The program is built (never parsed) from the same source the CLI bundles,
// walked, and rendered, so neither can drift from the commands; and the CLI
// bundle carries neither generator, so they cost its start-up nothing.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

export async function buildFromProgram() {
  // Inside the package, so the bundle's bare imports (commander) resolve to its node_modules.
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  const tmp = mkdtempSync(join(root, 'node_modules', '.cache', 'git-conductor-program-'));
  try {
    const entry = [
      `export { buildProgram, DESCRIPTION } from './src/cli/program.ts';`,
      `export { commandSpecs, optionSpecs } from './src/cli/command-tree.ts';`,
      `export { manPage } from './src/cli/man-page.ts';`,
      `export { completionScript, SHELLS, scriptFile } from './src/cli/completion-scripts.ts';`,
    ].join('\n');
    const out = join(tmp, 'program.mjs');
    await build({
      stdin: { contents: entry, resolveDir: root, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      packages: 'external',
      logLevel: 'error',
    });
    const m = await import(pathToFileURL(out).href);
    const program = m.buildProgram(version);
    const specs = m.commandSpecs(program);
    const global = m.optionSpecs(program);
    // SOURCE_DATE_EPOCH: reproducible builds; else the package's build date.
    const when = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date();
    mkdirSync(join(root, 'man'), { recursive: true });
    writeFileSync(
      join(root, 'man', 'git-conductor.1'),
      m.manPage(specs, global, { version, date: when.toISOString().slice(0, 10), description: m.DESCRIPTION }),
    );
    mkdirSync(join(root, 'dist', 'completions'), { recursive: true });
    for (const shell of m.SHELLS)
      writeFileSync(join(root, 'dist', 'completions', m.scriptFile(shell)), m.completionScript(shell, specs, global));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildFromProgram();
