/**
 * The library API. Every function takes an options object and returns data;
 * failures are ConductorError with a `code`, an `exitCode` and `data`.
 */
export { start, type StartOptions, type StartResult } from './start.js';
export { claim, renew, next, type ClaimOptions, type ClaimResult, type NextOptions, type NextResult, type RenewOptions } from './claim.js';
export { complete, type CompleteOptions, type CompleteResult } from './complete.js';
export { renewHeld, type RenewHeldOptions, type RenewHeldResult } from './keep-leases.js';
export type { Displacement } from './displaced.js';
export { prime, type PrimeResult } from './prime.js';
export { agentHook, AGENT_TOOLS, type AgentTool, type AgentHookOptions, type AgentHookResult } from './agent-hooks.js';
export { abort, unstuck, type ReleaseOptions, type ReleaseResult } from './release.js';
export { status, batch, whoami, type StatusResult } from './status.js';
export { artifactShow, artifactRaw, type ArtifactShowOptions, type ArtifactShowResult } from './artifact-show.js';
export { log, type LogOptions, type LogResult } from './history.js';
export { context, type ContextOptions, type ContextResult } from './digest.js';
export { resume, type ResumeOptions, type ResumeResult } from './resume.js';
export { journal, type JournalOptions, type JournalResult } from './journal.js';
export { clean, type CleanOptions } from './clean.js';
export { reopen, type ReopenOptions, type ReopenResult, type Reopened } from './reopen.js';
export { override, type OverrideOptions, type OverrideResult } from './override.js';
export {
  budgetSet,
  budgetAdd,
  budgetStatus,
  type BudgetAddOptions,
  type BudgetChange,
  type BudgetSetOptions,
  type BudgetStatus,
} from './budget.js';
export { attemptFail, attemptOk, attemptStatus, type AttemptOptions, type AttemptResult, type AttemptStatus } from './attempt.js';
export { warnings } from './ledger.js';
export type { HaltInfo } from './halts.js';
export type { Warning } from '../core/ledger.js';
export type { OverriddenHalt } from '../core/halts.js';
export { phaseNames } from './phase-names.js';
export { stateDir } from './state-dir.js';
export { installHooks, uninstallHooks, hooksStatus, type HooksOptions, type HooksResult, type HooksStatus } from './hooks.js';
export { hooksMoved, type HooksMoved, type HooksWatchOptions } from './hooks-watch.js';
export { postCommit, type PostCommitOptions, type PostCommitResult, type PhaseOutcome } from './post-commit.js';
export { prePush, type PreCommitPush, type PrePushOptions, type PrePushResult } from './pre-push.js';
export type { CommonOptions } from './context.js';
export type { RemoteNeed } from './remote-attach.js';
export type { InitOptions, InitResult, DeinitOptions, DeinitResult, SyncResult, DoctorCheck } from './remote.js';

// The coordination-remote functions load on first use: they bring in the ref,
// object and push code that the local commands never need.
type RemoteApi = typeof import('./remote.js');
const remoteApi = () => import('./remote.js');
export const init: RemoteApi['init'] = async (o) => (await remoteApi()).init(o);
export const deinit: RemoteApi['deinit'] = async (o) => (await remoteApi()).deinit(o);
export const sync: RemoteApi['sync'] = async (o) => (await remoteApi()).sync(o);
export const doctor: RemoteApi['doctor'] = async (o) => (await remoteApi()).doctor(o);
// setup and the MCP server load on first use, from their own bundles in the CLI and the library (api/heavy.ts).
export type { SetupOptions, SetupResult, SetupFile } from './setup.js';
export type { McpOptions } from '../mcp/server.js';
export const setup: (typeof import('./setup.js'))['setup'] = async (o) => (await loadSetup()).setup(o);
export const serveMcp: (typeof import('../mcp/server.js'))['serveMcp'] = async (o) => (await loadMcp()).serveMcp(o);
import { loadMcp, loadSetup } from './heavy.js';
// The server hook and the CI check load on first use too.
export type { ServerHookResult, ServerStatus, ServerOptions, ServerInstallOptions, PreReceiveOptions } from './server.js';
export type { VerifyOptions, VerifyResult } from './verify.js';
type ServerApi = typeof import('./server.js');
const serverApi = () => import('./server.js');
export const serverInstall: ServerApi['serverInstall'] = async (o) => (await serverApi()).serverInstall(o);
export const serverUninstall: ServerApi['serverUninstall'] = async (o) => (await serverApi()).serverUninstall(o);
export const serverStatus: ServerApi['serverStatus'] = async (o) => (await serverApi()).serverStatus(o);
export const serverPreReceive: ServerApi['serverPreReceive'] = async (o) => (await serverApi()).serverPreReceive(o);
export const verify: (typeof import('./verify.js'))['verify'] = async (o) => (await import('./verify.js')).verify(o);
export { ConductorError, ERROR_CODES, ExitCode, isCode, isRefusal, isUnreachable, type ErrorCode } from '../core/errors.js';
export { RETRY_BOUNDS } from '../core/retry-bounds.js';
export { DEFAULT_PHASES, validateGraph } from '../core/graph.js';
export { nextAction, type NextAction } from '../core/next-action.js';
export type { PhaseDef, PhaseRecord, SprintFile } from '../core/schemas.js';
export type { ValidateOptions, ValidateResult } from './artifact-validate.js';

// Checking an artifact file and printing a schema are rare: their modules initialise on first use.
type ValidateApi = typeof import('./artifact-validate.js');
export const validateArtifactFile: ValidateApi['validateArtifactFile'] = async (o) =>
  (await import('./artifact-validate.js')).validateArtifactFile(o);
export const artifactSchema: (typeof import('./schema.js'))['artifactSchema'] = async (o) =>
  (await import('./schema.js')).artifactSchema(o);
