/**
 * git's own maintenance for the objects our writes leave loose. Every commit
 * we write for a log entry is three loose objects, and our fetches pass
 * --no-auto-maintenance (a fetch must not stall a claim), so a busy clone
 * piles them up. A counter in the state dir (one byte appended per object:
 * a single O_APPEND write and an fstat, no git process) says when enough have
 * been written; then the one process that wins the counter's rename starts
 * `git maintenance run --auto --task=loose-objects` detached, which packs them
 * (git's own threshold decides whether there is enough to do; the loose
 * copies of what one run packed are deleted by the next), and the command
 * returns without waiting for it. So a clone holds at most about two
 * thresholds' worth of our loose objects, however long it works.
 */
import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { gitDetached } from './git.js';

/** Objects written between two maintenance runs: about 100 log entries. */
export const MAINTENANCE_EVERY_OBJECTS = 300;

/** Counts `n` objects written; past the threshold, starts git's maintenance in the background. Never throws. */
export function noteLooseObjects(cwd: string, counter: string, n: number, every = MAINTENANCE_EVERY_OBJECTS): boolean {
  let size = 0;
  try {
    const fd = openSync(counter, 'a');
    try {
      writeSync(fd, Buffer.alloc(n, 46));
      size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    if (size < every) return false;
    const mine = `${counter}.${process.pid}`;
    renameSync(counter, mine); // exactly one racer wins; the others see ENOENT
    rmSync(mine, { force: true });
  } catch {
    return false;
  }
  gitDetached(['maintenance', 'run', '--auto', '--task=loose-objects', '--quiet'], { cwd });
  return true;
}
