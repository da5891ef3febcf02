/**
 * The CLI: parse flags, call the library, render. Nothing else. Every verb
 * module registers its flags here at start-up (commander needs them all for
 * parsing, help and suggestions), but registering only builds commander
 * objects: the library each verb calls loads when it runs, so start-up pays
 * only for what the command uses. This file is the one place that exits:
 * ConductorError -> its exit code, usage errors -> 2, anything else -> 1.
 */
import { Command, CommanderError } from 'commander';
import type { ConductorError } from '../api/index.js';
import { register as abortUnstuck } from './commands/abort-unstuck.js';
import { register as artifact } from './commands/artifact.js';
import { register as batch } from './commands/batch.js';
import { register as claimRenew } from './commands/claim-renew.js';
import { register as clean } from './commands/clean.js';
import { register as complete } from './commands/complete.js';
import { register as context } from './commands/context.js';
import { register as doctor } from './commands/doctor.js';
import { register as hookRun } from './commands/hook-run.js';
import { register as hooks } from './commands/hooks.js';
import { register as initDeinit } from './commands/init-deinit.js';
import { register as journal } from './commands/journal.js';
import { register as log } from './commands/log.js';
import { register as next } from './commands/next.js';
import { register as resume } from './commands/resume.js';
import { register as server } from './commands/server.js';
import { api } from './commands/shared.js';
import { register as start } from './commands/start.js';
import { register as status } from './commands/status.js';
import { register as schema } from './commands/schema.js';
import { register as sync } from './commands/sync.js';
import { register as verify } from './commands/verify.js';
import { register as whoami } from './commands/whoami.js';
import { ERROR_CODES } from '../core/errors.js';
import { json, paint, stderr, write } from './output.js';

const wantsJson = process.argv.includes('--json');

const program = new Command('git-conductor')
  .description('Coordinate a sprint of coding agents and humans on one repository: claim a phase, do it, complete it with an artifact.')
  .version(process.env.CONDUCTOR_VERSION ?? '0.1.0')
  .showSuggestionAfterError()
  .exitOverride()
  // Help may go to stderr; error messages never do here: fail() prints them, once, as one line.
  .configureOutput({ writeOut: (s) => write(1, s), writeErr: (s) => (wantsJson ? undefined : write(2, s)), outputError: () => undefined });

// In the order `--help` lists them: the sprint's life, then hooks, then the coordination remote, then enforcing on a server or in CI.
const verbs = [start, claimRenew, complete, abortUnstuck, status, next, context, resume, batch, clean, log, journal, whoami, artifact, schema, hooks, hookRun, initDeinit, sync, doctor, server, verify];
for (const register of verbs) register(program);

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

program.parseAsync(process.argv).catch(async (e: unknown) => {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) process.exit(0); // --help, --version
    // 'commander.help': no command given, and the help was shown instead.
    const problem = e.code === 'commander.help' ? 'no command given' : e.message.replace(/^error: /, '');
    fail('E_USAGE', ERROR_CODES.E_USAGE, `${problem} (see 'git conductor --help')`);
  }
  const known = await typed(e);
  if (known) fail(known.code, known.exitCode, known.message, known.data);
  if (process.env.CONDUCTOR_DEBUG) console.error(e);
  fail('E_UNEXPECTED', ERROR_CODES.E_UNEXPECTED, `unexpected error: ${e instanceof Error ? e.message : String(e)} (set CONDUCTOR_DEBUG=1 for details)`);
});
