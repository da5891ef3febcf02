/**
 * The library API. Every function takes an options object and returns data;
 * failures are ConductorError with a `code`, an `exitCode` and `data`.
 */
export { start, type StartOptions, type StartResult } from './start.js';
export { claim, renew, next, type ClaimOptions, type ClaimResult, type NextOptions, type NextResult, type RenewOptions } from './claim.js';
export { complete, type CompleteOptions, type CompleteResult } from './complete.js';
export { abort, unstuck, type ReleaseOptions, type ReleaseResult } from './release.js';
export { status, batch, log, whoami, artifactShow, type StatusResult, type LogOptions } from './status.js';
export { clean, type CleanOptions } from './clean.js';
export { installHooks, uninstallHooks, hooksStatus, type HooksResult, type HooksStatus } from './hooks.js';
export { postCommit, prePush, type PostCommitResult, type PhaseOutcome, type PrePushOptions, type PrePushResult } from './hook-run.js';
export type { CommonOptions } from './context.js';
export { ConductorError, ExitCode } from '../core/errors.js';
export { DEFAULT_PHASES, validateGraph } from '../core/graph.js';
export type { PhaseDef, PhaseRecord, SprintFile } from '../core/schemas.js';
