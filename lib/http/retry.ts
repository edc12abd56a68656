/** HTTP statuses that are final: asking again cannot change the answer. */
const FINAL_STATUSES = new Set([400, 401, 403, 404, 409, 410, 413, 422, 501]);

const BASE_DELAY_MS = 2_000;

/**
 * The longest wait between two attempts, in milliseconds: backoff stops
 * growing there, and a server that asks for longer (`Retry-After`, a
 * rate-limit reset) is not waited for: the request fails at once.
 */
export const MAX_WAIT_MS = 60_000;

/**
 * The shortest time worth an attempt, in milliseconds: when less than this is
 * left of the time budget after a wait, no attempt is made.
 */
const MIN_ATTEMPT_MS = 1_000;

/**
 * Whether an answer with this HTTP status is worth asking again: 408, 429 and
 * 5xx (but 501) are; other 4xx are not.
 *
 * @param status The HTTP status.
 * @returns `true` when a retry may succeed.
 */
export function isRetryableStatus(status: number): boolean {
  if (FINAL_STATUSES.has(status)) return false;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Reads a `Retry-After` header: seconds, or an HTTP date.
 *
 * @param header The header's value, or `null`.
 * @param now The current time in milliseconds since the epoch.
 * @returns The wait in milliseconds, or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null,
  now: number,
): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (0 for the first retry) when the
 * server gave no `Retry-After`: 2 s doubled each time, plus up to 25 %
 * jitter, at most 60 s.
 *
 * @param attempt How many retries came before this one.
 * @param random A number in [0, 1), for the jitter.
 * @returns The wait in milliseconds.
 */
export function backoffDelayMs(attempt: number, random: number): number {
  return Math.min(
    MAX_WAIT_MS,
    BASE_DELAY_MS * 2 ** attempt * (1 + 0.25 * random),
  );
}

/**
 * Whether a `fetch` failure is Deno refusing the request for want of a
 * permission: no retry can change that. Outside Deno (Node.js, Bun, a
 * browser) nothing is.
 *
 * @param error What `fetch` threw.
 * @returns `true` for a permission error.
 */
export function isPermissionError(error: unknown): error is Error {
  const errors = globalThis.Deno?.errors;
  return errors !== undefined &&
    (error instanceof errors.NotCapable ||
      error instanceof errors.PermissionDenied);
}

/**
 * Waits `ms` milliseconds: the default `sleep` of all that retries or polls.
 *
 * @param ms How long.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>((done) => setTimeout(done, ms));
}

/** One attempt's outcome, as {@linkcode retryWithBackoff} reads it. */
export type AttemptOutcome<T, F> =
  | { ok: true; value: T }
  | {
    ok: false;
    /** What went wrong, for the caller's error. */
    failure: F;
    /** Whether asking again may help. */
    retryable: boolean;
    /** The wait the server asked for (`Retry-After`, a rate-limit reset). */
    retryAfterMs?: number;
  };

/** Why {@linkcode retryWithBackoff} stopped asking. */
export type GiveUpReason =
  /** The failure is final: asking again cannot help. */
  | { kind: "final"; attempts: number; elapsedMs: number }
  /** Every attempt was used. */
  | { kind: "attempts"; attempts: number; elapsedMs: number }
  /** The next wait, and an attempt after it, would end past the time budget. */
  | { kind: "time"; attempts: number; elapsedMs: number; waitMs: number }
  /** The server asked for a wait longer than {@linkcode MAX_WAIT_MS}. */
  | { kind: "wait"; attempts: number; elapsedMs: number; waitMs: number };

/** How many times and how long to keep asking, and what to do when giving up. */
export interface RetryPolicy<F> {
  /** Attempts, the first included. */
  maxAttempts: number;
  /** Milliseconds all attempts may take, the attempts themselves and the waits between them. */
  maxTotalMs: number;
  /** Waits between attempts; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
  /** A number in [0, 1) for backoff jitter. */
  random?: () => number;
  /** Told of each failure that will be retried, and the wait before the retry. */
  onRetry?: (failure: F, attempt: number, waitMs: number) => void;
  /** Turns the last failure into the error thrown. */
  giveUp: (failure: F, reason: GiveUpReason) => Error;
}

/**
 * Runs `attempt` until it succeeds, its failure is final, the attempts run
 * out, the server asks for a wait over {@linkcode MAX_WAIT_MS}, or the next
 * wait would leave less than a second of the time budget. Waits are what the
 * server asked for, else {@linkcode backoffDelayMs}. Each attempt is told how
 * much of the budget is left, and must end within it (its timeout), so that
 * the budget holds for attempts and waits together.
 *
 * @param attempt Makes one attempt; receives its number, from 1, and the milliseconds left of the budget.
 * @param policy The limits, the clock and how to give up.
 * @returns The first successful attempt's value.
 * @throws whatever `policy.giveUp` returns.
 */
export async function retryWithBackoff<T, F>(
  attempt: (
    attemptNumber: number,
    remainingMs: number,
  ) => Promise<AttemptOutcome<T, F>>,
  policy: RetryPolicy<F>,
): Promise<T> {
  const now = policy.now ?? Date.now;
  const random = policy.random ?? Math.random;
  const wait = policy.sleep ?? sleep;
  const started = now();
  for (let attempts = 1;; attempts++) {
    const outcome = await attempt(
      attempts,
      policy.maxTotalMs - (now() - started),
    );
    if (outcome.ok) return outcome.value;
    const elapsedMs = now() - started;
    if (!outcome.retryable) {
      throw policy.giveUp(outcome.failure, {
        kind: "final",
        attempts,
        elapsedMs,
      });
    }
    if (attempts >= policy.maxAttempts) {
      throw policy.giveUp(outcome.failure, {
        kind: "attempts",
        attempts,
        elapsedMs,
      });
    }
    const waitMs = outcome.retryAfterMs ??
      backoffDelayMs(attempts - 1, random());
    if (waitMs > MAX_WAIT_MS) {
      throw policy.giveUp(outcome.failure, {
        kind: "wait",
        attempts,
        elapsedMs,
        waitMs,
      });
    }
    if (elapsedMs + waitMs + MIN_ATTEMPT_MS > policy.maxTotalMs) {
      throw policy.giveUp(outcome.failure, {
        kind: "time",
        attempts,
        elapsedMs,
        waitMs,
      });
    }
    policy.onRetry?.(outcome.failure, attempts, waitMs);
    await wait(waitMs);
  }
}
