/**
 * status --watch: the status view kept current until the sprint is archived
 * (or replaced by a new one) or Ctrl-C. On a terminal it redraws in place
 * every second (leases count down) and at once when the state directory
 * changes; elsewhere it appends one plain line per phase whose state changed.
 * With a coordination remote it fetches every interval. Whatever ends it, the
 * cursor is shown again and the exit code is 0.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { StatusResult } from '../../api/index.js';
import { color as c, isStdoutTerminal, json, stdout, terminalWidth, write } from '../output.js';
import { statusLines } from './status.js';
import { api } from './shared.js';

export interface WatchOptions {
  json?: boolean;
  agent?: string;
  /** Seconds between fetches of the coordination remote (and polls, should watching the directory fail). */
  interval: number;
}

const HIDE = '\u001b[?25l';
const SHOW = '\u001b[?25h';

/** What counts as a change worth a line: states and holders, not the clock. */
const phaseLine = (p: StatusResult['phases'][string]) =>
  [
    p.state,
    p.agent ? `${p.agent}@${p.host}` : '',
    p.excluded_by ? `waits for ${p.excluded_by}` : '',
    p.expired ? 'expired' : '',
    p.halt ?? '',
  ]
    .filter(Boolean)
    .join(' ');

export async function watchStatus(o: WatchOptions): Promise<void> {
  const lib = await api();
  const tty = !o.json && isStdoutTerminal();
  let sprintId: string | undefined;
  let drawn = 0;
  let last = new Map<string, string>();
  let lastFetch = 0;
  let problem = '';
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let stopped = false;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    watcher?.close();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    if (tty) write(1, SHOW);
    finish();
  };

  const draw = (r: StatusResult, now: number) => {
    if (!tty) {
      // Appended output, for a log or a pipe: only what changed since the last look.
      const seen = last;
      last = new Map([
        ...Object.values(r.phases).map((p) => [p.name, phaseLine(p)] as const),
        ...(r.halted ? ([['halt', '']] as const) : []),
      ]);
      const changed = Object.values(r.phases).filter((p) => seen.get(p.name) !== phaseLine(p));
      if (o.json) return changed.length ? json(r) : undefined;
      for (const p of changed) stdout(`${new Date(now).toISOString()} ${p.name} ${phaseLine(p)}`);
      if (r.halted && !seen.has('halt')) stdout(`${new Date(now).toISOString()} sprint halted by ${r.halted.phase}: ${r.halted.reason}`);
      return;
    }
    const footer = c(
      'dim',
      `watching: redrawn on every change${r.remote ? `, fetched every ${o.interval}s` : ''}; Ctrl-C to stop${problem ? ` (${problem})` : ''}`,
    );
    const lines = [...statusLines(r, now, terminalWidth()), footer];
    // Back to the top of the previous frame, clear it, draw the new one.
    write(1, `${drawn ? `\u001b[${drawn}A\r` : ''}\u001b[J`);
    stdout(lines.join('\n'));
    drawn = lines.reduce((n, l) => n + 1 + (l.match(/\n/g)?.length ?? 0), 0);
  };

  let busy = false;
  const refresh = async () => {
    timer = undefined;
    if (stopped) return;
    // One refresh at a time: a change seen meanwhile schedules the next one.
    if (busy) return schedule(50);
    busy = true;
    try {
      await refreshOnce();
    } finally {
      busy = false;
    }
  };

  const refreshOnce = async () => {
    const now = Date.now();
    const fetch = now - lastFetch >= o.interval * 1000;
    let r: StatusResult;
    try {
      r = await lib.status({ agent: o.agent, fetch });
      problem = '';
    } catch (e) {
      // A remote that cannot be reached now may answer next time; local state is still worth showing.
      if (!fetch || !lib.isUnreachable(e)) throw e;
      problem = e.message;
      r = await lib.status({ agent: o.agent });
    }
    if (fetch) lastFetch = now;
    sprintId ??= r.sprint_id;
    const over = r.sprint_id !== sprintId || r.status === 'archived';
    if (r.sprint_id === sprintId) draw(r, now);
    if (over) {
      if (!o.json)
        stdout(
          r.sprint_id !== sprintId
            ? `sprint ${sprintId} was replaced by ${r.sprint_id}`
            : `sprint ${r.sprint_id} is archived: every phase is done`,
        );
      return stop();
    }
    // A terminal counts the leases down every second; a pipe only hears of changes.
    schedule(tty ? 1000 : o.interval * 1000);
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => refresh().catch(fail), ms);
  };
  let failure: unknown;
  const fail = (e: unknown) => {
    failure = e;
    stop();
  };

  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (tty) write(1, HIDE);
  try {
    const dir = lib.stateDir({});
    // Changes arrive as bursts of renames: redraw once, shortly after the first.
    watcher = watch(dir, { recursive: true }, () => schedule(50));
    watcher.on('error', () => watcher?.close());
  } catch {
    // No recursive watching here: the interval (and, on a terminal, the second) polls instead.
  }
  await refresh().catch(fail);
  await done;
  if (failure) throw failure;
}
