// The CLI bundle's version of src/api/heavy.ts: each heavy entry is its own
// bundle beside cli-main.cjs (scripts/build.mjs), required on first use.
const { join } = require('node:path');
const load = (name) => async () => require(join(__dirname, `${name}.cjs`));
exports.loadSetup = load('setup');
exports.loadMcp = load('mcp');
