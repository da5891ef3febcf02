// The library bundle's version of src/api/heavy.ts: each heavy entry is loaded
// from its own (self-contained CommonJS) bundle beside index.mjs on first use,
// so importing the library never loads the MCP SDK or the TOML parser.
const load = (file) => async () => {
  const m = await import(new URL(file, import.meta.url).href);
  return m.default ?? m;
};
export const loadSetup = load('./setup.cjs');
export const loadMcp = load('./mcp.cjs');
