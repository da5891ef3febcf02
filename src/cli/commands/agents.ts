/** The agent-facing commands: prime, agent-hook (what the hooks `setup` installs run), setup, mcp. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { Command, CommanderError } from 'commander';
import type { SetupResult } from '../../api/index.js';
import { color as c, json, stderr, stdout } from '../output.js';
import { api, envOptions, repoEnv, run, withCommon } from './shared.js';

const TOOLS = ['claude', 'codex', 'cursor', 'opencode', 'gemini'];
const toolArg = (v: string) => {
  if (!TOOLS.includes(v)) throw new CommanderError(2, 'E_USAGE', `unknown agent ${JSON.stringify(v)}: use one of ${TOOLS.join(', ')}`);
  return v;
};
const stdinText = () => (process.stdin.isTTY ? '' : readFileSync(0, 'utf8'));

export function register(program: Command): void {
  withCommon(program.command('prime'))
    .description('a short brief for an agent that starts or wakes up: who you are, what you hold, what to do next')
    .option('--hook-json', 'print it as a SessionStart hook answer (hookSpecificOutput.additionalContext)')
    .action(async (o) =>
      run((await api()).prime, (r) =>
        o.hookJson ? json({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: r.text } }) : stdout(r.text),
      )({ ...o, json: o.json && !o.hookJson }),
    );

  withCommon(program.command('setup <agent>'))
    .description(`install the skill, hooks and instructions a coding agent needs (${TOOLS.join(', ')}); --remove undoes it exactly`)
    .option('--check', 'report what differs from what setup writes (exit 1 when anything does)')
    .option('--remove', 'undo: restore every file setup changed, byte for byte, and delete the ones it created')
    .option('--mcp', "also register the MCP server ('git conductor mcp') in the agent's MCP config")
    .option('--user', "the agent's configuration in your home directory, not the repository's")
    .action(async (agent: string, o) => run(setup, (r) => renderSetup(r, o))({ ...o, agent: toolArg(agent), home: homedir() }));

  program
    .command('mcp')
    .description(
      'serve the sprint as MCP tools over stdio (status, prime, next, claim, renew, complete, abort, context, resume, artifact_show, artifact_validate)',
    )
    .option('--agent <id>', 'act as this agent in every call (default: the environment, or the rule of `whoami`)')
    .action(async (o: { agent?: string }) =>
      (await api()).serveMcp({
        cwd: process.cwd(),
        agent: o.agent,
        env: process.env,
        common: envOptions(),
        version: process.env.CONDUCTOR_VERSION ?? '0.1.0',
      }),
    );

  program
    .command('agent-hook <event>')
    .description(
      'run by the agent hooks that setup installs: session-start (bind the id, print the prime) or stop (remind once of a held phase)',
    )
    .requiredOption('--tool <agent>', `the agent: ${TOOLS.join(', ')}`, toolArg)
    .option('--agent <id>', 'act as this agent')
    .action(async (event: string, o: { tool: string; agent?: string }) => {
      if (event !== 'session-start' && event !== 'stop')
        throw new CommanderError(2, 'E_USAGE', `unknown agent hook event ${JSON.stringify(event)}: use session-start or stop`);
      try {
        const r = await (
          await api()
        ).agentHook({
          event,
          tool: o.tool as never,
          agent: o.agent,
          input: stdinText(),
          envFile: process.env.CLAUDE_ENV_FILE || undefined,
          env: process.env,
          repoEnv: repoEnv(),
        });
        if (r.output) json(r.output);
      } catch (e) {
        // A hook never stops the agent's session: say what went wrong and let it carry on.
        stderr(`git-conductor - agent hook ${event}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
}

/**
 * setup runs from its own bundle (src/api/heavy.ts), whose errors are its own
 * ConductorError class: they become the library's here, so the one catch in
 * cli/index.ts maps them to their exit codes like every other refusal.
 */
async function setup(o: Parameters<Awaited<ReturnType<typeof api>>['setup']>[0]): Promise<SetupResult> {
  const lib = await api();
  try {
    return await lib.setup(o);
  } catch (e) {
    const x = e as { code?: unknown; exitCode?: unknown; message?: string; data?: Record<string, unknown> };
    if (e instanceof Error && typeof x.code === 'string' && x.code in lib.ERROR_CODES && typeof x.exitCode === 'number') {
      throw new lib.ConductorError(x.code as keyof typeof lib.ERROR_CODES, x.exitCode as never, e.message, x.data);
    }
    throw e;
  }
}

function renderSetup(r: SetupResult, o: { check?: boolean; remove?: boolean }): void {
  const changed = r.files.filter((f) => f.action !== 'unchanged');
  if (o.check) return stdout(`${c('green', '✓')} setup ${r.agent} is in place (${r.files.length} file(s) in ${r.root})`);
  if (o.remove && !r.files.length) return stdout(`setup ${r.agent} was not installed here: nothing to remove`);
  for (const f of changed) stdout(`  ${f.action.padEnd(12)} ${f.path}`);
  stdout(
    `${c('green', '✓')} setup ${r.agent}${o.remove ? ' removed' : ''}: ${changed.length ? `${changed.length} file(s) changed` : 'already in place, nothing changed'} in ${r.root}`,
  );
}
