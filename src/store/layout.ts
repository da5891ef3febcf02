/**
 * Every path in the state directory is built here, and nowhere else.
 *
 *   <git common dir>/conductor/
 *     config.json                      this clone's settings (init)
 *     audit.jsonl                      one JSON line per event
 *     head/<seq>/record.json           which sprint is active (a SeqLog)
 *     sprints/<id>/sprint.json         the sprint and its phase graph
 *     sprints/<id>/phases/<phase>/<seq>/record.json   the phase's SeqLog
 *     sprints/<id>/phases/<phase>/<seq>/artifact.json the completed artifact
 *
 * Names are validated (phase, sprint id) before they get here, and safeJoin
 * refuses anything that would still escape the state directory.
 */
import { join } from 'node:path';
import { safeJoin } from './fs-atomic.js';

export class Layout {
  readonly root: string;
  constructor(commonDir: string) {
    this.root = join(commonDir, 'conductor');
  }
  get config() {
    return join(this.root, 'config.json');
  }
  get audit() {
    return join(this.root, 'audit.jsonl');
  }
  get head() {
    return join(this.root, 'head');
  }
  get sprints() {
    return join(this.root, 'sprints');
  }
  sprint(id: string) {
    return safeJoin(this.sprints, id);
  }
  sprintFile(id: string) {
    return join(this.sprint(id), 'sprint.json');
  }
  phase(id: string, phase: string) {
    return safeJoin(this.sprint(id), 'phases', phase);
  }
}

export const ARTIFACT_FILE = 'artifact.json';
