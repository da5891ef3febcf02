/**
 * The server's pre-receive hook file: our stub in the repository's hooks
 * directory, with a pre-receive that was there before moved to
 * `pre-receive.pre-conductor` (renamed: same bytes, same mode) and run after
 * ours with the same stdin. Uninstall renames it back, so the directory is
 * byte for byte what it was. Installing twice changes nothing.
 *
 * The stub names the CLI that installed it by absolute path (node and the
 * script): a server's hook runs under sshd, a web server or git daemon, whose
 * PATH rarely holds node. It falls back to `git-conductor` on PATH, and when
 * neither is there it refuses the push saying so: an enforcement hook that
 * cannot run must not let everything through.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHAINED_SUFFIX,
  installChained,
  pathExists as exists,
  readHookText as readText,
  uninstallChained,
  type ChainedResult,
} from '../hooks/chained-file.js';

export const HOOK = 'pre-receive';
const START = '# >>> git-conductor pre-receive\n';
const END = '# <<< git-conductor pre-receive\n';

export interface CliLocation {
  node: string;
  script: string;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function stubText(cli: CliLocation): string {
  return `#!/bin/sh
# git-conductor pre-receive hook (server side). Refuses pushes to protected
# refs while the sprint this repository holds is not ready to ship, and any
# update of refs/conductor/* that is not a valid append. Whatever the client
# ran or skipped: --no-verify and CONDUCTOR_HOOKS=0 do not reach it.
# Installed by 'git conductor server install'; 'git conductor server uninstall'
# restores exactly what was here before.
${START}conductor_node=${sq(cli.node)}
conductor_cli=${sq(cli.script)}
conductor_run() {
  if [ -x "$conductor_node" ] && [ -f "$conductor_cli" ]; then
    "$conductor_node" "$conductor_cli" server pre-receive
  elif command -v git-conductor >/dev/null 2>&1; then
    git-conductor server pre-receive
  else
    echo "git-conductor: this server's pre-receive hook cannot find the git-conductor CLI ($conductor_cli, or git-conductor on PATH), so it refuses the push: reinstall git-conductor on the server and run 'git conductor server install' again" >&2
    return 1
  fi
}
# Nothing to chain: the CLI reads git's stdin itself.
if [ ! -x "$0${CHAINED_SUFFIX}" ]; then
  conductor_run
  exit $?
fi
# Only one reader gets git's stdin: keep a copy for the hook that was here before.
conductor_in=$(mktemp "\${TMPDIR:-/tmp}/git-conductor-receive.XXXXXX") || exit 1
cat > "$conductor_in"
conductor_run < "$conductor_in"
conductor_code=$?
if [ "$conductor_code" = 0 ]; then
  "$0${CHAINED_SUFFIX}" "$@" < "$conductor_in"
  conductor_code=$?
fi
rm -f "$conductor_in"
exit "$conductor_code"
${END}`;
}

const isOurs = (text: string | undefined) => text !== undefined && text.includes(START) && text.includes(END);

/** The CLI a stub names, if `text` is our stub. */
export function stubCli(text: string | undefined): CliLocation | undefined {
  if (!isOurs(text)) return undefined;
  const get = (name: string) => /^'(.*)'$/.exec(new RegExp(`^${name}=(.*)$`, 'm').exec(text!)?.[1] ?? '')?.[1]?.replace(/'\\''/g, "'");
  const node = get('conductor_node');
  const script = get('conductor_cli');
  return node && script ? { node, script } : undefined;
}

export type { HookAction } from '../hooks/chained-file.js';
export type HookFileResult = ChainedResult;

export function installStub(hooksDir: string, cli: CliLocation): HookFileResult {
  return installChained(join(hooksDir, HOOK), stubText(cli), isOurs, 'git conductor server install');
}

export function uninstallStub(hooksDir: string): HookFileResult {
  return uninstallChained(join(hooksDir, HOOK), isOurs, `${HOOK} is not ours`);
}

export type HookState = 'installed' | 'outdated' | 'missing' | 'foreign';

export function stubState(
  hooksDir: string,
  cli: CliLocation,
): { file: string; state: HookState; chained?: string; cli?: CliLocation; cli_found: boolean } {
  const file = join(hooksDir, HOOK);
  const current = readText(file);
  const chained = exists(file + CHAINED_SUFFIX) ? file + CHAINED_SUFFIX : undefined;
  const named = stubCli(current);
  const cli_found = !!named && existsSync(named.node) && existsSync(named.script);
  const state: HookState =
    current === undefined ? 'missing' : !isOurs(current) ? 'foreign' : current === stubText(cli) ? 'installed' : 'outdated';
  return { file, state, chained, cli: named, cli_found };
}
