/** What every command module uses: lazy loaders, the JSON-or-human runner, the common flags. */
import { Command, Option } from 'commander';
import { json } from '../output.js';

export const api = () => import('../../api/index.js');
export const render = () => import('../render.js');

/** Runs one command: JSON for --json, the human renderer otherwise. The environment is read here, the one layer that may. */
export function run<O, R>(call: (o: O) => Promise<R>, human: (r: R) => void | Promise<void>) {
  return async (o: O & { json?: boolean }) => {
    const r = await call({ ...o, env: process.env });
    if (o.json) json(r);
    else await human(r);
  };
}

export const withCommon = (cmd: Command) =>
  cmd.addOption(new Option('--json', 'print one JSON object on stdout (errors too)')).addOption(new Option('--agent <id>', 'act as this agent (default: see `whoami`)'));
