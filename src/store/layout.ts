/**
 * Every path in the state directory is built here, and nowhere else.
 *
 *   <git common dir>/conductor/
 *     config.json                      this clone's settings (init)
 *     audit.jsonl                      one JSON line per event
 *     remote-fetched-at                touched after each fetch of the coordination remote
 *     remote-cache.json                validated remote-tracking chains, by tip commit id
 *     remote-heads.json                each push destination's default branch, with when it was asked (a cache)
 *     hooks.json                       where `hooks install` put the hooks, and the config files' stamps then
 *     clock-skew.json                  the last clock-skew finding of a fetch
 *     live-claims                      while a claim is live: when a renewal is next due (read by the post-commit stub)
 *     agent-hooks/reminded.json        holdings the agents' Stop hooks have already reminded of
 *     setup/<scope>-<agent>-<hash>/    what `setup` changed in one worktree: manifest.json and the original files
 *     head/<seq>/record.json           which sprint is active (a SeqLog)
 *     sprints/<id>/sprint.json         the sprint and its phase graph
 *     sprints/<id>/journal.md          the journal, written when the last phase completes
 *     sprints/<id>/phases/<phase>/<seq>/record.json   the phase's SeqLog
 *     sprints/<id>/phases/<phase>/<seq>/artifact.json the completed artifact
 *     sprints/<id>/ledger/<seq>/record.json           the sprint's budget and attempts (a SeqLog)
 *
 * Names are validated (phase, sprint id) before they get here; `segment`
 * checks again, cheaply, so that no name can ever escape the state directory.
 */
import { resolve, sep } from 'node:path';

export class Layout {
  readonly root: string;
  constructor(commonDir: string) {
    // Normalised once here, so every path below can be built by concatenation.
    this.root = resolve(commonDir, 'conductor');
  }
  get config() {
    return child(this.root, 'config.json');
  }
  get audit() {
    return child(this.root, 'audit.jsonl');
  }
  /** The audit log's previous generation, rotated away by `clean` (see audit-log.ts). */
  get auditRotated() {
    return child(this.root, 'audit.1.jsonl');
  }
  /** Loose objects our writes added since git's maintenance last ran (see git/maintenance.ts). */
  get looseCounter() {
    return child(this.root, 'loose-objects-written');
  }
  get fetchStamp() {
    return child(this.root, 'remote-fetched-at');
  }
  get remoteCache() {
    return child(this.root, 'remote-cache.json');
  }
  get remoteHeads() {
    return child(this.root, 'remote-heads.json');
  }
  get hooksInstall() {
    return child(this.root, 'hooks.json');
  }
  /** Its path is spelled out in hooks/post-commit too (the stub tests for it without starting node). */
  get liveClaims() {
    return child(this.root, 'live-claims');
  }
  get reminders() {
    return child(child(this.root, 'agent-hooks'), 'reminded.json');
  }
  /** setup's manifest and backups for one agent (a validated name). */
  setup(agent: string) {
    return child(child(this.root, 'setup'), segment(agent));
  }
  /** The last clock-skew finding of a fetch (remote/link.ts), until a fetch agrees again. */
  get clockSkew() {
    return child(this.root, 'clock-skew.json');
  }
  get head() {
    return child(this.root, 'head');
  }
  get sprints() {
    return child(this.root, 'sprints');
  }
  sprint(id: string) {
    return child(this.sprints, segment(id));
  }
  sprintFile(id: string) {
    return child(this.sprint(id), SPRINT_FILE);
  }
  journal(id: string) {
    return child(this.sprint(id), 'journal.md');
  }
  /** The directory holding one log per phase that has ever been claimed. */
  phases(id: string) {
    return child(this.sprint(id), 'phases');
  }
  phase(id: string, phase: string) {
    return child(this.phases(id), segment(phase));
  }
  /** The sprint's ledger: budget and attempts (core/ledger.ts). */
  ledger(id: string) {
    return child(this.sprint(id), 'ledger');
  }
}

/**
 * `dir/name` for a normalised absolute `dir` and one validated segment `name`:
 * plain concatenation is exact there, and path.join re-normalises the whole
 * string on every call, which adds up over a few hundred phases per command.
 */
export const child = (dir: string, name: string) => dir + sep + name;

export const ARTIFACT_FILE = 'artifact.json';
/** The file of each log entry that holds its record. */
export const RECORD_FILE = 'record.json';
/** The file of each sprint directory that holds its definition. */
export const SPRINT_FILE = 'sprint.json';

/** A log entry's directory: `<log dir>/<seq, zero-padded>`. */
export const entryDir = (logDir: string, seq: number) => child(logDir, pad(seq));

/** An entry's name in its log: fixed width, so names sort as numbers. */
export const pad = (seq: number) => String(seq).padStart(6, '0');

/** One path segment made of safe characters: no separators, no `.` or `..`. */
function segment(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new Error(`refusing unsafe path segment ${JSON.stringify(name)}`);
  return name;
}
