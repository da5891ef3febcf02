// Writes a coordination remote's head with `n` entries in the current ref
// format (one commit per start, each holding record.json), and the sprint ref
// its newest entry names, into the bare repository `bare`, with one
// `git fast-import`: thousands of starts in well under a second, instead of
// thousands of CLI runs. Used by the tests and the benchmarks alike.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const pad = (n) => String(n).padStart(2, '0');

/** Returns the newest sprint's id. */
export function writeLegacyHead(bare, n, { ns = 'refs/conductor', agent = 'old-timer', host = 'old-host' } = {}) {
  const t0 = Date.UTC(2025, 0, 1);
  const parts = [];
  let top;
  for (let i = 1; i <= n; i++) {
    const at = new Date(t0 + i * 60_000);
    const iso = at.toISOString().replace(/\.\d+Z$/, 'Z');
    const id = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}-${randomBytes(3).toString('hex')}`;
    const rec =
      JSON.stringify({ v: 1, seq: i, id: randomBytes(8).toString('hex'), kind: 'start', sprint_id: id, agent, host, at: iso }) + '\n';
    const when = Math.floor(at.getTime() / 1000);
    parts.push(
      `commit ${ns}/head\nmark :${i}\ncommitter ${agent} <${agent}@${host}> ${when} +0000\ndata <<EOM\nstart ${id} by ${agent}@${host}\nEOM\n${i > 1 ? `from :${i - 1}\n` : ''}deleteall\nM 100644 inline record.json\ndata ${Buffer.byteLength(rec)}\n${rec}\n`,
    );
    top = { id, iso, when };
  }
  const sprint =
    JSON.stringify(
      {
        v: 1,
        id: top.id,
        started_by: agent,
        host,
        started_at: top.iso,
        status: 'active',
        source: 'default',
        phases: [{ name: 'think', depends_on: [], concurrency: 'write' }],
      },
      null,
      2,
    ) + '\n';
  parts.push(
    `commit ${ns}/sprints/${top.id}/sprint\ncommitter ${agent} <${agent}@${host}> ${top.when} +0000\ndata <<EOM\nsprint ${top.id} (1 phases)\nEOM\nM 100644 inline sprint.json\ndata ${Buffer.byteLength(sprint)}\n${sprint}\n`,
  );
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: bare, input: parts.join('') });
  if (r.status !== 0) throw new Error(`fast-import: ${r.stderr}`);
  return top.id;
}
