import { WandbError } from "./errors.ts";
import {
  backoffDelayMs,
  isPermissionError,
  isRetryableStatus,
  parseRetryAfter,
  sleep as wait,
} from "./retry.ts";
import { oneLine, quoteForMessage, redactSecrets } from "./_message.ts";

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
  /** Receives one line per attempt and retry, for debug logs. */
  log?: (line: string) => void;
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

/**
 * Posts one GraphQL request to `{baseUrl}/graphql`, retrying 408, 429, 5xx and
 * network failures with backoff (honouring `Retry-After`), within a bounded
 * number of attempts and total time.
 *
 * @param request The document and variables.
 * @param connection Where and how to send it.
 * @returns The response's `data`, not yet validated.
 * @throws {WandbError} with a one-line message that never holds the key.
 */
export async function postGraphql(
  request: GraphqlRequest,
  connection: WandbConnection,
): Promise<unknown> {
  const fetchFn = connection.fetch ?? fetch;
  const now = connection.now ?? Date.now;
  const sleep = connection.sleep ?? wait;
  const random = connection.random ?? Math.random;
  const log = connection.log ?? (() => {});
  const { timeoutMs, maxAttempts, maxTotalMs } = { ...DEFAULTS, ...connection };
  const endpoint = `${connection.baseUrl}/graphql`;
  const secrets = [connection.apiKey];
  const started = now();

  for (let attempt = 1;; attempt++) {
    const outcome = await attemptOnce(fetchFn, endpoint, request, {
      apiKey: connection.apiKey,
      timeoutMs,
      now,
    });
    if (outcome.kind === "data") return outcome.data;
    const message = redactSecrets(outcome.message, secrets);
    if (!outcome.retryable) {
      throw new WandbError(message, { status: outcome.status });
    }
    const delay = outcome.retryAfterMs ?? backoffDelayMs(attempt - 1, random());
    const elapsed = now() - started;
    if (attempt >= maxAttempts || elapsed + delay > maxTotalMs) {
      throw new WandbError(
        `${message} (gave up after ${attempt} attempt${
          attempt === 1 ? "" : "s"
        } in ${Math.round(elapsed / 1000)} s)`,
        { status: outcome.status },
      );
    }
    log(
      `attempt ${attempt} failed: ${message}; retrying in ${
        (delay / 1000).toFixed(1)
      } s`,
    );
    await sleep(delay);
  }
}

type AttemptOutcome =
  | { kind: "data"; data: unknown }
  | {
    kind: "failure";
    message: string;
    retryable: boolean;
    status?: number;
    retryAfterMs?: number;
  };

async function attemptOnce(
  fetchFn: typeof fetch,
  endpoint: string,
  request: GraphqlRequest,
  options: { apiKey: string; timeoutMs: number; now: () => number },
): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let status: number | undefined;
  try {
    const response = await fetchFn(endpoint, {
      method: "POST",
      headers: {
        "authorization": `Basic ${btoa(`api:${options.apiKey}`)}`,
        "content-type": "application/json",
        "accept": "application/json",
        "user-agent": USER_AGENT,
      },
      body: JSON.stringify(request),
      signal: controller.signal,
    });
    status = response.status;
    const retryAfterMs = parseRetryAfter(
      response.headers.get("retry-after"),
      options.now(),
    );
    const text = await response.text();
    return readAnswer(status, text, retryAfterMs);
  } catch (error) {
    if (isPermissionError(error)) {
      return {
        kind: "failure",
        retryable: false,
        message: `Cannot reach W&B at ${endpoint}: ${oneLine(error.message)}`,
      };
    }
    const timedOut = controller.signal.aborted;
    const what = status === undefined ? "request" : "answer";
    return {
      kind: "failure",
      retryable: true,
      status,
      message: timedOut
        ? `W&B did not finish its ${what} within ${
          options.timeoutMs / 1000
        } s (${endpoint})`
        : `Cannot reach W&B at ${endpoint}: ${
          oneLine(error instanceof Error ? error.message : String(error))
        }`,
    };
  } finally {
    clearTimeout(timer);
  }
}

function readAnswer(
  status: number,
  text: string,
  retryAfterMs: number | undefined,
): AttemptOutcome {
  let body: unknown;
  let isJson = true;
  try {
    body = JSON.parse(text);
  } catch {
    isJson = false;
  }
  const serverMessage = isJson ? errorMessageOf(body) : undefined;
  if (status === 401 || status === 403) {
    return {
      kind: "failure",
      retryable: false,
      status,
      message: `WANDB_API_KEY: W&B refused the API key (HTTP ${status}${
        serverMessage ? `: ${serverMessage}` : ""
      }); check that the key is valid and can read the project`,
    };
  }
  if (status < 200 || status >= 300) {
    return {
      kind: "failure",
      retryable: isRetryableStatus(status),
      status,
      retryAfterMs,
      message: `W&B answered HTTP ${status}: ${
        serverMessage ?? describeBody(text)
      }`,
    };
  }
  if (!isJson) {
    return {
      kind: "failure",
      retryable: false,
      status,
      message: `W&B answered HTTP ${status} with a body that is not JSON: ${
        describeBody(text)
      }`,
    };
  }
  if (serverMessage !== undefined) {
    return {
      kind: "failure",
      retryable: false,
      status,
      message: `W&B answered with an error: ${serverMessage}`,
    };
  }
  if (typeof body !== "object" || body === null || !("data" in body)) {
    return {
      kind: "failure",
      retryable: false,
      status,
      message: `W&B answered HTTP ${status} without "data": ${
        describeBody(text)
      }`,
    };
  }
  return { kind: "data", data: body.data };
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
