/**
 * Schema problems as people and agents can act on them: the JSON path, what
 * is allowed there and what was found, e.g.
 * `findings[0].severity: "severe" is not allowed; allowed: blocking, should_fix, nitpick, positive`.
 * Found values come from the artifact: they are quoted, shortened and
 * stripped of control characters here, once.
 */

export interface Problem {
  /** JSON path, `(root)` for the artifact itself. */
  path: string;
  /** What is allowed there. */
  allowed: string;
  /** What the artifact has there (`nothing` when the field is missing). */
  found: string;
  /** The whole line: `<path>: <what is wrong>`. */
  message: string;
}

/** The subset of a zod issue this file reads. */
export interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  values?: readonly unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  format?: string;
  pattern?: string;
  keys?: string[];
  errors?: IssueLike[][];
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `findings[0].severity`; odd keys quoted: `notes["a b"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (IDENT.test(String(k))) out += out ? `.${String(k)}` : String(k);
    else out += `[${JSON.stringify(String(k)).replace(CONTROL, '?')}]`;
  }
  return (out || '(root)').slice(0, 300);
}

/** A value as the message shows it: short, quoted, no control characters. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return (s.length > 60 ? `${s.slice(0, 57)}...` : s).replace(CONTROL, '?');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const bound = (i: IssueLike, side: 'min' | 'max') => {
  const n = Number(side === 'min' ? i.minimum : i.maximum);
  const op = side === 'min' ? (i.inclusive === false ? '>' : '≥') : i.inclusive === false ? '<' : '≤';
  if (i.origin === 'string') return side === 'min' && n === 1 ? 'non-empty text' : `text of ${op} ${n} characters`;
  if (i.origin === 'array') return `an array of ${op} ${n} items`;
  return `a number ${op} ${n}`;
};

/** What a failed issue says is allowed. */
function allowedBy(i: IssueLike): string {
  switch (i.code) {
    case 'invalid_type':
      return TYPE_WORDS[i.expected ?? ''] ?? String(i.expected);
    case 'invalid_value':
      return (i.values ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
    case 'too_small':
      return bound(i, 'min');
    case 'too_big':
      return bound(i, 'max');
    case 'invalid_format':
      return i.pattern ? `text matching ${i.pattern}` : `a valid ${i.format}`;
    case 'invalid_union': {
      const alts = (i.errors ?? [])
        .map((branch) =>
          branch
            .filter((b) => b.path.length === 0)
            .map(allowedBy)
            .join(' and '),
        )
        .filter(Boolean);
      return [...new Set(alts)].join(', or ') || 'one of the allowed forms';
    }
    default:
      return i.message;
  }
}

/** The value at `path` in `root`, for issues (refinements) that report their parent object as input. */
function at(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

export function problemOf(i: IssueLike, root?: unknown): Problem {
  const path = jsonPath(i.path);
  const found = shown(i.code === 'custom' ? at(root, i.path) : i.input);
  const allowed = allowedBy(i);
  let what: string;
  if (i.code === 'custom') what = `${found} ${i.message}`;
  else if (i.input === undefined && i.code === 'invalid_value') what = `missing; allowed: ${allowed}`;
  else if (i.input === undefined) what = `missing; expected ${allowed}`;
  else if (i.code === 'invalid_value') what = `${found} is not allowed; allowed: ${allowed}`;
  else if (i.code === 'unrecognized_keys') what = `unknown field(s) ${(i.keys ?? []).map((k) => shown(k)).join(', ')}`;
  else what = `expected ${allowed}, found ${found}`;
  return { path, allowed, found, message: `${path}: ${what}` };
}
