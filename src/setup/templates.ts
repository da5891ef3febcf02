/** The package's templates/ directory (beside dist/ or src/), as hooks/ is found in hooks/stubs.ts. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = () => (typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));

export function skillTemplate(): string {
  let dir = dirname(here());
  for (let i = 0; i < 5; i++) {
    const f = join(dir, 'templates', 'SKILL.md');
    if (existsSync(f) && existsSync(join(dir, 'package.json'))) return readFileSync(f, 'utf8');
    dir = dirname(dir);
  }
  throw new Error(`cannot find the git-conductor templates/ directory above ${here()}: reinstall git-conductor`);
}
