/** The agent-facing commands: prime, agent-hook (what the hooks `setup` installs run), setup, mcp. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { Command, CommanderError } from 'commander';
import { json, stderr, write } from '../output.js';
import { api, run, withCommon } from './shared.js';

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
      run((await api()).prime, (r) => write(1, o.hookJson ? JSON.stringify({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: r.text } }) + '\n' : r.text + '\n'))({ ...o, json: o.json && !o.hookJson }),
    );

  withCommon(program.command('setup <agent>'))
    .description(`install the skill, hooks and instructions a coding agent needs (${TOOLS.join(', ')}); --remove undoes it exactly`)
    .option('--check', 'report what differs from what setup writes (exit 1 when anything does)')
    .option('--remove', 'undo: restore every file setup changed, byte for byte, and delete the ones it created')
    .option('--mcp', "also register the MCP server ('git conductor mcp') in the agent's MCP config")
    .option('--user', "the agent's configuration in your home directory, not the repository's")
    .action(async (agent: string, o) =>
      run((await api()).setup, async (r) => (await import('../render-agents.js')).renderSetup(r, o))({ ...o, agent: toolArg(agent), home: homedir() }),
    );

  program
    .command('mcp')
    .description('serve the sprint as MCP tools over stdio (status, next, claim, renew, complete, abort, artifact_show, prime)')
    .option('--agent <id>', 'act as this agent in every call (default: the environment, or the rule of `whoami`)')
    .action(async (o: { agent?: string }) => (await api()).serveMcp({ cwd: process.cwd(), agent: o.agent, env: process.env, version: process.env.CONDUCTOR_VERSION ?? '0.1.0' }));

  program
    .command('agent-hook <event>')
    .description('run by the agent hooks that setup installs: session-start (bind the id, print the prime) or stop (remind once of a held phase)')
    .requiredOption('--tool <agent>', `the agent: ${TOOLS.join(', ')}`, toolArg)
    .option('--agent <id>', 'act as this agent')
    .action(async (event: string, o: { tool: string; agent?: string }) => {
      if (event !== 'session-start' && event !== 'stop') throw new CommanderError(2, 'E_USAGE', `unknown agent hook event ${JSON.stringify(event)}: use session-start or stop`);
      try {
        const r = await (await api()).agentHook({ event, tool: o.tool as never, agent: o.agent, input: stdinText(), envFile: process.env.CLAUDE_ENV_FILE || undefined, env: process.env });
        if (r.output) json(r.output);
      } catch (e) {
        // A hook never stops the agent's session: say what went wrong and let it carry on.
        stderr(`git-conductor - agent hook ${event}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
}
