/**
 * Every path in the state directory is built here, and nowhere else.
 *
 *   <git common dir>/conductor/
 *     config.json                      this clone's settings (init)
 *     audit.jsonl                      one JSON line per event
 *     remote-fetched-at                touched after each fetch of the coordination remote
 *     remote-cache.json                validated remote-tracking chains, by tip commit id
 *     head/<seq>/record.json           which sprint is active (a SeqLog)
 *     sprints/<id>/sprint.json         the sprint and its phase graph
 *     sprints/<id>/phases/<phase>/<seq>/record.json   the phase's SeqLog
 *     sprints/<id>/phases/<phase>/<seq>/artifact.json the completed artifact
 *
 * Names are validated (phase, sprint id) before they get here; `segment`
 * checks again, cheaply, so that no name can ever escape the state directory.
 */
import { join } from 'node:path';


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
  get fetchStamp() {
    return join(this.root, 'remote-fetched-at');
  }
  get remoteCache() {
    return join(this.root, 'remote-cache.json');
  }
  get head() {
    return join(this.root, 'head');
  }
  get sprints() {
    return join(this.root, 'sprints');
  }
  sprint(id: string) {
    return join(this.sprints, segment(id));
  }
  sprintFile(id: string) {
    return join(this.sprint(id), 'sprint.json');
  }
  phase(id: string, phase: string) {
    return join(this.sprint(id), 'phases', segment(phase));
  }
}

export const ARTIFACT_FILE = 'artifact.json';

/** One path segment made of safe characters: no separators, no `.` or `..`. */
function segment(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new Error(`refusing unsafe path segment ${JSON.stringify(name)}`);
  return name;
}
