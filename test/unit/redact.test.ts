/** Secret redaction: every known format, where it was, and bytes left alone where nothing was found. */
import { describe, expect, it } from 'vitest';
import { redactArtifact, redactText } from '../../src/core/redact.js';

// Built from parts so this file itself holds no credential-shaped string for scanners to flag.
const j = (...p: string[]) => p.join('');
const PEM = j('-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\nq1w2e3r4\n-----END RSA ', 'PRIVATE KEY-----');
const SECRETS: [kind: string, secret: string][] = [
  ['aws-access-key-id', j('AKIA', 'IOSFODNN7EXAMPLE')],
  ['aws-access-key-id', j('ASIA', 'Y34FZKBOKMUTVV7A')],
  ['aws-secret-access-key', j('aws_secret_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')],
  ['github-token', j('ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8')],
  ['github-token', j('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU')],
  ['gitlab-token', j('glpat-', 'xYz12345678901234567')],
  ['slack-token', j('xoxb-', '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx')],
  ['slack-token', j('https://hooks.slack.com/services/', 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX')],
  ['openai-key', j('sk-', 'proj-', 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56')],
  ['openai-key', j('sk-', 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12Wx34')],
  ['anthropic-key', j('sk-', 'ant-', 'api03-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78')],
  ['pem-private-key', PEM],
  ['pem-private-key', j('-----BEGIN OPENSSH ', 'PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH ', 'PRIVATE KEY-----')],
  ['jwt', j('Bearer ', 'eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIn0', '.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U')],
];

describe('redaction', () => {
  it.each(SECRETS)('redacts a %s, and says so without the secret', (kind, secret) => {
    const r = redactText(`before ${secret} after`);
    expect(r.kinds).toEqual([kind]);
    expect(r.text).toBe(`before [REDACTED:${kind}] after`);
    expect(r.text).not.toContain(secret);
  });

  it('leaves ordinary text alone', () => {
    for (const s of [
      'sk-short',
      'AKIA lowercase akiaiosfodnn7example',
      'eyJ alone',
      'ghp_tooShort',
      'the task list',
      'BEGIN PUBLIC KEY',
      'a.b.c',
    ])
      expect(redactText(s).kinds).toEqual([]);
  });

  it('finds secrets anywhere in an artifact, by JSON path, and keeps the other bytes exactly', () => {
    const [, aws] = SECRETS[0]!;
    const [, gh] = SECRETS[3]!;
    const text = `{"phase":"build",  "summary": "deployed with ${aws}",\n "notes": [1, {"odd key": "token ${gh}"}], "pem": ${JSON.stringify(PEM)}}\n`;
    const r = redactArtifact(text, JSON.parse(text));
    expect(r.redactions).toEqual([
      { kind: 'aws-access-key-id', path: 'summary' },
      { kind: 'github-token', path: 'notes[1]["odd key"]' },
      { kind: 'pem-private-key', path: 'pem' },
    ]);
    expect(r.text).toBe(
      `{"phase":"build",  "summary": "deployed with [REDACTED:aws-access-key-id]",\n "notes": [1, {"odd key": "token [REDACTED:github-token]"}], "pem": "[REDACTED:pem-private-key]"}\n`,
    );
    expect(JSON.parse(r.text)).toEqual(r.value);
    for (const s of [aws, gh, 'MIIEowIBAAKCAQEA7x']) expect(r.text).not.toContain(s);
  });

  it('serialises anew when a secret was written with escapes, and never keeps it', () => {
    const [, aws] = SECRETS[0]!;
    const escaped = aws.replace('A', '\\u0041');
    const text = `{"summary": "key ${escaped}"}`;
    const r = redactArtifact(text, JSON.parse(text));
    expect(r.redactions).toEqual([{ kind: 'aws-access-key-id', path: 'summary' }]);
    expect(JSON.parse(r.text)).toEqual({ summary: 'key [REDACTED:aws-access-key-id]' });
    expect(r.text).not.toContain(escaped);
  });

  it('returns the very same text when there is nothing to redact', () => {
    const text = '{ "summary" : "fine" }';
    expect(redactArtifact(text, JSON.parse(text))).toEqual({ text, value: { summary: 'fine' }, redactions: [] });
  });

  it('redacts secrets in keys too', () => {
    const [, gh] = SECRETS[3]!;
    const text = JSON.stringify({ [gh]: 1 });
    const r = redactArtifact(text, JSON.parse(text));
    expect(r.value).toEqual({ '[REDACTED:github-token]': 1 });
    expect(r.text).not.toContain(gh);
  });
});
