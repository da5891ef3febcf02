/**
 * Library entries too heavy for the CLI's start-up bundle: setup (agents' file
 * formats, a TOML parser) and the MCP server (the MCP SDK). The library loads
 * them with import(); the CLI build swaps this file for scripts/heavy-cli.cjs,
 * which loads each from its own bundle beside the CLI's (scripts/build.mjs),
 * so commands that do not use them never parse them.
 */
export const loadSetup = () => import('./setup.js');
export const loadMcp = () => import('../mcp/server.js');
