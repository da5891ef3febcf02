/** Many real CLI processes released at the same instant, for race tests. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLI } from './cli.js';
import { testEnv } from './env.js';
import { tempDir } from './repo.js';

const RUNNER = resolve(__dirname, 'race-runner.cjs');

export interface Racer {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
  /** When this process ran the CLI, ms since epoch. */
  window: [number, number];
}

/** Starts one process per argument list, waits until all are ready, then lets them go together. */
export function race(cwd: string, argLists: string[][], env: Record<string, string | undefined> = {}): Promise<Racer[]> {
  return raceEach(argLists.map((args) => ({ cwd, args, env })));
}

/** Like race(), each process in its own directory with its own environment (e.g. one clone each). */
export async function raceEach(runsOf: { cwd: string; args: string[]; env?: Record<string, string | undefined> }[]): Promise<Racer[]> {
  const argLists = runsOf.map((r) => r.args);
  const goFile = join(tempDir('conductor-go-'), 'go');
  let ready = 0;
  let release!: () => void;
  const allReady = new Promise<void>((r) => (release = r));
  const runs = runsOf.map(
    ({ cwd, args, env }) =>
      new Promise<Racer>((done) => {
        const child = spawn(process.execPath, [RUNNER, goFile, CLI, ...args], { cwd, env: testEnv(env) });
        let stdout = '';
        let stderr = '';
        let announced = false;
        // A racer that dies before it is ready must not keep the others spinning on the go file.
        const arrive = () => {
          if (announced) return;
          announced = true;
          if (++ready === argLists.length) release();
        };
        child.stdout.on('data', (d) => {
          stdout += d;
          if (stdout.startsWith('ready\n')) arrive();
        });
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => {
          arrive();
          const out = stdout.replace(/^ready\n/, '');
          const m = /^window (\d+) (\d+)$/m.exec(stderr);
          let json: any;
          try {
            json = JSON.parse(out);
          } catch {
            json = undefined;
          }
          done({
            code: code ?? -1,
            stdout: out,
            stderr: stderr.replace(/^window .*\n/m, ''),
            json,
            window: m ? [Number(m[1]), Number(m[2])] : [0, 0],
          });
        });
      }),
  );
  await allReady;
  writeFileSync(goFile, '');
  return Promise.all(runs);
}

/** True when some other process was running while the winner ran: a real race, not a queue. */
export const overlapped = (winner: Racer, others: Racer[]) =>
  others.some((o) => o.window[0] <= winner.window[1] && o.window[1] >= winner.window[0]);
