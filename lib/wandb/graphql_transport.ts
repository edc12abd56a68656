import { WandbError, type WandbFailureKind } from "../errors.ts";
import {
  type HttpFailure,
  type HttpOutcome,
  USER_AGENT,
} from "../http/failure.ts";
import {
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

/**
 * How to reach W&B and how patiently to ask.
 *
 * @example W&B busy once, then answering; the retry waits no real time
 * ```ts
 * import { postGraphql, type WandbConnection } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const answers = [new Response("busy", { status: 503 }), Response.json({ data: { viewer: null } })];
 * const retries: string[] = [];
 * const connection: WandbConnection = {
 *   baseUrl: "https://api.wandb.ai",
 *   apiKey: "your-w-and-b-api-key",
 *   fetch: () => Promise.resolve(answers.shift()!),
 *   maxAttempts: 3,
 *   sleep: () => Promise.resolve(),
 *   random: () => 0,
 *   onRetry: (line) => retries.push(line),
 * };
 * const data = await postGraphql({ query: "{ viewer { username } }", variables: {} }, connection);
 * assert.deepEqual(data, { viewer: null });
 * assert.deepEqual(retries, [
 *   'W&B request attempt 1 of 3 failed: W&B answered HTTP 503: "busy"; retrying in 2 s',
 * ]);
 * ```
 */
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

/**
 * What a GraphQL request sends.
 *
 * @example A request with variables, sent as the JSON body
 * ```ts
 * import { type GraphqlRequest, postGraphql } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const request: GraphqlRequest = {
 *   query: "query Project($entity: String!, $project: String!) { project(name: $project, entityName: $entity) { name } }",
 *   variables: { entity: "github", project: "predict-issue-labels" },
 * };
 * let sent: unknown;
 * const fetch = (_url: unknown, init?: RequestInit) => {
 *   sent = JSON.parse(String(init?.body));
 *   return Promise.resolve(Response.json({ data: { project: { name: "predict-issue-labels" } } }));
 * };
 * const data = await postGraphql(request, { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch });
 * assert.deepEqual(sent, request);
 * assert.deepEqual(data, { project: { name: "predict-issue-labels" } });
 * ```
 */
export interface GraphqlRequest {
  /** The GraphQL document. */
  query: string;
  /** Its variables. */
  variables: Record<string, unknown>;
}

const DEFAULTS = { timeoutMs: 30_000, maxAttempts: 5, maxTotalMs: 120_000 };

/** A failed attempt: a one-line message free of secrets, the HTTP status if any, and its kind. */
type Failure = HttpFailure<WandbFailureKind>;

type Outcome = HttpOutcome<unknown, WandbFailureKind>;

/**
 * Posts one GraphQL request to `{baseUrl}/graphql`, retrying 408, 429, 5xx,
 * answers that are not JSON (a proxy's page, a truncated body) and network
 * failures with backoff (honouring `Retry-After`), within a bounded number of
 * attempts and total time.
 *
 * Failures that asking again will not heal end at once with an error that
 * names the URL tried and says what its `kind` is (see
 * {@linkcode WandbFailureKind}): HTTP 404, a refused connection (nothing
 * listens there), a host name that does not resolve, a port Deno blocks, a
 * refused key. A refused connection may be a server restarting, but far more
 * often a wrong URL, and the job is better rerun than kept waiting for either.
 *
 * @example
 * ```ts
 * import { postGraphql } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * let url = "";
 * let headers = new Headers();
 * const fetch = (input: string | URL | Request, init?: RequestInit) => {
 *   [url, headers] = [String(input), new Headers(init?.headers)];
 *   return Promise.resolve(Response.json({ data: { viewer: { username: "ada" } } }));
 * };
 * const data = await postGraphql(
 *   { query: "{ viewer { username } }", variables: {} },
 *   { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch },
 * );
 * assert.deepEqual(data, { viewer: { username: "ada" } }); // `data`, not yet validated
 * assert.equal(url, "https://api.wandb.ai/graphql");
 * assert.equal(headers.get("authorization"), `Basic ${btoa("api:your-w-and-b-api-key")}`);
 * ```
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
  const endpoint = `${connection.baseUrl}/graphql`;
  const { init, secrets } = requestInit(request, connection.apiKey);
  const now = connection.now ?? Date.now;
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
    maxTotalMs: connection.maxTotalMs ?? DEFAULTS.maxTotalMs,
    sleep: connection.sleep,
    now,
    random: connection.random,
    onRetry: (failure, attempt, waitMs) =>
      tellRetry(
        connection,
        `${failure.message}; retrying in ${formatSeconds(waitMs)}`,
        { attempt, maxAttempts },
      ),
    giveUp: (failure, reason) =>
      new WandbError(
        reason.kind === "final"
          ? failure.message
          : `${failure.message} (${gaveUp(reason)})`,
        {
          status: failure.status,
          kind: failure.kind,
          url: failure.url,
          detail: failure.detail,
        },
      ),
  });
}

/**
 * The request as sent, and every form the key could be echoed in: plain, and
 * its HTTP Basic credentials padded or not.
 */
function requestInit(
  request: GraphqlRequest,
  apiKey: string,
): { init: RequestInit; secrets: string[] } {
  const credentials = btoa(`api:${apiKey}`);
  return {
    init: {
      method: "POST",
      headers: {
        "authorization": `Basic ${credentials}`,
        "content-type": "application/json",
        "accept": "application/json",
        "user-agent": USER_AGENT,
      },
      body: JSON.stringify(request),
    },
    secrets: [apiKey, credentials, credentials.replace(/=+$/, "")],
  };
}

/** Says that an attempt failed and will be retried: to `onRetry`, else to the debug log. */
function tellRetry(
  connection: WandbConnection,
  retrying: string,
  count: { attempt: number; maxAttempts: number },
): void {
  if (connection.onRetry === undefined) {
    connection.log?.(`attempt ${count.attempt} failed: ${retrying}`);
  } else {
    connection.onRetry(
      `W&B request attempt ${count.attempt} of ${count.maxAttempts} failed: ${retrying}`,
    );
  }
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
        const detail = describeLasting(
          why.lasting,
          why.message,
          new URL(endpoint),
        );
        return {
          ok: false,
          retryable: false,
          failure: {
            kind: "unreachable",
            url: endpoint,
            detail,
            message:
              `Cannot reach W&B at ${endpoint}: ${detail}; not retried, check the base URL`,
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
  const body = parseJson(text);
  const serverMessage = body.ok ? errorMessageOf(body.value) : undefined;
  const fail = (
    message: string,
    retryable: boolean,
    kind?: WandbFailureKind,
  ): Outcome => ({
    ok: false,
    retryable,
    retryAfterMs: parseRetryAfter(answer.headers.get("retry-after"), now),
    failure: {
      message,
      status,
      ...(kind === undefined ? {} : { kind, url: endpoint }),
    },
  });
  if (status === 401 || status === 403 || status === 404) {
    const refused = refusedAnswer(status, serverMessage, endpoint);
    return fail(refused.message, false, refused.kind);
  }
  if (status < 200 || status >= 300) {
    return fail(
      `W&B answered HTTP ${status}: ${serverMessage ?? describeBody(text)}`,
      isRetryableStatus(status),
    );
  }
  if (!body.ok) {
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
  const { value } = body;
  if (typeof value !== "object" || value === null || !("data" in value)) {
    return fail(
      `W&B answered HTTP ${status} without "data": ${describeBody(text)}`,
      false,
    );
  }
  return { ok: true, value: value.data };
}

/**
 * The final failures that name a setting at fault: 401 and 403 refuse the
 * key; a 404 means the request went somewhere else, since W&B answers every
 * GraphQL request at `/graphql`, found or not.
 */
function refusedAnswer(
  status: 401 | 403 | 404,
  serverMessage: string | undefined,
  endpoint: string,
): { message: string; kind: WandbFailureKind } {
  if (status !== 404) {
    return {
      kind: "key-refused",
      message: `W&B refused the API key (HTTP ${status}${
        serverMessage ? `: ${serverMessage}` : ""
      }); check that the key is valid and can read the project`,
    };
  }
  const notFound = `W&B answered HTTP 404 (not found) at ${endpoint}`;
  return endpoint.endsWith("/graphql/graphql")
    ? {
      kind: "graphql-twice",
      message:
        `${notFound}; the base URL ends in /graphql, which is added to it: drop that part`,
    }
    : {
      kind: "not-found",
      message:
        `${notFound}; check that the base URL is the W&B API's base URL, such as https://api.wandb.ai`,
    };
}

/** The text read as JSON, or why not. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
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
