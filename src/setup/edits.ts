/**
 * The edits `setup` makes, as pure functions of a file's text. Invariant:
 * apply(apply(x)) === apply(x) byte for byte (our entries are recognised by
 * their command or key, and a merge that changes nothing returns the text it
 * was given), and nothing outside our entries changes: JSON keeps its other
 * keys and indentation, Markdown and TOML keep every byte around our block.
 */
import { invalid } from '../core/errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export type Edit =
  /** A file that is ours whole (a skill, a rules file). */
  | { kind: 'file'; path: string; content: string }
  /** Our entries merged into a JSON settings file. */
  | { kind: 'json'; path: string; merge: (o: JsonObject) => void; unmerge: (o: JsonObject) => void }
  /** A block between marker lines in a Markdown file (AGENTS.md, GEMINI.md). */
  | { kind: 'block'; path: string; body: string }
  /** A table appended to a TOML file, checked with a TOML parser. */
  | { kind: 'toml'; path: string; table: string; key: string[]; body: string };

export const BLOCK_START = '<!-- >>> git-conductor (managed by `git conductor setup`; edits inside are overwritten) -->\n';
export const BLOCK_END = '<!-- <<< git-conductor -->\n';

/** The text `path` should have. */
export async function desired(e: Edit, current: string | undefined): Promise<string> {
  switch (e.kind) {
    case 'file':
      return e.content;
    case 'json':
      return jsonEdit(e.path, current, e.merge);
    case 'block':
      return withBlock(current ?? '', e.body);
    case 'toml':
      return tomlAdd(e, current ?? '');
  }
}

/** `current` without our part; undefined when nothing else is left in a file we created. */
export async function without(e: Edit, current: string): Promise<string | undefined> {
  switch (e.kind) {
    case 'file':
      return undefined;
    case 'json': {
      const out = jsonEdit(e.path, current, e.unmerge);
      return out.trim() === '{}' ? undefined : out;
    }
    case 'block': {
      const b = findBlock(current);
      if (!b) return current;
      const out = current.slice(0, b.start).replace(/\n$/, '') + current.slice(b.end);
      return out === '' ? undefined : out;
    }
    case 'toml': {
      const i = current.indexOf(tomlText(e));
      const out = i < 0 ? current : current.slice(0, i).replace(/\n$/, '') + current.slice(i + tomlText(e).length);
      return out === '' ? undefined : out;
    }
  }
}

function jsonEdit(path: string, text: string | undefined, change: (o: JsonObject) => void): string {
  let obj: Json;
  try {
    obj = text === undefined || text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw invalid(
      'E_BAD_CONFIG',
      `${path} is not valid JSON (${(err as Error).message}); fix it, then run setup again: nothing was changed`,
    );
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    throw invalid('E_BAD_CONFIG', `${path} must hold a JSON object; fix it, then run setup again: nothing was changed`);
  const before = JSON.stringify(obj);
  change(obj);
  if (text !== undefined && JSON.stringify(obj) === before) return text;
  const indent = text ? (/\n([ \t]+)"/.exec(text)?.[1] ?? 2) : 2;
  return JSON.stringify(obj, null, indent) + '\n';
}

export function findBlock(text: string): { start: number; end: number } | undefined {
  const start = text.indexOf(BLOCK_START);
  if (start < 0) return undefined;
  const end = text.indexOf(BLOCK_END, start);
  return end < 0 ? undefined : { start, end: end + BLOCK_END.length };
}

function withBlock(text: string, body: string): string {
  const block = BLOCK_START + body + (body.endsWith('\n') ? '' : '\n') + BLOCK_END;
  const b = findBlock(text);
  if (b) return text.slice(0, b.start) + block + text.slice(b.end);
  // One newline before the block, always: taking exactly that one away again restores the text.
  return text === '' ? block : `${text}\n${block}`;
}

const tomlText = (e: Extract<Edit, { kind: 'toml' }>) => `[${e.table}]\n${e.body}`;

async function tomlAdd(e: Extract<Edit, { kind: 'toml' }>, text: string): Promise<string> {
  const { parse } = await import('smol-toml');
  const has = (t: string) => {
    let v: unknown;
    try {
      v = parse(t);
    } catch (err) {
      throw invalid(
        'E_BAD_CONFIG',
        `${e.path} is not valid TOML (${(err as Error).message.split('\n')[0]}); fix it, then run setup again: nothing was changed`,
      );
    }
    for (const k of e.key) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return v !== undefined;
  };
  if (has(text)) return text;
  const out = text === '' ? tomlText(e) : `${text}\n${tomlText(e)}`;
  if (!has(out)) throw invalid('E_BAD_CONFIG', `${e.path}: could not add [${e.table}] without breaking the file; add it by hand`);
  return out;
}

/** A hook group in the Claude Code / Codex / Gemini shape: {matcher?, hooks: [{type: command, command}]}. */
export function addHookGroup(o: JsonObject, event: string, command: string, matcher?: string): void {
  const hooks = objectAt(o, 'hooks');
  const groups = (Array.isArray(hooks[event]) ? hooks[event] : (hooks[event] = [])) as Json[];
  const ours = groups.some((g) => isObj(g) && Array.isArray(g.hooks) && g.hooks.some((h) => isObj(h) && h.command === command));
  if (!ours) groups.push({ ...(matcher ? { matcher } : {}), hooks: [{ type: 'command', command }] });
}

export function removeHookGroup(o: JsonObject, event: string, command: string): void {
  const hooks = o.hooks;
  if (!isObj(hooks) || !Array.isArray(hooks[event])) return;
  const kept = (hooks[event] as Json[])
    .map((g) => (isObj(g) && Array.isArray(g.hooks) ? { ...g, hooks: g.hooks.filter((h) => !(isObj(h) && h.command === command)) } : g))
    .filter((g) => !(isObj(g) && Array.isArray(g.hooks) && g.hooks.length === 0));
  if (kept.length) hooks[event] = kept;
  else delete hooks[event];
  if (!Object.keys(hooks).length) delete o.hooks;
}

/** Cursor's hooks.json: {version: 1, hooks: {event: [{command}]}}. */
export function addFlatHook(o: JsonObject, event: string, command: string): void {
  if (o.version === undefined) o.version = 1;
  const hooks = objectAt(o, 'hooks');
  const list = (Array.isArray(hooks[event]) ? hooks[event] : (hooks[event] = [])) as Json[];
  if (!list.some((h) => isObj(h) && h.command === command)) list.push({ command });
}

export function removeFlatHook(o: JsonObject, event: string, command: string): void {
  const hooks = o.hooks;
  if (!isObj(hooks) || !Array.isArray(hooks[event])) return;
  const kept = (hooks[event] as Json[]).filter((h) => !(isObj(h) && h.command === command));
  if (kept.length) hooks[event] = kept;
  else delete hooks[event];
  if (!Object.keys(hooks).length) {
    delete o.hooks;
    if (o.version === 1 && Object.keys(o).length === 1) delete o.version;
  }
}

export function setKey(o: JsonObject, parent: string, key: string, value: Json): void {
  objectAt(o, parent)[key] = value;
}

export function deleteKey(o: JsonObject, parent: string, key: string): void {
  const p = o[parent];
  if (!isObj(p)) return;
  delete p[key];
  if (!Object.keys(p).length) delete o[parent];
}

const isObj = (v: Json | undefined): v is JsonObject => !!v && typeof v === 'object' && !Array.isArray(v);

function objectAt(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  if (isObj(v)) return v;
  if (v !== undefined) throw invalid('E_BAD_CONFIG', `"${key}" in a settings file is not an object; fix it, then run setup again`);
  return (o[key] = {});
}
