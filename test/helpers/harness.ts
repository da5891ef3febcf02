/** Drives test/helpers/harness.cjs: one long-lived stand-in agent process whose every command gets its own process session. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { CLI } from './cli.js';
import { testEnv } from './env.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

export class Harness {
  private child: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  readonly ready: Promise<void>;

  constructor(cwd: string, env: Record<string, string | undefined> = {}) {
    this.child = spawn(process.execPath, [resolve(__dirname, 'harness.cjs')], {
      cwd,
      env: testEnv({ NODE_EXTRA_CA_CERTS: undefined, ...env }),
    });
    let readyNow!: () => void;
    this.ready = new Promise((r) => (readyNow = r));
    this.waiting.push(() => readyNow());
    this.child.stdout.on('data', (d) => {
      this.buf += d;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        this.waiting.shift()?.(line);
      }
    });
  }

  /** Runs a shell command line in a fresh session; `gc` stands for the CLI. */
  async sh(cmd: string): Promise<Ran> {
    await this.ready;
    const line = new Promise<string>((r) => this.waiting.push(r));
    this.child.stdin.write(cmd.replaceAll('gc ', `'${process.execPath}' '${CLI}' `) + '\n');
    const r = JSON.parse(await line) as Omit<Ran, 'json'>;
    let json: unknown;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = undefined;
    }
    return { ...r, json };
  }

  get pid(): number {
    return this.child.pid!;
  }

  stop(): void {
    this.child.stdin.end();
  }
}
