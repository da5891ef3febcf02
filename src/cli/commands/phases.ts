/**
 * `__phases`, what the completion scripts run for a phase name: the active
 * sprint's phases, one a line, and nothing on any error (a TAB must never
 * print an error into the command line). It runs on every TAB, so it reads
 * only the active sprint's file (api/phase-names.ts).
 */
import { write } from '../output.js';
import { api } from './shared.js';

export async function printPhases(): Promise<void> {
  try {
    write(1, (await (await api()).phaseNames()).phases.map((p) => p + '\n').join(''));
  } catch {
    // No repository, no sprint, a corrupt file: no candidates.
  }
}
