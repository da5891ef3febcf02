/** doctor: check git and the coordination remote; exit 1 when a check fails (its result is data, not an error). */
import type { Command } from 'commander';
import type { DoctorCheck } from '../../api/index.js';
import { json, stdout } from '../output.js';
import { api, envOptions, withCommon } from './shared.js';

export function register(program: Command): void {
  withCommon(program.command('doctor'))
    .description('check git, the coordination remote, and whether it accepts refs in our namespace')
    .option('--remote <name>', 'check this remote instead of the configured one')
    .action(async (o) => {
      const r = await (await api()).doctor({ ...o, ...envOptions(), env: process.env });
      if (o.json) json(r);
      else renderChecks(r.checks);
      if (!r.ok) process.exitCode = 1;
    });
}

function renderChecks(checks: DoctorCheck[]): void {
  for (const c of checks) stdout(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
}
