import { describe, expect, it } from 'vitest';
import { addFlatHook, addHookGroup, desired, removeFlatHook, removeHookGroup, without, type Edit } from '../../src/setup/edits.js';

const hooks: Edit = {
  kind: 'json',
  path: 'settings.json',
  merge: (o) => addHookGroup(o, 'Stop', 'git conductor agent-hook stop --tool claude'),
  unmerge: (o) => removeHookGroup(o, 'Stop', 'git conductor agent-hook stop --tool claude'),
};
const block: Edit = { kind: 'block', path: 'AGENTS.md', body: 'hello\n' };
const toml: Edit = {
  kind: 'toml',
  path: 'config.toml',
  table: 'mcp_servers.git-conductor',
  key: ['mcp_servers', 'git-conductor'],
  body: 'command = "git"\n',
};

describe('setup edits', () => {
  it('merge JSON once, keep other keys and the indentation, and take out only ours', async () => {
    const text = '{\n\t"model": "x",\n\t"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "mine"}]}]}\n}\n';
    const once = await desired(hooks, text);
    expect(await desired(hooks, once)).toBe(once);
    expect(once).toContain('\t"model": "x"');
    expect(JSON.parse(once).hooks.Stop).toHaveLength(2);
    expect(JSON.parse((await without(hooks, once))!)).toEqual(JSON.parse(text));
    expect(await without(hooks, await desired(hooks, undefined))).toBeUndefined();
  });

  it('a block is added once, after the existing text, and taken out whole', async () => {
    for (const text of ['', 'notes', 'notes\n', 'notes\n\n']) {
      const once = await desired(block, text);
      expect(await desired(block, once)).toBe(once);
      expect((await without(block, once)) ?? '').toBe(text);
    }
  });

  it('a TOML table is appended once, checked by a parser, and taken out byte for byte', async () => {
    const text = '# mine\nmodel = "o3"\n';
    const once = await desired(toml, text);
    expect(once.startsWith(text)).toBe(true);
    expect(await desired(toml, once)).toBe(once);
    expect(await without(toml, once)).toBe(text);
    // Already registered by hand: left alone.
    const mine = '[mcp_servers.git-conductor]\ncommand = "other"\n';
    expect(await desired(toml, mine)).toBe(mine);
    await expect(desired(toml, 'model = ')).rejects.toThrow(/not valid TOML/);
  });

  it("Cursor's flat hooks", () => {
    const o: Record<string, any> = {};
    addFlatHook(o, 'stop', 'c');
    addFlatHook(o, 'stop', 'c');
    expect(o).toEqual({ version: 1, hooks: { stop: [{ command: 'c' }] } });
    removeFlatHook(o, 'stop', 'c');
    expect(o).toEqual({});
  });

  it('refuses what is not a JSON object, naming the file', async () => {
    await expect(desired(hooks, '[1]')).rejects.toThrow(/settings.json must hold a JSON object/);
    await expect(desired(hooks, '{')).rejects.toThrow(/settings.json is not valid JSON/);
  });
});
