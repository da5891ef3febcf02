/**
 * Writes loose objects straight into the object store: the zlib-deflated
 * "<type> <size>\0<body>" at objects/<2 hex>/<38 hex>, as git writes them
 * (temporary file in the same directory, then a hard link onto the final
 * name: an object file is either complete or absent). Saves a git process on
 * the hot path of every remote claim. The caller names the object (SHA-1 of
 * the same bytes), so a reader never sees an object under a wrong name.
 */
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

export interface LooseObject {
  oid: string;
  type: 'commit' | 'tree' | 'blob';
  body: Buffer;
}

export function writeLooseObjects(objectsDir: string, objects: LooseObject[]): void {
  for (const o of objects) {
    if (!/^[0-9a-f]{40}$/.test(o.oid)) throw new Error(`not a SHA-1 object name: ${o.oid}`);
    const dir = join(objectsDir, o.oid.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `tmp_obj_${process.pid}_${randomBytes(4).toString('hex')}`);
    writeFileSync(tmp, deflateSync(Buffer.concat([Buffer.from(`${o.type} ${o.body.length}\0`), o.body])), { mode: 0o444 });
    try {
      linkSync(tmp, join(dir, o.oid.slice(2)));
    } catch (e) {
      // Already there: same name, same bytes (content-addressed).
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
}
