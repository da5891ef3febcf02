// A stand-in coding-agent harness: a long-lived process that runs every command
// it is given in a fresh process session (`setsid bash -c …`), as agent
// harnesses do. Reads one command per stdin line, answers one JSON line each.
const { spawnSync } = require('node:child_process');
const { createInterface } = require('node:readline');
const rl = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
rl.on('line', (cmd) => {
  const r = spawnSync('setsid', ['bash', '-c', cmd], { encoding: 'utf8', env: process.env, cwd: process.cwd() });
  process.stdout.write(JSON.stringify({ code: r.status, stdout: r.stdout, stderr: r.stderr }) + '\n');
});
