/**
 * Typed errors. Every error the tool raises on purpose is a ConductorError:
 * a stable `code` for programs, an `exitCode` for shells, `data` for --json,
 * and a one-line message that says what was wrong and how to fix it.
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

export class ConductorError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly data: Record<string, unknown>;

  constructor(code: string, exitCode: ExitCodeValue, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ConductorError';
    this.code = code;
    this.exitCode = exitCode;
    this.data = data;
  }
}

/** Bad flags, bad names, bad graphs, bad artifacts: exit 2. */
export const invalid = (code: string, message: string, data?: Record<string, unknown>) =>
  new ConductorError(code, ExitCode.invalid, message, data);

/** Held by another agent, lost a race, already done: exit 3. */
export const unavailable = (code: string, message: string, data?: Record<string, unknown>) =>
  new ConductorError(code, ExitCode.unavailable, message, data);

/** A dependency is not done, or the concurrency class forbids it: exit 4. */
export const blocked = (code: string, message: string, data?: Record<string, unknown>) =>
  new ConductorError(code, ExitCode.blocked, message, data);

/** The coordination remote cannot be reached: exit 5. */
export const unreachable = (code: string, message: string, data?: Record<string, unknown>) =>
  new ConductorError(code, ExitCode.unreachable, message, data);

/** A state file that does not parse or validate: exit 1, naming the file and the repair. */
export const corrupt = (file: string, problem: string, repair: string) =>
  new ConductorError(
    'E_CORRUPT_STATE',
    ExitCode.unexpected,
    `corrupt state file ${file}: ${problem}; ${repair}`,
    { file, problem },
  );

export const isConductorError = (e: unknown): e is ConductorError =>
  e instanceof Error && typeof (e as ConductorError).exitCode === 'number' && typeof (e as ConductorError).code === 'string';
