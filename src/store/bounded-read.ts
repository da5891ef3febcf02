/**
 * The one way the tool reads a file it did not just write: at most `cap`
 * bytes, and only a regular file. Any file can be replaced by a symbolic link
 * to /dev/zero, a FIFO or a huge file (a crafted checkout, a teammate's
 * commit, a careless copy); none of them may hang a command, exhaust memory
 * or pass for data.
 *
 * How it holds: the path is stat'ed first, so a device or FIFO is refused
 * before it is ever opened (opening some devices has effects); then it is
 * opened with O_NONBLOCK (a FIFO swapped in after the stat cannot block the
 * open) and, with `noFollow`, O_NOFOLLOW (a symbolic link is refused, not
 * followed); the descriptor is fstat'ed again, and at most cap + 1 bytes are
 * read, so a file that grows while it is read is still refused. A leaf
 * module: node:fs only, usable by every layer that touches files.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export class BoundedReadError extends Error {
  constructor(
    readonly file: string,
    /** What is wrong, as a clause: "is a FIFO, not a regular file". */
    readonly problem: string,
  ) {
    super(`${file} ${problem}`);
    this.name = 'BoundedReadError';
  }
}

export interface BoundedOptions {
  /** Refuse a symbolic link instead of reading what it points at (files in the work tree: a committed symlink). */
  noFollow?: boolean;
  /** Over the cap: read the last `cap` bytes instead of refusing (append-only logs). */
  tail?: boolean;
}

const kindOf = (st: Stats) =>
  st.isSymbolicLink()
    ? 'a symbolic link'
    : st.isDirectory()
      ? 'a directory'
      : st.isFIFO()
        ? 'a FIFO'
        : st.isSocket()
          ? 'a socket'
          : st.isCharacterDevice() || st.isBlockDevice()
            ? 'a device'
            : 'not a file';

/** The file's bytes, or undefined when it does not exist. Throws BoundedReadError for anything else that is wrong. */
export function readBounded(file: string, cap: number, opts: BoundedOptions = {}): Buffer | undefined {
  let st: Stats;
  try {
    st = opts.noFollow ? lstatSync(file) : statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw new BoundedReadError(file, 'is a loop of symbolic links');
    throw e;
  }
  if (!st.isFile())
    throw new BoundedReadError(file, `is ${kindOf(st)}, not a regular file${st.isSymbolicLink() ? ': replace it with the real file' : ''}`);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new BoundedReadError(file, 'is a symbolic link, not a regular file: replace it with the real file');
    throw e;
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) throw new BoundedReadError(file, `is ${kindOf(fst)}, not a regular file`);
    let from = 0;
    if (fst.size > cap) {
      if (!opts.tail) throw tooLarge(file, fst.size, cap);
      from = fst.size - cap;
    }
    const buf = Buffer.alloc(Math.min(fst.size - from, cap) + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, from + n);
      if (got === 0) break;
      n += got;
    }
    if (n > cap) {
      if (!opts.tail) throw tooLarge(file, n, cap);
      return buf.subarray(n - cap, n);
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** readBounded as UTF-8 text. */
export function readBoundedText(file: string, cap: number, opts: BoundedOptions = {}): string | undefined {
  return readBounded(file, cap, opts)?.toString('utf8');
}

const tooLarge = (file: string, size: number, cap: number) =>
  new BoundedReadError(file, `is larger than the ${cap}-byte limit (${size}${size > cap + 1 ? '' : '+'} bytes)`);

/** The caps, one home: every reader names its cap from here (README "Limits on input sizes"). */
export const READ_CAPS = {
  /** A log entry's record.json, here and in a ref. */
  record: 64 * 1024,
  /** sprint.json, here and in a ref; a 1,000-phase graph fits. */
  sprint: 1024 * 1024,
  /** This clone's config.json. */
  config: 64 * 1024,
  /** `.git-conductor.json`, `.nanostack/config.json`, `--phases <file>`. */
  projectConfig: 1024 * 1024,
  /** The chain cache: beyond this it is dropped and rebuilt from the refs. */
  remoteCache: 64 * 1024 * 1024,
  /** audit.jsonl: the newest this many bytes are read (`clean` keeps it small). */
  auditTail: 32 * 1024 * 1024,
  /** A loose ref file. */
  looseRef: 4096,
  /** packed-refs. */
  packedRefs: 256 * 1024 * 1024,
  /** One remote-tracking reflog file read by the pre-push hook. */
  reflog: 4 * 1024 * 1024,
} as const;
