// Bundled in place of node:child_process for commander, which requires it at
// load time but uses it only for executable subcommands (this CLI has none).
// Loading child_process costs start-up time on every command, so load it on
// first use instead.
let real;
module.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });
