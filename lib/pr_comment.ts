/**
 * A "sticky" pull request comment: one comment, found again by a hidden
 * marker and updated on every run, through GitHub's REST API.
 *
 * @module
 */

import { z } from "zod";
import { oneLine, quoteForMessage, redactSecrets } from "./_message.ts";
import { COMMENT_MAX_LENGTH } from "./markdown_report.ts";
import {
  type AttemptOutcome,
  isRetryableStatus,
  parseRetryAfter,
  retryWithBackoff,
} from "./retry.ts";
import { fetchText, type TextAnswer } from "./timed_fetch.ts";

/** Where to comment, what to say, and how patiently to ask. */
export interface PrCommentOptions {
  /** The REST API base, `$GITHUB_API_URL`: `https://api.github.com`, or e.g. `https://ghe.example.com/api/v3` on GitHub Enterprise Server. */
  apiUrl: string;
  /** The repository as `owner/repo`, `$GITHUB_REPOSITORY`. */
  repository: string;
  /** The pull request's number. */
  pullNumber: number;
  /** The token, usually `GITHUB_TOKEN`; never part of a message. */
  token: string;
  /** The Markdown to post; the marker is put before it. */
  body: string;
  /** Tells this comment from other sticky ones on the pull request: `[A-Za-z0-9_.-]{1,64}`. Default `default`. */
  commentKey?: string;
  /** The `fetch` to use; defaults to the global one. */
  fetch?: typeof fetch;
  /** Waits between attempts; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in milliseconds since the epoch, for `x-ratelimit-reset`. */
  now?: () => number;
  /** A number in [0, 1) for backoff jitter. */
  random?: () => number;
  /** Attempts per request, the first included. Default 4. */
  maxAttempts?: number;
  /** Milliseconds one attempt may take, body included. Default 30,000. */
  timeoutMs?: number;
  /** Milliseconds all attempts of one request may take, waits included. Default 120,000. */
  maxTotalMs?: number;
}

/** What {@linkcode upsertPrComment} did. */
export type PrCommentResult = {
  /** Whether the comment is new or an earlier one was edited. */
  action: "created" | "updated";
  /** The comment's id. */
  commentId: number;
  /** The comment's address on github.com (or the GHES host). */
  url: string;
};

/** A failure reported by GitHub or on the way to it, after retries ran out. */
export class GithubCommentError extends Error {
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** Whether the token may not comment here: HTTP 403, or 404 for a repository it cannot see. */
  readonly forbidden: boolean;

  /**
   * Makes the error.
   *
   * @param message One line saying what failed; never holds the token.
   * @param options The HTTP status of the last answer and whether it meant "not allowed".
   */
  constructor(
    message: string,
    options: { status?: number; forbidden?: boolean } = {},
  ) {
    super(message);
    this.name = "GithubCommentError";
    this.status = options.status;
    this.forbidden = options.forbidden ?? false;
  }
}

const DEFAULT_COMMENT_KEY = "default";
const COMMENT_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const DEFAULTS = { maxAttempts: 4, timeoutMs: 30_000, maxTotalMs: 120_000 };
const USER_AGENT = "wandb-runs-action (Deno)";

const commentSchema = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullable(),
});
const commentListSchema = z.array(commentSchema);
type Comment = z.infer<typeof commentSchema>;

const pullNumberSchema = z.number().int().positive();
const pullRequestEventSchema = z.object({
  pull_request: z.object({ number: pullNumberSchema }),
});
const issueCommentEventSchema = z.object({
  issue: z.object({ number: pullNumberSchema, pull_request: z.object({}) }),
});

/**
 * The hidden HTML comment that marks the sticky comment for `key`.
 *
 * @param key Tells sticky comments apart: `[A-Za-z0-9_.-]{1,64}`.
 * @returns The marker, e.g. `<!-- wandb-runs-report:default -->`.
 * @throws {TypeError} when the key has other characters or length.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentMarker } from "./pr_comment.ts";
 *
 * assert.equal(commentMarker("nightly"), "<!-- wandb-runs-report:nightly -->");
 * ```
 */
export function commentMarker(key: string): string {
  if (!COMMENT_KEY.test(key)) {
    throw new TypeError(
      `Cannot use comment key ${
        quoteForMessage(key)
      }: expected 1 to 64 of A-Z, a-z, 0-9, "_", "." and "-"`,
    );
  }
  return `<!-- wandb-runs-report:${key} -->`;
}

/**
 * The pull request an event is about: `pull_request.number`, or
 * `issue.number` for a comment on a pull request (`issue_comment`).
 *
 * @param eventPayload The parsed JSON of `$GITHUB_EVENT_PATH`.
 * @returns The number, or `undefined` for events without a pull request (`push`, comments on issues, ...).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pullRequestNumber } from "./pr_comment.ts";
 *
 * assert.equal(pullRequestNumber({ pull_request: { number: 12 } }), 12);
 * assert.equal(pullRequestNumber({ ref: "refs/heads/main" }), undefined);
 * ```
 */
export function pullRequestNumber(eventPayload: unknown): number | undefined {
  const pullRequest = pullRequestEventSchema.safeParse(eventPayload);
  if (pullRequest.success) return pullRequest.data.pull_request.number;
  const issue = issueCommentEventSchema.safeParse(eventPayload);
  return issue.success ? issue.data.issue.number : undefined;
}

/**
 * Posts the report as the pull request's sticky comment: reads every page of
 * the pull request's comments, edits the first one holding the marker, or
 * creates one. Retries 5xx and rate limits with backoff (honouring
 * `retry-after` and `x-ratelimit-reset` up to 60 s).
 *
 * @param options The repository, pull request, token and body.
 * @returns Whether the comment was created or updated, its id and address.
 * @throws {RangeError} when marker and body exceed GitHub's 65,536 characters; nothing is sent.
 * @throws {TypeError} for a malformed comment key, repository, pull number or API URL.
 * @throws {GithubCommentError} when GitHub refuses or keeps failing; `forbidden` for a read-only token.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upsertPrComment } from "./pr_comment.ts";
 *
 * const url = "https://github.com/octo/app/pull/12#issuecomment-7";
 * const fetch = (_input: RequestInfo | URL, init?: RequestInit) =>
 *   Promise.resolve(
 *     init?.method === "POST"
 *       ? Response.json({ id: 7, html_url: url, body: "" }, { status: 201 })
 *       : Response.json([]),
 *   );
 * const result = await upsertPrComment({
 *   apiUrl: "https://api.github.com",
 *   repository: "octo/app",
 *   pullNumber: 12,
 *   token: "ghs_example",
 *   body: "## W&B runs",
 *   fetch,
 * });
 * assert.deepEqual(result, { action: "created", commentId: 7, url });
 * ```
 */
export async function upsertPrComment(
  options: PrCommentOptions,
): Promise<PrCommentResult> {
  const marker = commentMarker(options.commentKey ?? DEFAULT_COMMENT_KEY);
  const body = `${marker}\n${options.body}`;
  if (body.length > COMMENT_MAX_LENGTH) {
    throw new RangeError(
      `Cannot post the pull request comment: it has ${body.length} characters with its marker, GitHub allows ${COMMENT_MAX_LENGTH}`,
    );
  }
  const connection = connect(options);
  const { repository, pullNumber } = options;
  const pullRequest = `${repository}#${pullNumber}`;
  const repoUrl = `${connection.apiUrl}/repos/${repository}`;

  const existing = await findMarkedComment(
    connection,
    `${repoUrl}/issues/${pullNumber}/comments?per_page=100`,
    { marker, pullRequest },
  );
  const written = existing === undefined
    ? await requestGithub(connection, {
      method: "POST",
      url: `${repoUrl}/issues/${pullNumber}/comments`,
      body,
      action: `comment on ${pullRequest}`,
    }, commentSchema)
    : await requestGithub(connection, {
      method: "PATCH",
      url: `${repoUrl}/issues/comments/${existing.id}`,
      body,
      action: `update comment ${existing.id} on ${pullRequest}`,
    }, commentSchema);
  return {
    action: existing === undefined ? "created" : "updated",
    commentId: written.data.id,
    url: written.data.html_url,
  };
}

/** The checked options every request needs. */
interface Connection {
  apiUrl: string;
  origin: string;
  token: string;
  fetch: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
  maxAttempts: number;
  timeoutMs: number;
  maxTotalMs: number;
}

function connect(options: PrCommentOptions): Connection {
  const cannot = "Cannot comment on the pull request";
  if (!REPOSITORY.test(options.repository)) {
    throw new TypeError(
      `${cannot}: repository must read "owner/repo", got ${
        quoteForMessage(options.repository)
      }`,
    );
  }
  if (!pullNumberSchema.safeParse(options.pullNumber).success) {
    throw new TypeError(
      `${cannot}: pull number must be a positive integer, got ${options.pullNumber}`,
    );
  }
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) {
    throw new TypeError(
      `${cannot}: API URL must be an http(s) URL, got ${
        quoteForMessage(apiUrl)
      }`,
    );
  }
  if (options.token === "") throw new TypeError(`${cannot}: token is empty`);
  return {
    apiUrl,
    origin: new URL(apiUrl).origin,
    token: options.token,
    fetch: options.fetch ?? fetch,
    sleep: options.sleep,
    now: options.now ?? Date.now,
    random: options.random,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxTotalMs: options.maxTotalMs ?? DEFAULTS.maxTotalMs,
  };
}

/** Reads the comment pages, following `Link: <...>; rel="next"`, until a comment holds the marker. */
async function findMarkedComment(
  connection: Connection,
  firstPageUrl: string,
  context: { marker: string; pullRequest: string },
): Promise<Comment | undefined> {
  const action = `list the comments on ${context.pullRequest}`;
  const read = new Set<string>();
  for (let url = firstPageUrl;;) {
    read.add(url);
    const page = await requestGithub(
      connection,
      { method: "GET", url, action },
      commentListSchema,
    );
    const marked = page.data.find((comment) =>
      comment.body?.includes(context.marker)
    );
    if (marked !== undefined) return marked;
    const next = nextPageUrl(page.link, url);
    if (next === undefined) return undefined;
    if (new URL(next).origin !== connection.origin) {
      throw new GithubCommentError(
        `Cannot ${action}: the next page is on another origin (${
          new URL(next).origin
        }), and the token is only sent to ${connection.origin}`,
      );
    }
    if (read.has(next)) {
      throw new GithubCommentError(
        `Cannot ${action}: the next page ${next} was already read`,
      );
    }
    url = next;
  }
}

/** The `rel="next"` target of a `Link` header, resolved against the page's URL. */
function nextPageUrl(link: string | null, pageUrl: string): string | undefined {
  for (const [, target, rel] of (link ?? "").matchAll(/<([^>]*)>([^,]*)/g)) {
    const relation = /;\s*rel="?([^";]*)"?/.exec(rel)?.[1] ?? "";
    if (relation.split(/\s+/).includes("next")) {
      return new URL(target, pageUrl).href;
    }
  }
  return undefined;
}

interface GithubRequest {
  method: "GET" | "POST" | "PATCH";
  url: string;
  /** The comment body to send as `{"body": ...}`. */
  body?: string;
  /** What the request does, for messages: `comment on owner/repo#12`. */
  action: string;
}

/** A failed attempt, as {@linkcode GithubCommentError} will report it. */
interface Failure {
  message: string;
  status?: number;
  forbidden?: boolean;
}

type Outcome = AttemptOutcome<
  { status: number; json: unknown; link: string | null },
  Failure
>;

/** One request, retried while GitHub's answers say a retry may succeed. */
async function requestGithub<T>(
  connection: Connection,
  request: GithubRequest,
  schema: z.ZodType<T>,
): Promise<{ data: T; link: string | null }> {
  const answer = await retryWithBackoff<
    { status: number; json: unknown; link: string | null },
    Failure
  >(() => attemptOnce(connection, request), {
    maxAttempts: connection.maxAttempts,
    maxTotalMs: connection.maxTotalMs,
    sleep: connection.sleep,
    now: connection.now,
    random: connection.random,
    giveUp: (outcome, reason) =>
      failure(connection, request, {
        ...outcome,
        message: reason.kind === "time"
          ? `${outcome.message}: asked to wait ${
            Math.ceil(reason.waitMs / 1000)
          } s, past the ${
            connection.maxTotalMs / 1000
          } s a request may take in all`
          : reason.attempts > 1
          ? `${outcome.message} (gave up after ${reason.attempts} attempts)`
          : outcome.message,
      }),
  });
  const parsed = schema.safeParse(answer.json);
  if (parsed.success) return { data: parsed.data, link: answer.link };
  throw failure(connection, request, {
    message: `GitHub answered HTTP ${answer.status} with an unexpected body: ${
      quoteForMessage(
        redactSecrets(JSON.stringify(answer.json), [connection.token]),
        120,
      )
    }`,
    status: answer.status,
  });
}

async function attemptOnce(
  connection: Connection,
  request: GithubRequest,
): Promise<Outcome> {
  const result = await fetchText(connection.fetch, request.url, {
    method: request.method,
    headers: {
      "authorization": `Bearer ${connection.token}`,
      "accept": "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "user-agent": USER_AGENT,
      ...(request.body === undefined
        ? {}
        : { "content-type": "application/json" }),
    },
    body: request.body === undefined
      ? undefined
      : JSON.stringify({ body: request.body }),
  }, connection.timeoutMs);
  if (!result.ok) {
    const { why } = result;
    return {
      ok: false,
      retryable: why.kind !== "permission",
      failure: {
        message: why.kind === "timeout"
          ? `no complete answer from ${request.url} within ${
            connection.timeoutMs / 1000
          } s`
          : `no answer from ${request.url}: ${why.message}`,
        status: why.kind === "permission" ? undefined : why.status,
      },
    };
  }
  const { answer } = result;
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    json = undefined;
  }
  const { status } = answer;
  if (status >= 200 && status < 300 && json !== undefined) {
    return {
      ok: true,
      value: { status, json, link: answer.headers.get("link") },
    };
  }
  return describeFailure(answer, json ?? answer.text, connection);
}

/** Why an answer is not usable, and whether and when to ask again. */
function describeFailure(
  answer: TextAnswer,
  body: unknown,
  connection: Connection,
): Outcome {
  const { status, headers } = answer;
  // Redacted before shortening, so that no part of the token is left.
  const serverMessage = typeof body === "object" && body !== null &&
      "message" in body && typeof body.message === "string"
    ? oneLine(redactSecrets(body.message, [connection.token]))
    : typeof body === "string" && body.trim() !== ""
    ? quoteForMessage(redactSecrets(body, [connection.token]), 120)
    : undefined;
  const answered = `GitHub answered HTTP ${status}${
    serverMessage === undefined ? "" : ` (${serverMessage})`
  }`;
  const final = (message: string, forbidden = false): Outcome => ({
    ok: false,
    retryable: false,
    failure: { status, message, forbidden },
  });
  if (status >= 200 && status < 300) return final(`${answered}, not JSON`);
  if (status === 401) {
    return final(`${answered}: the token is invalid or expired`);
  }
  const rateLimitWaitMs = (status === 403 || status === 429)
    ? rateLimitWait(headers, connection.now())
    : undefined;
  if (status === 403 && rateLimitWaitMs === undefined) {
    return final(
      `${answered}: the token cannot write comments here; a pull request from a fork gets a read-only GITHUB_TOKEN, otherwise give the job "permissions: pull-requests: write"`,
      true,
    );
  }
  if (status === 404) {
    return final(
      `${answered}: the repository or pull request does not exist, or the token cannot see it`,
      true,
    );
  }
  if (rateLimitWaitMs === undefined && !isRetryableStatus(status)) {
    return final(answered);
  }
  return {
    ok: false,
    retryable: true,
    retryAfterMs: rateLimitWaitMs ??
      parseRetryAfter(headers.get("retry-after"), connection.now()),
    failure: { status, message: answered },
  };
}

/** The wait a rate limit asks for: `retry-after`, else until `x-ratelimit-reset` when none remain. */
function rateLimitWait(headers: Headers, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get("retry-after"), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers.get("x-ratelimit-reset") ?? NaN);
  if (headers.get("x-ratelimit-remaining") !== "0" || !Number.isFinite(reset)) {
    return undefined;
  }
  return Math.max(0, reset * 1000 - now);
}

function failure(
  connection: Connection,
  request: GithubRequest,
  outcome: { message: string; status?: number; forbidden?: boolean },
): GithubCommentError {
  return new GithubCommentError(
    redactSecrets(`Cannot ${request.action}: ${outcome.message}`, [
      connection.token,
    ]),
    { status: outcome.status, forbidden: outcome.forbidden },
  );
}
