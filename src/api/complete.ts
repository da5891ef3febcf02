/** complete: the holder finishes a phase, optionally with an artifact. */
import { needsArtifact } from '../core/contract/halts.js';
import { invalid } from '../core/errors.js';
import { artifactWarnings, type Warning } from '../core/ledger.js';
import { validatePhaseName } from '../core/graph.js';
import { isDone, mayHold } from '../core/hold.js';
import { allDone, findPhase } from '../core/phase-state.js';
import type { ArtifactRef, PhaseRecord, SprintFile } from '../core/schemas.js';
import type { Entry } from '../store/seq-log.js';
import { ARTIFACT_FILE } from '../store/layout.js';
import { headInfo } from '../store/head.js';
import { contractSettings, judged, projectSchemaCheck, redactionDetail, type ArtifactCheck } from './artifact-contract.js';
import { artifactFromBytes, readArtifact } from './artifact-file.js';
import { activeSprint, agentOf, iso, ledgerRules, noOverride, openWithRemote, rulesOf, type CommonOptions, type Ctx } from './context.js';
import { phaseHaltClear } from './halts.js';
import { withDisplacement } from './displaced.js';
import { proofOf } from './identity.js';
import { writeFinishedJournal } from './journal.js';
import { withWarnings, type Warned } from './warnings.js';
import { appendPhase } from './transition.js';

export interface CompleteOptions extends CommonOptions {
  phase: string;
  /** Path to a JSON artifact inside the work tree or the state directory. */
  artifact?: string;
  /** The commit that did the work (set by the post-commit hook). */
  commit?: string;
  /** The artifact as bytes already read (the post-commit hook reads it from the commit); wins over `artifact`. */
  artifactBytes?: { bytes: Uint8Array; source: string };
}

export interface CompleteResult extends Warned {
  sprint_id: string;
  phase: string;
  agent: string;
  completed_at: string;
  artifact?: ArtifactRef;
  /** Phases whose dependencies are now all done. */
  unlocked: string[];
  /** Set when this artifact stops the sprint (blocking findings, budget, ...). */
  halt?: string;
  /** Which rule halted it (review_blocking, security_critical_high, qa_failure_rate, qa_failed, budget, circuit_breaker). */
  halt_rule?: PhaseRecord['halt_rule'];
  /** With a halt: the commands that clear it, best first (an override only where the project allows one). */
  clear?: string[];
  /** The security grade, A to F (security only). */
  grade?: PhaseRecord['grade'];
  /** Where it was completed: branch and HEAD commit (recorded beside the artifact, never in it). */
  provenance: NonNullable<PhaseRecord['provenance']>;
  /** True when this completion finished the sprint, which is then archived. */
  sprint_done: boolean;
  /** What the artifact reports of its own budget or failed attempts, near the thresholds (the CLI adds the sprint's). */
  warnings?: Warning[];
  /** With sprint_done: where the journal was written (see api/journal.ts). */
  journal?: { files: string[]; error?: string };
}

export async function complete(opts: CompleteOptions): Promise<CompleteResult> {
  const ctx = await openWithRemote(opts, 'view');
  return completeIn(ctx, activeSprint(ctx), { ...opts, check: await artifactCheck(ctx, opts) });
}

/** The project's JSON Schema check for the phase, loaded before completing (completeIn is synchronous). */
export async function artifactCheck(
  ctx: Ctx,
  o: { phase: string; artifact?: string; artifactBytes?: unknown },
): Promise<ArtifactCheck | undefined> {
  return o.artifactBytes || o.artifact !== undefined ? projectSchemaCheck(ctx, validatePhaseName(o.phase)) : undefined;
}

/**
 * Completes a phase of `sprint` in an open context (the post-commit hook
 * completes several phases of one commit in one context). Whether the agent
 * may still hold the phase is core/hold.ts's mayHold, decided on the tops of
 * each attempt: a lease that ran out completes only where a claim would be
 * granted now.
 */
export function completeIn(
  ctx: Ctx,
  sprint: SprintFile,
  opts: Omit<CompleteOptions, keyof CommonOptions> & { agent?: string; check?: ArtifactCheck },
): CompleteResult {
  const phase = validatePhaseName(opts.phase);
  const agent = agentOf(ctx, opts.agent).id;
  const roots = [ctx.repo.top, ctx.store.layout.root].filter((r): r is string => !!r);
  // Read, redact and validate the artifact before touching state: a bad one changes nothing.
  const art = opts.artifactBytes
    ? artifactFromBytes(opts.artifactBytes.bytes, opts.artifactBytes.source, opts.artifactBytes.source, phase, opts.check)
    : opts.artifact === undefined
      ? undefined
      : readArtifact(opts.artifact, ctx.cwd, roots, phase, opts.check);
  // The project's contract settings matter only to an artifact: a completion without one never reads them.
  const verdict = art ? judged(phase, art.json, contractSettings(ctx)) : {};
  const halt = verdict.halt;
  const warnings = art ? artifactWarnings(art.json, ledgerRules(ctx)) : [];
  const h = headInfo(ctx.repo.top ?? ctx.repo.gitDir, ctx.repo.gitDir, ctx.repo.commonDir);
  const provenance = {
    ...(h.branch ? { branch: h.branch.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 255) } : {}),
    ...(h.head ? { head: h.head } : {}),
  };
  const def = findPhase(sprint, phase);
  const rules = rulesOf(ctx);
  const proof = proofOf(ctx.identity);
  let appended;
  try {
    appended = appendPhase(ctx, sprint, phase, (t, now) => {
      mayHold(sprint, def, agent, t, now, 'complete', rules, proof);
      // Only the holder learns what its completion lacks; nothing is appended.
      if (!art && needsArtifact(phase))
        throw invalid(
          'E_BAD_ARTIFACT',
          `${phase} needs an artifact: its findings decide whether the sprint may ship; complete it with --artifact .conductor/${phase}.json (the fields: 'git conductor schema ${phase}'; an example: templates/artifacts/${phase}.json)`,
          { phase },
        );
      return {
        record: {
          kind: 'done',
          reason: 'complete',
          agent,
          host: ctx.host,
          at: iso(now),
          artifact: art?.ref,
          commit: opts.commit,
          ...verdict,
          provenance,
        },
        payload: art ? { [ARTIFACT_FILE]: art.bytes } : undefined,
      };
    });
  } catch (e) {
    throw withDisplacement(ctx, sprint, phase, agent, e);
  }
  const { entry } = appended;
  const done = completed(ctx, sprint, phase, entry, art?.redactions);
  return warnings.length ? { ...done, warnings: [...warnings, ...(done.warnings ?? [])] } : done;
}

/**
 * What a completion in place means: the phases it unlocked, the audit, and
 * the archive when it finished the sprint. Also for a completion kept after
 * its push's outcome was lost (the post-commit hook).
 */
export function completed(
  ctx: Ctx,
  sprint: SprintFile,
  phase: string,
  entry: Entry<PhaseRecord>,
  redactions = entry.record.artifact?.redacted ?? [],
): CompleteResult {
  const { agent, halt, halt_rule, grade, provenance } = entry.record;
  const ref = entry.record.artifact;
  // Read again after our append: another phase may have completed meanwhile, and
  // whoever completes the last phase must see it, or the sprint is never archived.
  const tops = ctx.store.tops(sprint);
  tops.set(phase, entry.record);
  const unlocked = sprint.phases
    .filter((p) => p.depends_on.includes(phase) && p.depends_on.every((d) => isDone(tops.get(d))))
    .map((p) => p.name);
  const sprintDone = allDone(sprint, tops);
  ctx.store.audit({
    at: entry.record.at,
    event: 'complete',
    sprint_id: sprint.id,
    phase,
    agent,
    host: ctx.host,
    detail: ref
      ? `artifact ${ref.source} sha256:${ref.sha256.slice(0, 12)}${grade ? ` grade ${grade}` : ''}${redactionDetail(redactions)}`.slice(
          0,
          1000,
        )
      : undefined,
  });
  if (halt) ctx.store.audit({ at: entry.record.at, event: 'halt', sprint_id: sprint.id, phase, agent, host: ctx.host, detail: halt });
  if (sprintDone) ctx.store.archiveSprint(sprint, entry.record.at);
  const journal = sprintDone ? writeFinishedJournal(ctx, sprint.id) : undefined;
  return withWarnings(ctx, {
    sprint_id: sprint.id,
    phase,
    agent,
    completed_at: entry.record.at,
    artifact: ref,
    unlocked,
    halt,
    ...(halt_rule ? { halt_rule } : {}),
    ...(halt ? { clear: phaseHaltClear(phase, !noOverride(ctx).includes(phase)) } : {}),
    grade,
    provenance: provenance ?? {},
    sprint_done: sprintDone,
    journal,
  });
}
