// Network round trips per command, over a link with injected latency: a small
// TCP proxy in front of `git daemon` on 127.0.0.1 delays every chunk by
// LATENCY_MS in each direction and counts, per connection, the git service
// asked for (upload-pack: fetch or ls-remote; receive-pack: push) and the
// request/response turns (a client burst answered by the server). The wall
// time of a claim is reported as a ratio to one raw `git push` through the
// same proxy, measured in the same run.
// Goals: claim on a fresh view = one push; a refused claim = one fetch;
// status = none; next --claim = one fetch + one push.
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { benchEnv, CLI, quick, tempDir } from './lib/bench-kit.mjs';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RUNS = quick ? 3 : 7;

/** Runs a command to completion without blocking the event loop (the proxy lives in this process). */
function run(cmd, args, cwd, env = benchEnv()) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      resolve({ code, out: out.trim(), err, ms });
    });
    child.on('error', reject);
  });
}
const ok = async (...a) => {
  const r = await run(...a);
  if (r.code !== 0) throw new Error(`${a[0]} ${a[1].join(' ')} failed (${r.code}): ${r.err}${r.out}`);
  return r;
};

/** The delaying, counting proxy. */
function startProxy(targetPort) {
  let conns = [];
  const server = createServer((client) => {
    const c = { service: '', head: '', turns: 0, last: '' };
    conns.push(c);
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    const later = (fn) => setTimeout(fn, LATENCY_MS);
    client.on('data', (d) => {
      // The request line names the service; git may write its length prefix and its text separately.
      if (!c.service) {
        c.head += d.toString('latin1');
        c.service = /git-(upload|receive)-pack/.exec(c.head)?.[0] ?? (c.head.length > 200 ? '?' : '');
      }
      if (c.last !== 'c') c.last = 'c';
      later(() => upstream.write(d));
    });
    upstream.on('data', (d) => {
      // A server answer after a client burst closes one round trip.
      if (c.last === 'c') c.turns++;
      c.last = 's';
      later(() => client.write(d));
    });
    client.on('end', () => later(() => upstream.end()));
    upstream.on('end', () => later(() => client.end()));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        take: () => {
          const taken = conns;
          conns = [];
          return taken;
        },
        close: () => server.close(),
      }),
    ),
  );
}

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

const root = tempDir('conductor-rtt-');
const daemonPort = await freePort();
const daemon = spawn(
  'git',
  [
    'daemon',
    '--reuseaddr',
    '--listen=127.0.0.1',
    `--port=${daemonPort}`,
    `--base-path=${root}`,
    '--export-all',
    '--enable=receive-pack',
    root,
  ],
  { env: benchEnv(), stdio: 'ignore', detached: true },
);
const stopDaemon = () => {
  try {
    process.kill(-daemon.pid, 'SIGKILL');
  } catch {
    // gone already
  }
};
process.on('exit', stopDaemon);
for (let i = 0; ; i++) {
  const up = await new Promise((r) => {
    const s = connect({ host: '127.0.0.1', port: daemonPort }, () => (s.destroy(), r(true)));
    s.on('error', () => r(false));
  });
  if (up) break;
  if (i > 600) throw new Error('git daemon did not start');
  await new Promise((r) => setTimeout(r, 50));
}
const proxy = await startProxy(daemonPort);

try {
  await ok('git', ['init', '-q', '--bare', join(root, 'team.git')], root);
  const url = `git://127.0.0.1:${proxy.port}/team.git`;
  const clone = async (name, agent) => {
    const dir = join(root, name);
    await ok('git', ['clone', '-q', url, dir], root);
    await ok('git', ['commit', '-q', '--allow-empty', '-m', 'initial'], dir);
    const env = benchEnv({ CONDUCTOR_AGENT: agent });
    await ok(process.execPath, [CLI, 'init', '--no-hooks'], dir, env);
    return { dir, cli: (...args) => run(process.execPath, [CLI, ...args], dir, env) };
  };
  const a = await clone('a', 'alice');
  const b = await clone('b', 'bob');
  const phases = Array.from({ length: 20 + 2 * RUNS }, (_, i) => ({ name: `p${String(i + 1).padStart(2, '0')}`, concurrency: 'read' }));
  const started = await a.cli('start', '--phases', JSON.stringify(phases));
  if (started.code !== 0) throw new Error(started.err);
  await ok('git', ['fetch', '-q'], b.dir);
  const emptyTree = (await ok('git', ['mktree'], b.dir)).out;
  let pushes = 0;
  const rawPush = async () => {
    const commit = (await ok('git', ['commit-tree', emptyTree, '-m', `bench ${++pushes}`], b.dir)).out;
    return ok('git', ['push', '-q', 'origin', `${commit}:refs/heads/bench-${pushes}`], b.dir);
  };
  let next = 0;
  const fresh = () => phases[next++].name;

  /** Runs one command with the proxy's counters reset, and what went over the wire. */
  const counted = async (label, goal, fn, expectCode = 0) => {
    proxy.take();
    const r = await fn();
    if (r.code !== expectCode) throw new Error(`${label}: exit ${r.code}, expected ${expectCode}: ${r.err}${r.out}`);
    const conns = proxy.take();
    const fetches = conns.filter((c) => c.service === 'git-upload-pack').length;
    const pushed = conns.filter((c) => c.service === 'git-receive-pack').length;
    const turns = conns.reduce((n, c) => n + c.turns, 0);
    return { label, goal, conns: conns.length, fetches, pushes: pushed, turns, ms: r.ms };
  };

  const rows = [];
  rows.push(await counted('raw git push', '(baseline)', rawPush));
  rows.push(
    await counted('raw git fetch', '(baseline)', () => run('git', ['fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*'], b.dir)),
  );
  rows.push(await counted('status', 'none', () => b.cli('status')));
  rows.push(await counted('claim, fresh view', 'one push', () => b.cli('claim', fresh())));
  const held = fresh();
  await a.cli('claim', held);
  await ok('git', ['fetch', '-q'], b.dir);
  rows.push(await counted('claim refused (held)', 'one fetch', () => b.cli('claim', held), 3));
  let took;
  rows.push(
    await counted('next --claim', 'one fetch + one push', async () => {
      const r = await b.cli('next', '--claim', '--json');
      took = JSON.parse(r.out || '{}').claimed?.phase;
      return r;
    }),
  );
  if (took !== phases[next].name) throw new Error(`next --claim took ${took}, expected the first free phase ${phases[next].name}`);
  next++;
  // Not a goal, for the record: a claim made on a stale view loses its push, then fetches and names the winner.
  const raced = fresh();
  await a.cli('claim', raced);
  rows.push(await counted('claim lost (stale view)', '(push, then fetch)', () => b.cli('claim', raced), 3));

  // Wall time: claims on a fresh view against raw pushes, interleaved, through the same proxy.
  const claims = [];
  const raw = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push((await ok(process.execPath, ['-e', '0'], b.dir)).ms);
    raw.push((await rawPush()).ms);
    const r = await b.cli('claim', fresh());
    if (r.code !== 0) throw new Error(r.err);
    claims.push(r.ms);
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const push = rows[0];

  console.log(`round trips per command, git daemon behind a proxy adding ${LATENCY_MS} ms each way`);
  console.log('command                  conns  fetch  push  round trips  = raw pushes  goal');
  for (const r of rows) {
    const ratio = (r.turns / push.turns).toFixed(2);
    console.log(
      `${r.label.padEnd(24)} ${String(r.conns).padStart(5)}  ${String(r.fetches).padStart(5)}  ${String(r.pushes).padStart(4)}  ${String(r.turns).padStart(11)}  ${ratio.padStart(12)}  ${r.goal}`,
    );
  }
  const verdict = (r, want) => (r.fetches === want.fetch && r.pushes === want.push ? 'MET' : 'NOT MET');
  const by = (l) => rows.find((r) => r.label === l);
  console.log(
    `goals: status ${verdict(by('status'), { fetch: 0, push: 0 })}; claim ${verdict(by('claim, fresh view'), { fetch: 0, push: 1 })}; refused claim ${verdict(by('claim refused (held)'), { fetch: 1, push: 0 })}; next --claim ${verdict(by('next --claim'), { fetch: 1, push: 1 })}`,
  );
  const [c, p, f] = [median(claims), median(raw), median(floor)];
  console.log(
    `claim / raw git push at this latency = ${(c / p).toFixed(2)}x wall time; claim = raw push + ${((c - p) / f).toFixed(2)}x node -e 0 (${RUNS} interleaved runs, medians)`,
  );
} finally {
  proxy.close();
  stopDaemon();
}
