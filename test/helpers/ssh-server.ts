/**
 * An OpenSSH server on 127.0.0.1 for the transport tests: a throwaway host key
 * and user key made for this run, sshd in the foreground (a child in its own
 * process group, stopped with the other servers) with its own config, and a
 * known_hosts file holding exactly that host key, so the client checks it
 * strictly and never prompts. Git reaches it through `core.sshCommand` (what
 * GIT_SSH_COMMAND sets), which names the key and the known_hosts file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './repo.js';
import { findProgram, startServer, type ServerProcess } from './server-process.js';

export interface SshServer {
  /** `ssh://user@127.0.0.1:port/<absolute path>` for a repository on this machine. */
  url: (absPath: string) => string;
  /** The ssh command line for git (core.sshCommand / GIT_SSH_COMMAND). */
  sshCommand: string;
  stop: () => Promise<void>;
}

/** Why sshd cannot run here, or undefined when it can. */
export function sshUnavailable(): string | undefined {
  if (!findProgram('sshd')) return 'sshd not found (apt-get install -y openssh-server)';
  if (!findProgram('ssh-keygen') || !findProgram('ssh')) return 'ssh client not found (apt-get install -y openssh-client)';
  // sshd refuses to start without its privilege separation directory.
  if (!existsSync('/run/sshd')) {
    try {
      mkdirSync('/run/sshd', { mode: 0o755 });
    } catch {
      return '/run/sshd is missing and cannot be created (run as root, or create it)';
    }
  }
  return undefined;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'conductor-test', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

export async function startSshServer(): Promise<SshServer> {
  const why = sshUnavailable();
  if (why) throw new Error(`cannot start sshd: ${why}`);
  const dir = tempDir('conductor-sshd-');
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  keygen(hostKey);
  keygen(userKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`));
  const user = userInfo().username;
  const home = join(dir, 'home');
  mkdirSync(home);
  const config = join(dir, 'sshd_config');
  const log = join(dir, 'sshd.log');
  const configFor = (port: number) =>
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      // The keys live under the temp directory, which is world-writable: sshd's ownership checks would refuse them.
      'StrictModes no',
      // CI runs as root: only the throwaway key may log in, never a password.
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      `AllowUsers ${user}`,
      // The session's shell would read the account's own start-up files (~/.bashrc can take longer than the push):
      // give it an empty home, which also keeps the account's git config away from the server side.
      `SetEnv HOME=${home}`,
      'PidFile none',
      'MaxStartups 100:30:200',
      'MaxSessions 100',
      'LogLevel ERROR',
    ].join('\n') + '\n';
  let server: ServerProcess | undefined;
  server = await startServer(
    'sshd',
    findProgram('sshd')!,
    (port) => {
      writeFileSync(config, configFor(port));
      return ['-D', '-f', config, '-E', log];
    },
    log,
  );
  const port = server.port;
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  const sshCommand = [
    'ssh',
    '-F /dev/null',
    `-i ${userKey}`,
    '-o IdentitiesOnly=yes',
    `-o UserKnownHostsFile=${knownHosts}`,
    '-o StrictHostKeyChecking=yes',
    '-o BatchMode=yes',
    '-o LogLevel=ERROR',
  ].join(' ');
  return {
    url: (absPath) => `ssh://${user}@127.0.0.1:${port}${absPath}`,
    sshCommand,
    stop: () => server!.stop(),
  };
}
