// Runs the built CLI in this process once a shared "go" file appears, so that
// many processes that have already paid Node's start-up cost make their claim
// at the same instant. Usage: node race-runner.cjs <go-file> <cli.cjs> <args...>
// Prints "ready" when waiting, then, on exit, the CLI's own output plus one
// line "window <start> <end>" (ms since epoch) on stderr: when the claim ran.
'use strict';
const { existsSync } = require('node:fs');

const [goFile, cli, ...args] = process.argv.slice(2);
const nap = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write('ready\n');
while (!existsSync(goFile)) Atomics.wait(nap, 0, 0, 1);
const started = Date.now();
process.on('exit', () => process.stderr.write(`window ${started} ${Date.now()}\n`));
process.argv = [process.argv[0], cli, ...args];
require(cli);
