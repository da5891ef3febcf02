/**
 * Typed errors. Every error the tool raises on purpose is a ConductorError:
 * a stable `code` for programs, an `exitCode` for shells, `data` for --json,
 * and a one-line message that says what was wrong and how to fix it.
 *
 * ERROR_CODES is the one table of codes and their exit codes (README "Exit
 * codes" lists the same; a test keeps the two equal). The constructors below
 * accept only the codes of their own exit code, so a code can never be raised
 * with two meanings, and callers test meanings with the predicates at the
 * end, never by comparing exit numbers.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  invalid: 2,
  unavailable: 3,
  blocked: 4,
  unreachable: 5,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const ERROR_CODES = {
  E_CORRUPT_STATE: ExitCode.unexpected,
  E_BAD_REMOTE_REF: ExitCode.unexpected,
  E_UNEXPECTED: ExitCode.unexpected,
  E_SETUP_DRIFT: ExitCode.unexpected,
  E_NO_WORK_TREE: ExitCode.invalid,
  E_BARE_REPO: ExitCode.invalid,
  E_UNKNOWN_SPRINT: ExitCode.invalid,
  E_BAD_PUSH_INPUT: ExitCode.invalid,
  E_USAGE: ExitCode.invalid,
  E_UNKNOWN_PHASE: ExitCode.invalid,
  E_BAD_PHASE_NAME: ExitCode.invalid,
  E_BAD_GRAPH: ExitCode.invalid,
  E_BAD_ARTIFACT: ExitCode.invalid,
  E_BAD_AGENT: ExitCode.invalid,
  E_BAD_DURATION: ExitCode.invalid,
  E_BAD_DAYS: ExitCode.invalid,
  E_BAD_CONFIG: ExitCode.invalid,
  E_NOT_A_REPO: ExitCode.invalid,
  E_NO_REMOTE: ExitCode.invalid,
  E_BAD_REMOTE: ExitCode.invalid,
  E_BAD_NAMESPACE: ExitCode.invalid,
  E_BAD_HOOK_INPUT: ExitCode.invalid,
  E_BAD_BUDGET: ExitCode.invalid,
  E_BAD_SPRINT_ID: ExitCode.invalid,
  E_BAD_OUT: ExitCode.invalid,
  E_NOT_BARE: ExitCode.invalid,
  E_NO_CLI: ExitCode.invalid,
  E_REF_REFUSED: ExitCode.invalid,
  E_HELD: ExitCode.unavailable,
  E_LOST_RACE: ExitCode.unavailable,
  E_ALREADY_DONE: ExitCode.unavailable,
  E_NOT_HOLDER: ExitCode.unavailable,
  E_NOT_CLAIMED: ExitCode.unavailable,
  E_LEASE_LIVE: ExitCode.unavailable,
  E_NO_SPRINT: ExitCode.unavailable,
  E_SPRINT_ARCHIVED: ExitCode.unavailable,
  E_NO_ARTIFACT: ExitCode.unavailable,
  E_SYNC_CONFLICT: ExitCode.unavailable,
  E_REMOTE_BUSY: ExitCode.unavailable,
  E_DIVERGED: ExitCode.unavailable,
  E_ENTRY_GONE: ExitCode.unavailable,
  E_DEPENDENCY: ExitCode.blocked,
  E_CONCURRENCY: ExitCode.blocked,
  E_HALTED: ExitCode.blocked,
  E_SHIP_GATE: ExitCode.blocked,
  E_CLOCK_SKEW: ExitCode.blocked,
  E_REMOTE_UNREACHABLE: ExitCode.unreachable,
  E_REMOTE_REFUSED: ExitCode.unreachable,
  E_OUTCOME_UNKNOWN: ExitCode.unreachable,
} as const satisfies Record<string, ExitCodeValue>;

export type ErrorCode = keyof typeof ERROR_CODES;
/** The codes raised with exit code `X`. */
export type CodeOf<X extends ExitCodeValue> = { [C in ErrorCode]: (typeof ERROR_CODES)[C] extends X ? C : never }[ErrorCode];

export class ConductorError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, exitCode: ExitCodeValue, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConductorError';
    this.code = code;
    this.exitCode = exitCode;
    this.data = data;
  }
}

/** The error for `code`, with the exit code the table gives it. */
export const conductorError = (code: ErrorCode, message: string, data?: Record<string, unknown>) =>
  new ConductorError(code, ERROR_CODES[code], message, data);

/** Bad flags, bad names, bad graphs, bad artifacts: exit 2. */
export const invalid = (code: CodeOf<typeof ExitCode.invalid>, message: string, data?: Record<string, unknown>) =>
  conductorError(code, message, data);

/** Held by another agent, lost a race, already done: exit 3. */
export const unavailable = (code: CodeOf<typeof ExitCode.unavailable>, message: string, data?: Record<string, unknown>) =>
  conductorError(code, message, data);

/** A dependency is not done, or the concurrency class forbids it: exit 4. */
export const blocked = (code: CodeOf<typeof ExitCode.blocked>, message: string, data?: Record<string, unknown>) =>
  conductorError(code, message, data);

/** The coordination remote cannot be reached: exit 5. */
export const unreachable = (code: CodeOf<typeof ExitCode.unreachable>, message: string, data?: Record<string, unknown>) =>
  conductorError(code, message, data);

/** A state file that does not parse or validate: exit 1, naming the file and the repair. */
export const corrupt = (file: string, problem: string, repair: string) =>
  conductorError('E_CORRUPT_STATE', `corrupt state file ${file}: ${problem}; ${repair}`, { file, problem });

export const isConductorError = (e: unknown): e is ConductorError =>
  e instanceof Error && typeof (e as ConductorError).exitCode === 'number' && typeof (e as ConductorError).code === 'string';

/** Is `e` the error with this code (or one of these codes)? */
export const isCode = (e: unknown, ...codes: ErrorCode[]): e is ConductorError => isConductorError(e) && codes.includes(e.code);

/** The coordination remote could not be reached in time, or refused our refs (exit 5): working offline is the way on. */
export const isUnreachable = (e: unknown): e is ConductorError => isConductorError(e) && e.exitCode === ExitCode.unreachable;

/** Someone else has it, or it is gone (exit 3): another phase may still be free. */
export const isUnavailable = (e: unknown): e is ConductorError => isConductorError(e) && e.exitCode === ExitCode.unavailable;

/** Not allowed yet: a dependency, a concurrency class, a halt (exit 4). */
export const isBlocked = (e: unknown): e is ConductorError => isConductorError(e) && e.exitCode === ExitCode.blocked;

/** A refusal that a change of state may lift: unavailable or blocked (exit 3 or 4). */
export const isRefusal = (e: unknown): e is ConductorError => isUnavailable(e) || isBlocked(e);
