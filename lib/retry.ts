/** HTTP statuses that are final: asking again cannot change the answer. */
const FINAL_STATUSES = new Set([400, 401, 403, 404, 409, 410, 413, 422, 501]);

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;

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
    MAX_DELAY_MS,
    BASE_DELAY_MS * 2 ** attempt * (1 + 0.25 * random),
  );
}

/**
 * Whether a `fetch` failure is Deno refusing the request for want of a
 * permission: no retry can change that.
 *
 * @param error What `fetch` threw.
 * @returns `true` for a permission error.
 */
export function isPermissionError(error: unknown): error is Error {
  return error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied;
}

/**
 * Waits `ms` milliseconds: the default `sleep` of all that retries or polls.
 *
 * @param ms How long.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise<void>((done) => setTimeout(done, ms));
}
