/**
 * Which long-lived process a command belongs to, read from /proc. Invariant:
 * every command one agent session runs finds the same anchor, and two agent
 * sessions (or two terminals) find different ones, even when the harness
 * starts each command in a fresh process session (`setsid`).
 *
 * Why it holds:
 * - A terminal session (one with a controlling terminal, led by an
 *   interactive shell) is what a person types into: the anchor is its leader.
 *   Two terminals are two sessions, so two anchors.
 * - Otherwise the command was started by a program. The anchor is the nearest
 *   ancestor that is not a one-shot helper: shells running a command string or
 *   a script (`sh -c …`, `bash script.sh`), git, setsid, env, npm and the like
 *   are made per command and skipped; the first other process is the harness.
 * - A process is named by its pid, its start time (clock ticks since boot) and
 *   the boot id, so a reused pid or a reboot never makes a new process look
 *   like an old one. Both rules name the process the same way, so a command
 *   started with `setsid` from a terminal's shell is still that terminal.
 * An anchor that would be pid 1 or a service manager (where orphans are
 * reparented, so every orphan would share it), or no /proc at all, is
 * reported as not stable: the caller says so.
 */
import { readFileSync } from 'node:fs';

export interface Anchor {
  /** Opaque, stable name of the anchor process (or the fallback). */
  key: string;
  /** terminal: the terminal session; harness: the program that started the command; fallback: no /proc. */
  kind: 'terminal' | 'harness' | 'fallback';
  stable: boolean;
  /** For people: which process it is, e.g. "node (pid 4242)". */
  what: string;
}

interface Proc {
  pid: number;
  comm: string;
  ppid: number;
  sid: number;
  tty: number;
  start: string;
}

const MAX_DEPTH = 64;

function readProc(pid: number | 'self'): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const f = stat.slice(close + 2).split(' ');
    return {
      pid: Number(stat.slice(0, stat.indexOf(' '))),
      comm: stat.slice(stat.indexOf('(') + 1, close),
      ppid: Number(f[1]),
      sid: Number(f[3]),
      tty: Number(f[4]),
      start: f[19] ?? '',
    };
  } catch {
    return undefined;
  }
}

function argv(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'busybox']);
/** Helpers made per command: never the agent. */
const HELPERS = new Set([
  'git',
  'setsid',
  'env',
  'nice',
  'nohup',
  'timeout',
  'stdbuf',
  'xargs',
  'time',
  'sudo',
  'su',
  'doas',
  'script',
  'npm',
  'npx',
  'pnpm',
  'yarn',
  'git-conductor',
  'flock',
  'ionice',
  'chrt',
  'taskset',
  'unshare',
  'strace',
  'ltrace',
]);
const MANAGERS = new Set([
  'systemd',
  'init',
  'launchd',
  'tini',
  'dumb-init',
  'docker-init',
  'catatonit',
  'containerd-shim',
  'supervisord',
  'runsv',
  's6-supervise',
]);

/** A shell that runs a command string or a script ends with it: it is not where the agent lives. */
function isOneShotShell(p: Proc): boolean {
  const all = argv(p.pid);
  // A script run by its #! line (a git hook) is named after the script; its argv[0] is still the shell.
  const shell = (s: string | undefined) => !!s && SHELLS.has(s.replace(/^-/, '').replace(/^.*\//, ''));
  if (!shell(p.comm) && !shell(all[0])) return false;
  const args = all.slice(1);
  return (
    args.some((a) => a === '-c' || (a.startsWith('-') && !a.startsWith('--') && a.includes('c'))) || args.some((a) => !a.startsWith('-'))
  );
}

const isHelper = (p: Proc) => HELPERS.has(p.comm) || /^npm /.test(p.comm) || isOneShotShell(p);

let bootId: string | undefined;
const boot = () =>
  (bootId ??= (() => {
    try {
      return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      return 'noboot';
    }
  })());

const nameOf = (p: Proc) => `${boot()}:${p.pid}:${p.start}`;

/** The anchor of the calling process; `env` only for systems without /proc. */
export function findAnchor(env: Record<string, string | undefined>): Anchor {
  const self = readProc('self');
  if (!self) return fallback(env);
  const leader = self.sid > 0 ? readProc(self.sid) : undefined;
  if (self.tty !== 0 && leader && !isHelper(leader) && leader.pid !== self.pid) {
    return { key: nameOf(leader), kind: 'terminal', stable: true, what: `${leader.comm} (pid ${leader.pid})` };
  }
  let p: Proc | undefined = self;
  for (let i = 0; i < MAX_DEPTH && p; i++) {
    const parent: Proc | undefined = p.ppid > 0 ? readProc(p.ppid) : undefined;
    if (!parent) break;
    // Orphans are adopted by pid 1 (or a service manager): every orphan on the machine would share it, so it
    // never anchors, even when it is a harness running as a container's first process (that one binds an id).
    if (parent.pid === 1 || MANAGERS.has(parent.comm)) {
      return {
        key: `orphan:${nameOf(p)}`,
        kind: 'harness',
        stable: false,
        what: `no long-lived parent (${parent.comm}, pid ${parent.pid}, adopted this command)`,
      };
    }
    if (!isHelper(parent)) return { key: nameOf(parent), kind: 'harness', stable: true, what: `${parent.comm} (pid ${parent.pid})` };
    p = parent;
  }
  return { key: `top:${nameOf(p ?? self)}`, kind: 'harness', stable: false, what: 'no long-lived ancestor found' };
}

function fallback(env: Record<string, string | undefined>): Anchor {
  const term = env.TERM_SESSION_ID ?? env.TMUX_PANE;
  if (term) return { key: `term:${term}`, kind: 'terminal', stable: true, what: env.TERM_SESSION_ID ? 'TERM_SESSION_ID' : 'TMUX_PANE' };
  return { key: `ppid:${process.ppid}`, kind: 'fallback', stable: false, what: `parent process ${process.ppid} (no /proc here)` };
}
