/**
 * Secret redaction. Known credential formats found in an artifact's strings
 * are replaced by `[REDACTED:<kind>]` before the bytes are hashed, stored or
 * published, so a key pasted into a report never reaches the state directory
 * or the remote. What is reported is the kind and the JSON path, never the
 * secret. Pure.
 *
 * The stored bytes stay the author's bytes wherever nothing was redacted:
 * each secret is replaced where it appears in the JSON text, and the result
 * is accepted only if it parses to exactly the redacted value; otherwise
 * (a secret written with unusual escapes) the value is serialised anew.
 */
import { jsonPath } from './contract/problems.js';

export interface Redaction {
  kind: string;
  /** JSON path of the string that held it. */
  path: string;
}

/** Kinds, most specific first: an Anthropic key also looks like an OpenAI one. */
const PATTERNS: [kind: string, re: RegExp][] = [
  [
    'pem-private-key',
    /-----BEGIN ((?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----(?:[\s\S]*?-----END \1?PRIVATE KEY\2?-----|[\s\S]*$)/g,
  ],
  ['aws-access-key-id', /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g],
  ['aws-secret-access-key', /\baws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g],
  ['gitlab-token', /\bgl(?:pat|dt|rt|ptt|ft|cbt|soat|imt|oas)-[A-Za-z0-9_-]{20,}/g],
  [
    'slack-token',
    /\b(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,}/g,
  ],
  ['anthropic-key', /\bsk-ant-[A-Za-z0-9_-]{20,}/g],
  ['openai-key', /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g],
  ['jwt', /\b(?:[Bb]earer\s+)?eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g],
];

const marker = (kind: string) => `[REDACTED:${kind}]`;

/** One string, redacted; the kinds found, in order. */
export function redactText(s: string): { text: string; kinds: string[] } {
  const kinds: string[] = [];
  let text = s;
  for (const [kind, re] of PATTERNS) {
    text = text.replace(re, () => {
      kinds.push(kind);
      return marker(kind);
    });
  }
  return { text, kinds };
}

/** The value with every secret in its strings (keys included) redacted, and where each was. */
export function redactValue(v: unknown): { value: unknown; found: Redaction[]; secrets: [string, string][] } {
  const found: Redaction[] = [];
  const secrets: [string, string][] = [];
  const walk = (x: unknown, path: PropertyKey[]): unknown => {
    if (typeof x === 'string') {
      const r = redactText(x);
      if (!r.kinds.length) return x;
      for (const kind of r.kinds) found.push({ kind, path: jsonPath(path) });
      secrets.push([x, r.text]);
      return r.text;
    }
    if (Array.isArray(x)) return x.map((e, i) => walk(e, [...path, i]));
    if (x && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(x)) {
        const key = walk(k, path) as string;
        out[key] = walk(e, [...path, key]);
      }
      return out;
    }
    return x;
  };
  return { value: walk(v, []), found, secrets };
}

/**
 * Redacts the artifact `text` (already parsed to `value`). Unchanged text
 * when nothing was found.
 */
export function redactArtifact(text: string, value: unknown): { text: string; value: unknown; redactions: Redaction[] } {
  const r = redactValue(value);
  if (!r.found.length) return { text, value, redactions: [] };
  let out = text;
  for (const [secret, replaced] of r.secrets)
    out = out.split(JSON.stringify(secret).slice(1, -1)).join(JSON.stringify(replaced).slice(1, -1));
  if (!sameJson(out, r.value)) out = JSON.stringify(r.value, null, 2) + '\n';
  return { text: out, value: r.value, redactions: r.found };
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}
