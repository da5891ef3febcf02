/**
 * What `setup <agent>` writes for each coding agent, in one table: its skill
 * or rules file, its hooks where it has them, its MCP registration, and the
 * AGENTS.md / GEMINI.md block. Paths are relative to the repository's top, or
 * to the home directory with --user.
 */
import type { Edit, JsonObject } from './edits.js';
import { addFlatHook, addHookGroup, deleteKey, removeFlatHook, removeHookGroup, setKey } from './edits.js';

export const SETUP_AGENTS = ['claude', 'codex', 'cursor', 'opencode', 'gemini'] as const;
export type SetupAgent = (typeof SETUP_AGENTS)[number];

export interface SpecInput {
  agent: SetupAgent;
  user: boolean;
  mcp: boolean;
  /** templates/SKILL.md, frontmatter included. */
  skill: string;
}

export const SERVER_NAME = 'git-conductor';
export const hookCommand = (agent: SetupAgent, event: 'session-start' | 'stop') => `git conductor agent-hook ${event} --tool ${agent}`;
const MCP = { command: 'git', args: ['conductor', 'mcp'] };

/** Claude Code, Codex and Gemini CLI share the hook shape: event -> [{matcher, hooks: [{type, command}]}]. */
function hookEdit(path: string, agent: SetupAgent, events: Array<[string, 'session-start' | 'stop', string | undefined]>): Edit {
  return {
    kind: 'json',
    path,
    merge: (o) => events.forEach(([ev, what, matcher]) => addHookGroup(o, ev, hookCommand(agent, what), matcher)),
    unmerge: (o) => events.forEach(([ev, what]) => removeHookGroup(o, ev, hookCommand(agent, what))),
  };
}

const mcpServersEdit = (path: string): Edit => ({
  kind: 'json',
  path,
  merge: (o: JsonObject) => setKey(o, 'mcpServers', SERVER_NAME, MCP),
  unmerge: (o: JsonObject) => deleteKey(o, 'mcpServers', SERVER_NAME),
});

const agentsBlock = (path: string, more = ''): Edit => ({
  kind: 'block',
  path,
  body:
    more +
    [
      '## Sprint coordination (git-conductor)',
      '',
      'Several agents share this repository through `git conductor`. Before working on a phase, run',
      '`git conductor prime` (who you are, what you hold, what to do next); take work with',
      '`git conductor next --claim --json`, finish it with `git conductor complete <phase> --artifact .conductor/<phase>.json --json`,',
      'and never work on a phase you do not hold. The full rules are in the git-conductor skill.',
    ].join('\n'),
});

const skillBody = (skill: string) => skill.replace(/^---\n[\s\S]*?\n---\n/, '');

/** A skill's body under Cursor's rule frontmatter. */
function cursorRule(skill: string): string {
  const body = skillBody(skill);
  const description = /\ndescription: (.*)\n/.exec(skill)?.[1] ?? 'Take part in a git-conductor sprint';
  return `---\ndescription: ${description}\nalwaysApply: false\n---\n${body}`;
}

export function editsFor(s: SpecInput): Edit[] {
  const startMatch = 'startup|resume|clear|compact';
  switch (s.agent) {
    case 'claude':
      return [
        { kind: 'file', path: '.claude/skills/git-conductor/SKILL.md', content: s.skill },
        hookEdit('.claude/settings.json', 'claude', [
          ['SessionStart', 'session-start', startMatch],
          ['Stop', 'stop', undefined],
        ]),
        ...(s.mcp ? [mcpServersEdit(s.user ? '.claude.json' : '.mcp.json')] : []),
      ];
    case 'codex':
      return [
        { kind: 'file', path: '.agents/skills/git-conductor/SKILL.md', content: s.skill },
        hookEdit('.codex/hooks.json', 'codex', [
          ['SessionStart', 'session-start', startMatch],
          ['Stop', 'stop', undefined],
        ]),
        ...(s.user ? [] : [agentsBlock('AGENTS.md')]),
        ...(s.mcp
          ? [
              {
                kind: 'toml' as const,
                path: '.codex/config.toml',
                table: `mcp_servers.${SERVER_NAME}`,
                key: ['mcp_servers', SERVER_NAME],
                body: `command = "git"\nargs = ["conductor", "mcp"]\n`,
              },
            ]
          : []),
      ];
    case 'cursor':
      return [
        { kind: 'file', path: '.cursor/rules/git-conductor.mdc', content: cursorRule(s.skill) },
        {
          kind: 'json',
          path: '.cursor/hooks.json',
          merge: (o) => addFlatHook(o, 'stop', hookCommand('cursor', 'stop')),
          unmerge: (o) => removeFlatHook(o, 'stop', hookCommand('cursor', 'stop')),
        },
        ...(s.user ? [] : [agentsBlock('AGENTS.md')]),
        ...(s.mcp ? [mcpServersEdit('.cursor/mcp.json')] : []),
      ];
    case 'opencode':
      return [
        {
          kind: 'file',
          path: s.user ? '.config/opencode/skills/git-conductor/SKILL.md' : '.opencode/skills/git-conductor/SKILL.md',
          content: s.skill,
        },
        ...(s.user ? [] : [agentsBlock('AGENTS.md')]),
        ...(s.mcp
          ? [
              {
                kind: 'json' as const,
                path: s.user ? '.config/opencode/opencode.json' : 'opencode.json',
                merge: (o: JsonObject) => {
                  if (o.$schema === undefined) o.$schema = 'https://opencode.ai/config.json';
                  setKey(o, 'mcp', SERVER_NAME, { type: 'local', command: ['git', 'conductor', 'mcp'], enabled: true });
                },
                unmerge: (o: JsonObject) => {
                  deleteKey(o, 'mcp', SERVER_NAME);
                  if (o.$schema === 'https://opencode.ai/config.json' && Object.keys(o).length === 1) delete o.$schema;
                },
              },
            ]
          : []),
      ];
    case 'gemini':
      return [
        // Gemini CLI has no skills: its context file carries the whole skill.
        agentsBlock(s.user ? '.gemini/GEMINI.md' : 'GEMINI.md', skillBody(s.skill).trim() + '\n\n'),
        hookEdit('.gemini/settings.json', 'gemini', [['SessionStart', 'session-start', 'startup|resume|clear']]),
        ...(s.mcp ? [mcpServersEdit('.gemini/settings.json')] : []),
      ];
  }
}
