/**
 * git-conductor(1), written at build time from the command tree (the same
 * definitions the CLI parses with), so the page cannot drift from the CLI.
 * Pure: specs in, roff out. Every piece of text goes through `roff()`, so a
 * description can never start a roff request or contain an escape.
 */
import type { CommandSpec, OptionSpec } from './command-tree.js';

/** Text safe in roff: backslashes escaped, hyphens literal, no line starting a request. */
export const roff = (s: string) =>
  s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/`([^`]*)`/g, '\\fB$1\\fR')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');

const EXIT_CODES: ReadonlyArray<[number, string]> = [
  [0, 'ok (also `next \\-\\-claim` when nothing can be claimed: it says why)'],
  [1, 'unexpected error, a corrupt state file or a bad remote ref (the message names it and the repair)'],
  [2, 'invalid input or usage'],
  [3, 'not available: held by another agent, lost a race, already done, no sprint'],
  [4, 'blocked: a dependency is not done, the concurrency class forbids it now, the sprint is halted, or the ship gate refused a push'],
  [5, 'the coordination remote is unreachable or refuses our refs'],
];

const ENVIRONMENT: ReadonlyArray<[string, string]> = [
  ['CONDUCTOR_AGENT', 'the agent id to act as (after `\\-\\-agent`; see `whoami`)'],
  ['CONDUCTOR_HOOKS', '0: the installed git hooks do nothing'],
  ['CONDUCTOR_SHIP_BYPASS', '1: the ship gate lets a push through and records it in the audit log'],
  ['CONDUCTOR_HOOK_TIMEOUT_MS', "the post\\-commit hook's time limit (default 10000)"],
  ['CONDUCTOR_REMOTE_TIMEOUT_MS', 'the time limit of each call to the coordination remote (default 30000)'],
  ['CONDUCTOR_DEBUG', 'print the stack of an unexpected error'],
  ['NO_COLOR, FORCE_COLOR', 'colour: human output is coloured on a terminal only'],
];

function options(opts: OptionSpec[]): string[] {
  return opts.flatMap((o) => ['.TP', `.B ${roff(o.flags)}`, roff(o.description)]);
}

export function manPage(specs: CommandSpec[], global: OptionSpec[], meta: { version: string; date: string; description: string }): string {
  const lines = [
    `.\\" Generated from the command definitions by scripts/build-from-program.mjs; do not edit.`,
    `.TH GIT\\-CONDUCTOR 1 "${meta.date}" "git\\-conductor ${roff(meta.version)}" "git\\-conductor manual"`,
    '.SH NAME',
    `git\\-conductor \\- ${roff(meta.description.replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    '.B git conductor',
    '.I command',
    '[\\fIoptions\\fR]',
    '.br',
    '.B git conductor help',
    '[\\fIcommand\\fR]',
    '.SH DESCRIPTION',
    roff(
      "A sprint is a graph of phases (by default think, plan, build, then review, security and qa, then ship). Agents and people claim a phase (exactly one wins), do the work, and complete it with a JSON artifact; the phases that depend on it unlock. State lives in the repository's common git directory; across machines it is mirrored to refs on a git remote. Every command takes `--json` (one JSON object on stdout, errors included) and `--agent`.",
    ),
    '.PP',
    roff(
      "`git conductor --help` opens this page (git turns it into `git help conductor`); `git conductor help <command>` and `git conductor <command> --help` print a command's options.",
    ),
    '.SH OPTIONS',
    ...options(global),
    '.SH COMMANDS',
  ];
  for (const s of specs) {
    lines.push('.TP', `.B git conductor ${roff(s.path)}${s.usage ? ` ${roff(s.usage)}` : ''}`, roff(s.description));
    const own = s.options.filter((o) => o.long !== '--help');
    if (own.length) lines.push('.RS', ...options(own), '.RE');
  }
  lines.push('.SH EXIT STATUS');
  for (const [code, meaning] of EXIT_CODES) lines.push('.TP', `.B ${code}`, roff(meaning).replace(/\\e-/g, '\\-'));
  lines.push('.SH ENVIRONMENT');
  for (const [name, meaning] of ENVIRONMENT) lines.push('.TP', `.B ${roff(name)}`, roff(meaning).replace(/\\e-/g, '\\-'));
  lines.push(
    '.SH FILES',
    '.TP',
    '.I <git common dir>/conductor/',
    roff("the sprint state: sprints, their phase logs, the audit log, this clone's settings"),
    '.TP',
    '.I .git\\-conductor.json',
    roff('the tracked project configuration: phase graph, lease length, protected refs'),
    '.SH SEE ALSO',
    '.BR git (1),',
    '.BR githooks (5)',
    '',
  );
  return lines.join('\n');
}
