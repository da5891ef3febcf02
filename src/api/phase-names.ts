/**
 * The active sprint's phase names, for shell completion, which runs on every
 * TAB: it reads the head log's newest entry and the sprint file (validated as
 * everywhere) and nothing else. No remote, no phase logs, no agent.
 */
import { activeSprint, openContext, type CommonOptions } from './context.js';

export async function phaseNames(opts: CommonOptions = {}): Promise<{ sprint_id: string; phases: string[] }> {
  const sprint = activeSprint(openContext(opts));
  return { sprint_id: sprint.id, phases: sprint.phases.map((p) => p.name) };
}
