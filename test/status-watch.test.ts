/**
 * status --watch: in a real pseudo-terminal (util-linux `script`) it redraws in place and counts leases down,
 * exits 0 with the cursor restored on Ctrl-C and when the sprint is archived; through a pipe it appends one
 * plain line per change (or a JSON object per change with --json); with a coordination remote it fetches
 * every interval, so a teammate's claim shows up with nobody running fetch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, conductor, spawnConductor } from './helpers/cli.js';
import { testEnv } from './helpers/env.js';
import { artifactText } from './helpers/artifacts.js';
import { makeRepo } from './helpers/repo.js';
import { makeBare, makeClone } from './helpers/remote.js';

const GRAPH = '[{"name":"design","concurrency":"read"},{"name":"build","depends_on":["design"]}]';

/** Collects a process's output; `until` waits for a pattern, `exit` for its end. */
function watcher(child: ChildProcess) {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (re: RegExp, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!re.test(out)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re} in:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    child,
    get out() {
      return out;
    },
    until,
    exit,
  };
}

/** The CLI in a pseudo-terminal: `script` gives it a tty on stdout and stdin, and turns a written ^C into SIGINT. */
function inTerminal(repo: string, args: string[]) {
  const cmd = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', `stty cols 100 rows 40; exec ${cmd}`, '/dev/null'], {
    cwd: repo,
    env: testEnv({ CONDUCTOR_AGENT: 'watcher', TERM: 'xterm', COLUMNS: undefined }),
  });
  return Object.assign(watcher(child), { child });
}

const run = (repo: string, agent: string, ...args: string[]) => expect(conductor([...args, '--json'], { cwd: repo, agent }).code).toBe(0);

describe('status --watch in a terminal', () => {
  it('redraws in place as phases change, counts the lease down, and exits 0 when the sprint is archived', async () => {
    const repo = await makeRepo();
    run(repo, 'lead', 'start', '--phases', GRAPH);
    run(repo, 'ana', 'claim', 'design', '--ttl', '10m');
    const w = inTerminal(repo, ['status', '--watch', '--interval', '1']);
    await w.until(/design\s+running\s+ana@\S+\s+\S+ ago\s+10m left/);
    expect(w.out).toContain('\u001b[?25l'); // cursor hidden while it redraws
    run(repo, 'ana', 'complete', 'design');
    await w.until(/design\s+done/);
    // In place: the frame is redrawn by moving up over the previous one and clearing, not appended below it.
    expect(w.out).toMatch(/\u001b\[\d+A\r\u001b\[J/);
    run(repo, 'bo', 'claim', 'build', '--ttl', '80s');
    await w.until(/build\s+running\s+bo@\S+\s+\S+ ago\s+(79|80)s left/);
    await w.until(/build\s+running\s+bo@\S+\s+\S+ ago\s+(7[0-7])s left/); // counting down, with nobody changing anything
    run(repo, 'bo', 'complete', 'build');
    expect(await w.exit).toBe(0);
    expect(w.out).toMatch(/sprint \S+ is archived: every phase is done/);
    expect(w.out.lastIndexOf('\u001b[?25h')).toBeGreaterThan(w.out.lastIndexOf('\u001b[?25l'));
  }, 30_000);

  it('shows a halt, and on Ctrl-C restores the cursor and exits 0', async () => {
    const repo = await makeRepo();
    run(repo, 'lead', 'start', '--phases', '[{"name":"review"},{"name":"ship","depends_on":["review"]}]');
    const w = inTerminal(repo, ['status', '--watch']);
    await w.until(/review\s+ready/);
    run(repo, 'rev', 'claim', 'review');
    const artifact = `${repo}/review.json`;
    writeFileSync(
      artifact,
      artifactText('review', { summary: { blocking: 1 }, findings: [{ severity: 'blocking', description: 'breaks the build' }] }),
    );
    run(repo, 'rev', 'complete', 'review', '--artifact', 'review.json');
    await w.until(/■ halted by review/);
    w.child.stdin!.write('\u0003');
    expect(await w.exit).toBe(0);
    expect(w.out.lastIndexOf('\u001b[?25h')).toBeGreaterThan(w.out.lastIndexOf('\u001b[?25l'));
  }, 30_000);
});

describe('status --watch through a pipe', () => {
  it('appends a plain line per change, with no escape codes, and stops when the sprint is replaced', async () => {
    const repo = await makeRepo();
    run(repo, 'lead', 'start', '--phases', GRAPH);
    const w = watcher(spawnConductor(['status', '--watch', '--interval', '0.5'], { cwd: repo, agent: 'watcher' }));
    await w.until(/design ready\n/);
    run(repo, 'ana', 'claim', 'design');
    await w.until(/ design running ana@\S+\n/);
    run(repo, 'lead', 'start');
    expect(await w.exit).toBe(0);
    expect(w.out).not.toMatch(/\u001b/);
    expect(w.out).toMatch(/was replaced by /);
    const lines = w.out.trim().split('\n');
    expect(lines.filter((l) => / design /.test(l))).toHaveLength(2); // ready, then running: no repeats while nothing changed
  }, 30_000);

  it('prints one JSON object per change with --json', async () => {
    const repo = await makeRepo();
    run(repo, 'lead', 'start', '--phases', GRAPH);
    const w = watcher(spawnConductor(['status', '--watch', '--json', '--interval', '0.5'], { cwd: repo, agent: 'watcher' }));
    await w.until(/\}\n/);
    run(repo, 'ana', 'claim', 'design');
    await w.until(/"state":"running"/);
    run(repo, 'ana', 'complete', 'design');
    run(repo, 'ana', 'claim', 'build');
    run(repo, 'ana', 'complete', 'build');
    expect(await w.exit).toBe(0);
    const objects = w.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects[0].phases.design.state).toBe('ready');
    expect(objects.at(-1).status).toBe('archived');
  }, 30_000);
});

describe('status --watch with a coordination remote', () => {
  it("shows a teammate's claim on another clone within an interval, with no manual fetch", async () => {
    const { url } = makeBare();
    const alice = makeClone(url, 'alice');
    const bob = makeClone(url, 'bob');
    expect(alice.run(['start']).code).toBe(0);
    const w = watcher(spawnConductor(['status', '--watch', '--interval', '0.5'], { cwd: alice.dir, agent: 'alice' }));
    await w.until(/ think ready\n/);
    expect(bob.run(['claim', 'think']).code).toBe(0);
    await w.until(/ think running bob@\S+\n/);
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
  }, 30_000);
});
