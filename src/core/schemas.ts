/**
 * zod schemas for every file the tool reads or writes, in the state directory
 * and in refs. Anything read back may have been crafted by a teammate or an
 * attacker, so strings that end up in paths or on a terminal are restricted
 * to safe character sets here, once.
 *
 * Schemas are built on first use: building every zod schema at start-up costs
 * more than most commands take in all, and each command needs only a few.
 */
import * as z from 'zod/mini';
import { HALT_RULES } from './contract/halts.js';

/** Builds the value once, when first asked for. */
export const lazy = <T>(make: () => T): (() => T) => {
  let v: T | undefined;
  return () => (v ??= make());
};

export const PHASE_NAME_RE = /^[a-z][a-z0-9-]*$/;
export const AGENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}$/;
export const HOST_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
export const SPRINT_ID_RE = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;
const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const OID_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

// Leaf schemas are built once and shared by every schema that uses them.
const phaseName = lazy(() => z.string().check(z.maxLength(64), z.regex(PHASE_NAME_RE)));
export const agentId = lazy(() => z.string().check(z.regex(AGENT_ID_RE)));
const host = lazy(() => z.string().check(z.regex(HOST_RE)));
const isoTime = lazy(() => z.string().check(z.regex(ISO_RE)));
const sprintId = lazy(() => z.string().check(z.regex(SPRINT_ID_RE)));
const seqNumber = lazy(() => z.number().check(z.int(), z.minimum(1)));
const recordId = lazy(() => z.string().check(z.regex(/^[0-9a-f]{16}$/)));
const safeText = (max: number) => z.string().check(z.maxLength(max), z.regex(/^[^\u0000-\u001f\u007f-\u009f]*$/));

export const Concurrency = lazy(() => z.enum(['read', 'write', 'exclusive']));
export type Concurrency = z.infer<ReturnType<typeof Concurrency>>;

/** A phase as a user writes it: concurrency is optional there. */
export const PhaseInput = lazy(() =>
  z.object({
    name: z.string(),
    depends_on: z.optional(z.array(z.string())),
    concurrency: z.optional(z.string()),
  }),
);

/** A phase as stored: everything resolved and validated. */
export const PhaseDef = lazy(() =>
  z.strictObject({
    name: phaseName(),
    depends_on: z.array(phaseName()),
    concurrency: Concurrency(),
  }),
);
export type PhaseDef = z.infer<ReturnType<typeof PhaseDef>>;

export const SprintFile = lazy(() =>
  z.strictObject({
    v: z.literal(1),
    id: sprintId(),
    started_by: agentId(),
    host: host(),
    started_at: isoTime(),
    status: z.enum(['active', 'archived']),
    archived_at: z.optional(isoTime()),
    source: z.enum(['default', 'inline', 'file', 'project', 'nanostack']),
    phases: z.array(PhaseDef()).check(z.minLength(1), z.maxLength(1000)),
    /** The lease length given with the graph (`start --phases` with an object carrying `lease_ttl`). */
    lease_ttl: z.optional(z.string().check(z.regex(/^\d{1,7}[smhd]$/))),
  }),
);
export type SprintFile = z.infer<ReturnType<typeof SprintFile>>;

export const ArtifactRef = lazy(() =>
  z.strictObject({
    sha256: z.string().check(z.regex(SHA256_RE)),
    bytes: z.number().check(z.int(), z.minimum(0)),
    source: safeText(4096),
    /** Secrets replaced before the bytes were hashed: their kind and JSON path, never the secret. */
    redacted: z.optional(
      z.array(z.strictObject({ kind: z.string().check(z.regex(/^[a-z0-9-]{1,40}$/)), path: safeText(300) })).check(z.maxLength(100)),
    ),
  }),
);
export type ArtifactRef = z.infer<ReturnType<typeof ArtifactRef>>;

export const Holder = lazy(() => z.strictObject({ agent: agentId(), host: host(), at: isoTime() }));

/**
 * One entry of a phase's append-only log. The phase's state is its newest
 * entry; every change appends the next sequence number (see store/seq-log.ts).
 */
export const PhaseRecord = lazy(() =>
  z.strictObject({
    v: z.literal(1),
    seq: seqNumber(),
    id: recordId(),
    /**
     * claim and release hold and free a phase; done completes it. reopen turns
     * a done phase back into a ready one (the done entry and its artifact stay
     * below it); override clears a done phase's halt by a human's decision and
     * keeps it done (it carries the completion's artifact, so the top entry of a
     * done phase always holds its artifact). See core/halts.ts.
     */
    kind: z.enum(['claim', 'release', 'done', 'reopen', 'override']),
    agent: agentId(),
    host: host(),
    at: isoTime(),
    expires_at: z.optional(isoTime()),
    pid: z.optional(z.number().check(z.int(), z.minimum(1))),
    reason: z.optional(z.enum(['claim', 'renew', 'takeover', 'abort', 'unstuck', 'force', 'rollback', 'complete', 'reopen', 'override'])),
    previous: z.optional(Holder()),
    artifact: z.optional(ArtifactRef()),
    commit: z.optional(z.string().check(z.regex(OID_RE))),
    halt: z.optional(safeText(500)),
    /** reopen, override: the human's reason (`--reason`). */
    why: z.optional(safeText(500)),
    /** override: the halt it cleared, exactly as the done entry below it recorded it. */
    overridden: z.optional(safeText(500)),
    /** reopen --cascade: the phase whose reopening reopened this dependant. */
    cascade_from: z.optional(phaseName()),
    /** The claimer's holder session (core/agent.ts holderSession) and the sha256 of its claim token (core/holder-proof.ts). */
    session: z.optional(z.string().check(z.regex(/^[0-9a-f]{16}$/))),
    token_sha256: z.optional(z.string().check(z.regex(SHA256_RE))),
    /** Which rule of contract/halts.ts the halt comes from. */
    halt_rule: z.optional(z.enum(HALT_RULES)),
    /** The security grade its artifact earned (contract/grade.ts). */
    grade: z.optional(z.enum(['A', 'B', 'C', 'D', 'F'])),
    /** The contract the artifact was judged by, so every clone judges it alike. */
    contract: z.optional(
      z.strictObject({ schema_version: z.literal('1'), qa_threshold: z.optional(z.number().check(z.minimum(0), z.maximum(1))) }),
    ),
    /** Where the completion was made: the work tree's branch and HEAD commit (agent, host and time are above). */
    provenance: z.optional(z.strictObject({ branch: z.optional(safeText(255)), head: z.optional(z.string().check(z.regex(OID_RE))) })),
    /** Taken with --offline: not yet on the coordination remote; `sync` publishes it or rolls it back. */
    offline: z.optional(z.literal(true)),
  }),
);
export type PhaseRecord = z.infer<ReturnType<typeof PhaseRecord>>;

/** An attempt key (`attempt fail --key K`): what the attempts were at, e.g. a test name or an error. */
export const ATTEMPT_KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._:/@+#-]{0,127}$/;
const attemptKey = lazy(() => z.string().check(z.regex(ATTEMPT_KEY_RE)));
const tokens = lazy(() => z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)));
const usd = lazy(() => z.number().check(z.minimum(0), z.maximum(1e12)));
const Spent = lazy(() => z.strictObject({ tokens: tokens(), usd: usd() }));

/** What the sprint's ledger holds after an entry: its newest entry alone is the ledger's state. */
export const LedgerState = lazy(() =>
  z.strictObject({
    limit: z.optional(z.strictObject({ tokens: tokens(), usd: z.optional(usd()) })),
    used: Spent(),
    by_phase: z.record(phaseName(), Spent()),
    /** Consecutive failures per key, since the key's last `ok` (only keys with at least one). */
    failures: z.record(
      attemptKey(),
      z.strictObject({ count: z.number().check(z.int(), z.minimum(1)), since: isoTime(), note: z.optional(safeText(200)) }),
    ),
    /** A human let the sprint go on past its budget; stands until the limit is set again. */
    override: z.optional(z.strictObject({ agent: agentId(), host: host(), at: isoTime(), why: safeText(500) })),
  }),
);
export type LedgerState = z.infer<ReturnType<typeof LedgerState>>;

/**
 * One entry of a sprint's ledger (budget and attempts; see core/ledger.ts):
 * the operation and the state it leads to, which anyone can recompute from
 * the entry below it (imported entries are checked so).
 */
export const LedgerRecord = lazy(() =>
  z.strictObject({
    v: z.literal(1),
    seq: seqNumber(),
    id: recordId(),
    kind: z.enum(['limit', 'spend', 'fail', 'ok', 'override']),
    agent: agentId(),
    host: host(),
    at: isoTime(),
    tokens: z.optional(tokens()),
    usd: z.optional(usd()),
    phase: z.optional(phaseName()),
    key: z.optional(attemptKey()),
    note: z.optional(safeText(500)),
    why: z.optional(safeText(500)),
    state: LedgerState(),
    offline: z.optional(z.literal(true)),
  }),
);
export type LedgerRecord = z.infer<ReturnType<typeof LedgerRecord>>;

/** One entry of the repository's head log: which sprint is active. */
export const HeadRecord = lazy(() =>
  z.strictObject({
    v: z.literal(1),
    seq: seqNumber(),
    id: recordId(),
    kind: z.literal('start'),
    sprint_id: sprintId(),
    agent: agentId(),
    host: host(),
    at: isoTime(),
  }),
);
export type HeadRecord = z.infer<ReturnType<typeof HeadRecord>>;

/** `<state dir>/config.json`: this clone's settings, written by `init`. */
export const LocalConfig = lazy(() =>
  z.strictObject({
    v: z.literal(1),
    remote: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/))),
    namespace: z.optional(z.string().check(z.regex(/^refs\/[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)*$/), z.maxLength(100))),
  }),
);
export type LocalConfig = z.infer<ReturnType<typeof LocalConfig>>;

/** `.git-conductor.json` at the top of the work tree: tracked, shared by the team. */
export const ProjectConfig = lazy(() =>
  z.looseObject({
    phases: z.optional(z.array(PhaseInput())),
    lease_ttl: z.optional(z.string()),
    /** The longest lease anyone may hold; every claim and renewal is capped to it. */
    lease_ttl_max: z.optional(z.string()),
    /** How long past a lease's end a takeover waits (core/hold.ts), e.g. "30s"; "0s" for none. */
    lease_grace: z.optional(z.string()),
    protected_refs: z.optional(z.array(z.string().check(z.maxLength(200)))),
    /** Gates a human may not override: phase names, or `budget`. */
    no_override: z.optional(z.array(z.string().check(z.maxLength(64)))),
    budget: z.optional(
      z.strictObject({
        /** Fraction of the limit at which every state-changing command warns (default 0.8). */
        warn_at: z.optional(z.number().check(z.minimum(0), z.maximum(10))),
        /** Fraction of the limit at which the sprint halts (default 1). */
        halt_at: z.optional(z.number().check(z.gt(0), z.maximum(10))),
      }),
    ),
    /** Consecutive failed attempts on one key that halt the sprint (default 3). */
    circuit_breaker: z.optional(z.strictObject({ failures: z.number().check(z.int(), z.minimum(1), z.maximum(1000)) })),
    /** Where the journal is written when the last phase completes, relative to the work tree; `{sprint}` is the sprint id. */
    journal_path: z.optional(z.string().check(z.maxLength(300))),
    /** Retention (core/retention.ts): how many sprints, and how many days of them, keep their refs and local state. */
    keep_sprints: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100_000))),
    keep_days: z.optional(z.number().check(z.minimum(0), z.maximum(100_000))),
  }),
);
export type ProjectConfig = z.infer<ReturnType<typeof ProjectConfig>>;

export const AuditEntry = lazy(() =>
  z.looseObject({
    at: isoTime(),
    event: z.enum([
      'start',
      'claim',
      'renew',
      'complete',
      'abort',
      'unstuck',
      'takeover',
      'rollback',
      'clean',
      'bypass',
      'halt',
      'sync',
      'reopen',
      'override',
      'budget',
      'attempt',
      'hooks',
    ]),
    sprint_id: z.optional(sprintId()),
    phase: z.optional(phaseName()),
    agent: z.optional(agentId()),
    host: z.optional(host()),
    detail: z.optional(safeText(1000)),
  }),
);
export type AuditEntry = z.infer<ReturnType<typeof AuditEntry>>;

/** Parse or say, in one line, which field is wrong. */
export function check<T>(
  schema: z.ZodMiniType<T> | (() => z.ZodMiniType<T>),
  value: unknown,
): { ok: true; value: T } | { ok: false; problem: string } {
  const r = (typeof schema === 'function' ? schema() : schema).safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join('.') : 'value';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
}
