import { WandbError } from "../errors.ts";
import {
  type AttemptOutcome,
  type GiveUpReason,
  isRetryableStatus,
  MAX_WAIT_MS,
  parseRetryAfter,
  retryWithBackoff,
} from "../http/retry.ts";
import {
  fetchText,
  type LastingFailure,
  type NoAnswer,
  type TextAnswer,
} from "../http/timed_fetch.ts";
import {
  formatSeconds,
  oneLine,
  quoteForMessage,
  redactSecrets,
} from "../_message.ts";

/** How to reach W&B and how patiently to ask. */
export interface WandbConnection {
  /** The API base URL, e.g. `https://api.wandb.ai` (no trailing `/`). */
  baseUrl: string;
  /** The API key, sent as HTTP Basic `api:<key>`. */
  apiKey: string;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: typeof fetch;
  /** Milliseconds one attempt may take, body included. Default 30,000. */
  timeoutMs?: number;
  /** Attempts per request, the first included. Default 5. */
  maxAttempts?: number;
  /** Milliseconds all attempts of one request may take, waits included. Default 120,000. */
  maxTotalMs?: number;
  /** Waits between attempts; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
  /** A number in [0, 1) for backoff jitter. */
  random?: () => number;
  /**
   * Receives debug lines: one per retry (`attempt 1 failed: ...`) unless
   * `onRetry` is given.
   */
  log?: (line: string) => void;
  /**
   * Told of each retry in one line for people, whether or not debugging is
   * on: what failed, the attempt out of how many, and the wait, e.g.
   * `W&B request attempt 1 of 5 failed: W&B answered HTTP 503: busy; retrying in 2 s`.
   */
  onRetry?: (line: string) => void;
}

/** What a GraphQL request sends. */
export interface GraphqlRequest {
  /** The GraphQL document. */
  query: string;
  /** Its variables. */
  variables: Record<string, unknown>;
}

const DEFAULTS = { timeoutMs: 30_000, maxAttempts: 5, maxTotalMs: 120_000 };
const USER_AGENT = "wandb-runs-action (Deno)";

/** A failed attempt: a one-line message free of secrets, and the HTTP status if any. */
interface Failure {
  message: string;
  status?: number;
}

/**
 * Posts one GraphQL request to `{baseUrl}/graphql`, retrying 408, 429, 5xx,
 * answers that are not JSON (a proxy's page, a truncated body) and network
 * failures with backoff (honouring `Retry-After`), within a bounded number of
 * attempts and total time.
 *
 * Failures that asking again will not heal end at once with an error that
 * names the URL tried and `WANDB_BASE_URL`: HTTP 404, a refused connection
 * (nothing listens there), a host name that does not resolve, a port Deno
 * blocks. A refused connection may be a server restarting, but far more often
 * a wrong URL, and the job is better rerun than kept waiting for either.
 *
 * @param request The document and variables.
 * @param connection Where and how to send it.
 * @returns The response's `data`, not yet validated.
 * @throws {WandbError} with a one-line message that never holds the key.
 */
export function postGraphql(
  request: GraphqlRequest,
  connection: WandbConnection,
): Promise<unknown> {
  const timeoutMs = connection.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxAttempts = connection.maxAttempts ?? DEFAULTS.maxAttempts;
  const maxTotalMs = connection.maxTotalMs ?? DEFAULTS.maxTotalMs;
  const endpoint = `${connection.baseUrl}/graphql`;
  const credentials = btoa(`api:${connection.apiKey}`);
  // The key in plain and in its Basic form (padded or not), should a server
  // echo the request.
  const secrets = [
    connection.apiKey,
    credentials,
    credentials.replace(/=+$/, ""),
  ];
  const now = connection.now ?? Date.now;
  const log = connection.log ?? (() => {});
  const init: RequestInit = {
    method: "POST",
    headers: {
      "authorization": `Basic ${credentials}`,
      "content-type": "application/json",
      "accept": "application/json",
      "user-agent": USER_AGENT,
    },
    body: JSON.stringify(request),
  };
  return retryWithBackoff<unknown, Failure>(async (_attempt, remainingMs) => {
    // The last attempt may only use what is left of the budget.
    const attemptMs = Math.min(timeoutMs, remainingMs);
    const result = await fetchText(
      connection.fetch ?? fetch,
      endpoint,
      init,
      attemptMs,
    );
    return result.ok
      ? readAnswer(result.answer, { secrets, now: now(), endpoint })
      : noAnswer(result.why, endpoint, attemptMs);
  }, {
    maxAttempts,
    maxTotalMs,
    sleep: connection.sleep,
    now,
    random: connection.random,
    onRetry: (failure, attempt, waitMs) => {
      const retrying = `${failure.message}; retrying in ${
        formatSeconds(waitMs)
      }`;
      if (connection.onRetry === undefined) {
        log(`attempt ${attempt} failed: ${retrying}`);
      } else {
        connection.onRetry(
          `W&B request attempt ${attempt} of ${maxAttempts} failed: ${retrying}`,
        );
      }
    },
    giveUp: (failure, reason) =>
      new WandbError(
        reason.kind === "final"
          ? failure.message
          : `${failure.message} (${gaveUp(reason)})`,
        { status: failure.status },
      ),
  });
}

function gaveUp(reason: GiveUpReason): string {
  const tried = `gave up after ${reason.attempts} attempt${
    reason.attempts === 1 ? "" : "s"
  } in ${formatSeconds(reason.elapsedMs)}`;
  switch (reason.kind) {
    case "time":
      return `${tried}: waiting ${
        formatSeconds(reason.waitMs)
      } more would pass the time limit`;
    case "wait":
      return `${tried}: W&B asked to wait ${
        formatSeconds(reason.waitMs)
      }, more than the ${formatSeconds(MAX_WAIT_MS)} waited at most`;
    default:
      return tried;
  }
}

type Outcome = AttemptOutcome<unknown, Failure>;

function noAnswer(why: NoAnswer, endpoint: string, timeoutMs: number): Outcome {
  switch (why.kind) {
    case "permission":
      return {
        ok: false,
        retryable: false,
        failure: { message: `Cannot reach W&B at ${endpoint}: ${why.message}` },
      };
    case "timeout":
      return {
        ok: false,
        retryable: true,
        failure: {
          status: why.status,
          message: `W&B did not finish its ${
            why.answered ? "answer" : "request"
          } within ${formatSeconds(timeoutMs)} (${endpoint})`,
        },
      };
    case "network":
      if (why.lasting !== undefined) {
        return {
          ok: false,
          retryable: false,
          failure: {
            message: `WANDB_BASE_URL: cannot reach W&B at ${endpoint}: ${
              describeLasting(why.lasting, why.message, new URL(endpoint))
            }; not retried, check WANDB_BASE_URL`,
          },
        };
      }
      return {
        ok: false,
        retryable: true,
        failure: {
          status: why.status,
          message: `Cannot reach W&B at ${endpoint}: ${why.message}`,
        },
      };
  }
}

function describeLasting(
  lasting: LastingFailure,
  message: string,
  url: URL,
): string {
  switch (lasting) {
    case "refused":
      return `the connection was refused (nothing is listening at ${url.host})`;
    case "unresolved":
      return `the host name ${
        quoteForMessage(url.hostname)
      } does not resolve (${
        message.slice(Math.max(0, message.indexOf("dns error")))
      })`;
    case "blocked-port":
      return `Deno blocks requests to port ${url.port} (a port of other protocols)`;
  }
}

/** Where an answer came from, and what must never be printed. */
interface AnswerContext {
  /** The key in every form it could be echoed in. */
  secrets: readonly string[];
  /** The clock when the answer arrived, for `Retry-After` dates. */
  now: number;
  /** The URL the request went to. */
  endpoint: string;
}

function readAnswer(answer: TextAnswer, context: AnswerContext): Outcome {
  const { secrets, now, endpoint } = context;
  const { status } = answer;
  // Redacted before anything is shortened, so that no part of a secret is left.
  const text = redactSecrets(answer.text, secrets);
  let body: unknown;
  let isJson = true;
  try {
    body = JSON.parse(text);
  } catch {
    isJson = false;
  }
  const serverMessage = isJson ? errorMessageOf(body) : undefined;
  const fail = (message: string, retryable: boolean): Outcome => ({
    ok: false,
    retryable,
    retryAfterMs: parseRetryAfter(answer.headers.get("retry-after"), now),
    failure: { message, status },
  });
  if (status === 401 || status === 403) {
    return fail(
      `WANDB_API_KEY: W&B refused the API key (HTTP ${status}${
        serverMessage ? `: ${serverMessage}` : ""
      }); check that the key is valid and can read the project`,
      false,
    );
  }
  if (status === 404) {
    // W&B answers every GraphQL request at /graphql, found or not: a 404
    // means the request went somewhere else.
    return fail(
      `WANDB_BASE_URL: W&B answered HTTP 404 (not found) at ${endpoint}; ${
        endpoint.endsWith("/graphql/graphql")
          ? "WANDB_BASE_URL ends in /graphql, which is added to it: drop that part"
          : "check that WANDB_BASE_URL is the W&B API's base URL, such as https://api.wandb.ai"
      }`,
      false,
    );
  }
  if (status < 200 || status >= 300) {
    return fail(
      `W&B answered HTTP ${status}: ${serverMessage ?? describeBody(text)}`,
      isRetryableStatus(status),
    );
  }
  if (!isJson) {
    return fail(
      `W&B answered HTTP ${status} with a body that is not JSON: ${
        describeBody(text)
      }`,
      true,
    );
  }
  if (serverMessage !== undefined) {
    return fail(`W&B answered with an error: ${serverMessage}`, false);
  }
  if (typeof body !== "object" || body === null || !("data" in body)) {
    return fail(
      `W&B answered HTTP ${status} without "data": ${describeBody(text)}`,
      false,
    );
  }
  return { ok: true, value: body.data };
}

/** The error text of a GraphQL or plain JSON error body, if it has one. */
function errorMessageOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors) && record.errors.length > 0) {
    const messages = record.errors.map((error) =>
      typeof error === "object" && error !== null && "message" in error
        ? String(error.message)
        : JSON.stringify(error)
    );
    return oneLine(messages.join("; "));
  }
  if (typeof record.error === "string") return oneLine(record.error);
  return undefined;
}

function describeBody(text: string): string {
  return text.trim() === "" ? "an empty body" : quoteForMessage(text, 120);
}
