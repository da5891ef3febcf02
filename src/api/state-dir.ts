/** Where this repository's state lives, for callers that watch it change (status --watch); nothing is created. */
import { openContext, type CommonOptions } from './context.js';

export function stateDir(opts: CommonOptions = {}): string {
  return openContext(opts).store.layout.root;
}
