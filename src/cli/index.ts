/**
 * The CLI: parse flags, call the library, render. Nothing else. Every verb
 * module registers its flags at start-up (commander needs them all for
 * parsing, help and suggestions; see program.ts), but registering only builds
 * commander objects: the library each verb calls loads when it runs, so
 * start-up pays only for what the command uses. This file is the one place
 * that exits: ConductorError -> its exit code, usage errors -> 2, anything else -> 1.
 */
import type { ConductorError } from '../api/index.js';
import { api } from './commands/shared.js';
import { ERROR_CODES } from '../core/errors.js';
import { json, paint, stderr, write } from './output.js';
import { buildProgram, CommanderError } from './program.js';

const wantsJson = process.argv.includes('--json');

function fail(code: string, exitCode: number, message: string, data: Record<string, unknown> = {}): never {
  if (wantsJson) json({ error: { code, exit_code: exitCode, message, ...data } });
  else stderr(`${paint(2)('red', 'git-conductor:')} ${message}`);
  process.exit(exitCode);
}

/** Typed errors are the library's, so it has loaded by the time one is thrown; if it cannot load, the error is unexpected. */
async function typed(e: unknown): Promise<ConductorError | undefined> {
  try {
    return e instanceof (await api()).ConductorError ? e : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const program = buildProgram(process.env.CONDUCTOR_VERSION ?? '0.0.0-dev', {
    writeOut: (s) => write(1, s),
    writeErr: (s) => (wantsJson ? undefined : write(2, s)),
  });
  await program.parseAsync(process.argv).catch(async (e: unknown) => {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) process.exit(0); // --help, --version
      // 'commander.help': no command given, and the help was shown instead.
      const problem = e.code === 'commander.help' ? 'no command given' : e.message.replace(/^error: /, '');
      fail('E_USAGE', ERROR_CODES.E_USAGE, `${problem} (see 'git conductor help')`);
    }
    const known = await typed(e);
    if (known) fail(known.code, known.exitCode, known.message, known.data);
    if (process.env.CONDUCTOR_DEBUG) console.error(e);
    fail(
      'E_UNEXPECTED',
      ERROR_CODES.E_UNEXPECTED,
      `unexpected error: ${e instanceof Error ? e.message : String(e)} (set CONDUCTOR_DEBUG=1 for details)`,
    );
  });
}

void main();
