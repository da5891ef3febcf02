/**
 * journal: the sprint's story as Markdown, rendered from the state and the
 * artifacts (core/journal.ts renders; this reads and writes). Rendered again
 * on every call, so it is the same for the same state; written into the
 * state directory when the last phase completes, and to the project's
 * `journal_path` when the tracked config sets one.
 */
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { invalid } from '../core/errors.js';
import { renderJournal, type JournalPhase } from '../core/journal.js';
import { writeFileAtomic } from '../store/fs-atomic.js';
import { openContext, PROJECT_CONFIG, projectConfig, withRemote, type CommonOptions, type Ctx } from './context.js';
import { readSprint, readSprintWith, type SprintData } from './sprint-read.js';

export interface JournalOptions extends CommonOptions {
  /** Another sprint than the active one (archived, until cleaned). */
  sprint?: string;
  /** Also write the Markdown to this file (replaced whole). */
  out?: string;
  /** With a coordination remote: fetch it first. */
  fetch?: boolean;
}

export interface JournalResult {
  sprint_id: string;
  markdown: string;
  /** The file written, with `out`. */
  out?: string;
  /** With a coordination remote: the time of the view read (the last fetch). */
  as_of?: string;
}

export async function journal(opts: JournalOptions = {}): Promise<JournalResult> {
  const ctx = await withRemote(openContext(opts), opts);
  const data = await readSprint(ctx, opts.sprint, 'all');
  const markdown = journalMarkdown(ctx, data);
  let out: string | undefined;
  if (opts.out !== undefined) {
    out = resolve(ctx.cwd, opts.out);
    const parent = dirname(out);
    if (!existsSync(parent) || !statSync(parent).isDirectory())
      throw invalid('E_BAD_OUT', `cannot write ${opts.out}: directory ${parent} does not exist; create it or pick another path`, {
        out: opts.out,
      });
    if (existsSync(out) && statSync(out).isDirectory())
      throw invalid(
        'E_BAD_OUT',
        `cannot write ${opts.out}: it is a directory; name a file, e.g. ${opts.out.replace(/\/$/, '')}/journal.md`,
        { out: opts.out },
      );
    writeFileAtomic(out, markdown);
  }
  return { sprint_id: data.sprint.id, markdown, out, as_of: ctx.remote?.asOf() };
}

/** The Markdown for a sprint already read. */
export function journalMarkdown(ctx: Ctx, data: SprintData): string {
  const audit = ctx.store.readAudit().entries.filter((e) => e.sprint_id === data.sprint.id);
  const phases = new Map<string, JournalPhase>([...data.phases].map(([n, p]) => [n, { records: p.records, artifact: p.artifact }]));
  return renderJournal({ sprint: data.sprint, phases, audit, ledger: data.ledger });
}

export interface FinishedJournal {
  /** Files written: the state directory's copy, and the project's journal_path. */
  files: string[];
  /** Why a copy could not be written; the completion itself stands. */
  error?: string;
}

/**
 * Called once the last phase is done, with the sprint's local state complete
 * (the completer's own append is its last entry). Never throws: the sprint is
 * finished whatever happens here.
 */
export function writeFinishedJournal(ctx: Ctx, sprintId: string): FinishedJournal {
  const files: string[] = [];
  try {
    const markdown = journalMarkdown(ctx, readSprintWith(ctx, sprintId, 'all'));
    const own = ctx.store.layout.journal(sprintId);
    writeFileAtomic(own, markdown);
    files.push(own);
    const tracked = trackedJournalPath(ctx, sprintId);
    if (tracked) {
      writeFileAtomic(tracked, markdown);
      files.push(tracked);
    }
    return { files };
  } catch (e) {
    return { files, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * `journal_path` from the project config, inside the work tree: relative, no
 * `..` out of it, no symbolic link on the way; `{sprint}` becomes the sprint id.
 */
export function trackedJournalPath(ctx: Ctx, sprintId: string): string | undefined {
  const setting = projectConfig(ctx)?.journal_path;
  if (setting === undefined || !ctx.repo.top) return undefined;
  const bad = (why: string) =>
    invalid(
      'E_BAD_CONFIG',
      `journal_path ${JSON.stringify(setting)} in ${PROJECT_CONFIG} ${why}: use a relative path inside the work tree, e.g. "docs/sprints/{sprint}.md"`,
    );
  if (!setting || isAbsolute(setting) || /[\u0000-\u001f]/.test(setting)) throw bad('is not a relative path');
  const top = realpathSync(ctx.repo.top);
  const file = resolve(top, setting.replaceAll('{sprint}', sprintId));
  const rel = relative(top, file);
  if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || rel.split(sep)[0] === '.git')
    throw bad('points outside the work tree');
  // Every existing step on the way must be a real directory, and the file not a link.
  let at = top;
  for (const part of rel.split(sep).slice(0, -1)) {
    at = resolve(at, part);
    if (existsSync(at) && (lstatSync(at).isSymbolicLink() || !lstatSync(at).isDirectory()))
      throw bad(`goes through ${part}, which is not a plain directory`);
  }
  if (existsSync(file) && lstatSync(file).isSymbolicLink()) throw bad('names a symbolic link');
  return file;
}
