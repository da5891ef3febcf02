/**
 * The program's visible commands and options as plain data: what the man page
 * and the shell completions are written from, so neither can drift from the
 * definitions commander parses with. Pure: a commander program in, data out.
 */
import type { Command } from 'commander';

export interface OptionSpec {
  flags: string;
  long?: string;
  short?: string;
  /** Takes a value (`--ttl <duration>`). */
  valued: boolean;
  description: string;
}

export interface CommandSpec {
  /** `claim`, or `hooks install` for a subcommand. */
  path: string;
  usage: string;
  description: string;
  options: OptionSpec[];
  subcommands: string[];
  /** Names of its positional arguments, e.g. ['phase']. */
  args: string[];
}

export function optionSpecs(cmd: Command): OptionSpec[] {
  return cmd
    .createHelp()
    .visibleOptions(cmd)
    .map((o) => ({
      flags: o.flags,
      long: o.long,
      short: o.short,
      valued: o.required || o.optional,
      description: o.description,
    }));
}

/** Every visible command, depth first, in the order `--help` lists them. */
export function commandSpecs(program: Command): CommandSpec[] {
  const out: CommandSpec[] = [];
  const walk = (cmd: Command, prefix: string) => {
    for (const c of cmd.createHelp().visibleCommands(cmd)) {
      const path = prefix ? `${prefix} ${c.name()}` : c.name();
      const subs = c
        .createHelp()
        .visibleCommands(c)
        .filter((s) => s.name() !== 'help');
      out.push({
        path,
        usage: c.usage(),
        description: c.description(),
        options: optionSpecs(c),
        subcommands: subs.map((s) => s.name()),
        args: c.registeredArguments.map((a) => a.name()),
      });
      if (subs.length) walk(c, path);
    }
  };
  walk(program, '');
  return out;
}
