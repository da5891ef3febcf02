// The demo's plumbing: a throwaway directory of "machines" sharing one bare
// remote, the real CLI run as separate processes (as `git conductor …`, found
// on PATH the way the hooks find it), real races, and checks that make the
// demo exit non-zero when an expected outcome does not happen.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeShim } from './lib/bench-kit.mjs';
import { delimiter, dirname, join, resolve } from 'node:path';

export const CLI = resolve(import.meta.dirname, '../dist/cli.cjs');

const color = !!process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const sgr = (code) => (s) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
export const bold = sgr(1);
export const dim = sgr(2);
export const green = sgr(32);
export const red = sgr(31);
export const cyan = sgr(36);

let stepNo = 0;
export const step = (title) => console.log(`\n${bold(`${++stepNo}. ${title}`)}`);
export const note = (s) => console.log(dim(`   ${s}`));
const indent = (s) => s.replace(/\s+$/, '').replace(/^/gm, '      ');

export class DemoFailure extends Error {}
const checks = [];
/** An expected outcome: printed when it holds, fatal when it does not. */
export function expectThat(ok, what, detail = '') {
  if (!ok) throw new DemoFailure(`expected: ${what}${detail ? `\n${detail}` : ''}`);
  checks.push(what);
  console.log(`   ${green('✓')} ${what}`);
}
export const checkCount = () => checks.length;

/**
 * A private world: a temp root, a `git-conductor` shim on PATH (so `git
 * conductor` and the installed hooks run this checkout's build), and a git
 * config of its own so the user's settings cannot change the outcome.
 */
export function makeWorld() {
  const root = mkdtempSync(join(tmpdir(), 'conductor-demo-'));
  const bin = writeShim(root, CLI);
  const gitconfig = join(root, 'gitconfig');
  writeFileSync(
    gitconfig,
    '[user]\n\tname = Demo\n\temail = demo@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n',
  );
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    // Inherited identities and repository overrides would change who acts and where.
    if (/^(CONDUCTOR_|GIT_)/.test(k) || /_SESSION_ID$/.test(k) || k === 'NANOSTACK_AGENT' || k === 'HUSKY') delete env[k];
  }
  // No TLS is needed, and the extra CA bundle alone triples Node's start-up time.
  delete env.NODE_EXTRA_CA_CERTS;
  Object.assign(env, {
    PATH: [bin, env.PATH ?? ''].join(delimiter),
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    ...(color ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' }),
  });
  return { root, env };
}

/** One clone (or worktree) of the shared repository, on a named machine. */
export class Machine {
  constructor(world, name, dir) {
    this.world = world;
    this.name = name;
    this.dir = dir;
  }
  /** Runs a program here, as `agent` (CONDUCTOR_AGENT, as an agent's shell would set it). */
  run(cmd, args, { agent, env = {}, input } = {}) {
    const r = spawnSync(cmd, args, {
      cwd: this.dir,
      env: { ...this.world.env, ...(agent ? { CONDUCTOR_AGENT: agent } : {}), ...env },
      encoding: 'utf8',
      input,
    });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}${r.stderr}` };
  }
  /** git, failing the demo when it fails. */
  git(...args) {
    const r = this.run('git', args);
    if (r.code !== 0) throw new DemoFailure(`git ${args.join(' ')} failed in ${this.name} (exit ${r.code}): ${r.stderr}`);
    return r.stdout.trim();
  }
  /** `git conductor …` with --json: the parsed result, for checks. */
  json(agent, ...args) {
    const r = this.run('git', ['conductor', ...args, '--json'], { agent });
    let json;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      throw new DemoFailure(`git conductor ${args.join(' ')} printed no JSON in ${this.name} (exit ${r.code}): ${r.out}`);
    }
    return { ...r, json };
  }
  /** Shows a command and its output, the way a person at this machine would see it. */
  show(agent, cmd, args, opts = {}) {
    const shown = [cmd, ...args].map((a) => (/[\s"]/.test(a) ? `'${a}'` : a)).join(' ');
    console.log(`   ${cyan(this.name)} ${dim(`${agent ?? ''}$`)} ${shown}`);
    const r = this.run(cmd, args, { agent, ...opts });
    if (r.out.trim()) console.log(indent(r.out));
    if (r.code !== 0) console.log(`      ${dim(`(exit ${r.code})`)}`);
    return r;
  }
  conductor(agent, ...args) {
    return this.show(agent, 'git', ['conductor', ...args]);
  }
  /** Writes a file in this work tree (an artifact, some code); returns its path. */
  write(rel, content) {
    const file = join(this.dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    return file;
  }
}

// Each racer pays Node's start-up cost first, says "ready", then spins on a
// shared go-file: the claims themselves start within a millisecond or so.
const RACER = `const fs=require('node:fs');const [go,cli,...a]=process.argv.slice(1);
const nap=new Int32Array(new SharedArrayBuffer(4));process.stdout.write('ready\\n');
while(!fs.existsSync(go))Atomics.wait(nap,0,0,1);process.argv=[process.argv[0],cli,...a];require(cli);`;

/** Real processes, one per entry, released at the same instant: [{machine, agent, args}] → results with exit code and JSON. */
export async function race(world, entries) {
  const go = join(mkdtempSync(join(world.root, 'go-')), 'go');
  let ready = 0;
  let release;
  const allReady = new Promise((r) => (release = r));
  const runs = entries.map(
    ({ machine, agent, args }) =>
      new Promise((done, fail) => {
        const child = spawn(process.execPath, ['-e', RACER, go, CLI, ...args, '--json'], {
          cwd: machine.dir,
          env: { ...world.env, CONDUCTOR_AGENT: agent },
        });
        let stdout = '';
        let stderr = '';
        let announced = false;
        // A racer that dies before it is ready must not hold the others back.
        const arrive = () => {
          if (!announced && (announced = true) && ++ready === entries.length) release();
        };
        child.stdout.on('data', (d) => {
          stdout += d;
          if (stdout.startsWith('ready\n')) arrive();
        });
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', fail);
        child.on('close', (code) => {
          arrive();
          const out = stdout.replace(/^ready\n/, '');
          let json = {};
          try {
            json = JSON.parse(out);
          } catch {
            // reported below through the exit code and the raw output
          }
          done({ machine, agent, args, code: code ?? -1, json, out: `${out}${stderr}` });
        });
      }),
  );
  await allReady;
  writeFileSync(go, '');
  return Promise.all(runs);
}
