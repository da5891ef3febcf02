/** A clean, deterministic environment for the processes tests spawn. */
import { SESSION_VARS } from '../../src/core/agent.js';

export function testEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('CONDUCTOR_') || k.startsWith('GIT_') || k === 'NANOSTACK_AGENT' || k === 'HUSKY') delete env[k];
  }
  for (const [k] of SESSION_VARS) delete env[k];
  // The CLI makes no TLS connections, and an extra CA bundle alone triples Node's start-up time.
  delete env.NODE_EXTRA_CA_CERTS;
  Object.assign(env, {
    GIT_AUTHOR_NAME: 'Test Agent',
    GIT_AUTHOR_EMAIL: 'agent@example.com',
    GIT_COMMITTER_NAME: 'Test Agent',
    GIT_COMMITTER_EMAIL: 'agent@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}
