/**
 * A "sticky" pull request comment: one comment, found again by its author
 * and a hidden marker, and updated on every run, through GitHub's REST API.
 *
 * @module
 */

import { z } from "zod";
import { oneLine, quoteForMessage, redactSecrets } from "../_message.ts";
import { COMMENT_LIMIT, textSize } from "./limits.ts";
import {
  commentMarker,
  DEFAULT_COMMENT_KEY,
  isGithubLogin,
} from "./comment_marker.ts";
import {
  type HttpFailure,
  type HttpOutcome,
  USER_AGENT,
} from "../http/failure.ts";
import { checkHttpUrl } from "../http/url.ts";
import {
  isRetryableStatus,
  MAX_WAIT_MS,
  parseRetryAfter,
  type RetryPolicy,
  retryWithBackoff,
} from "../http/retry.ts";
import { fetchText, type TextAnswer } from "../http/timed_fetch.ts";

/**
 * Where to comment, what to say, and how patiently to ask.
 *
 * @example A second sticky comment, written by a GitHub App
 * ```ts
 * import { commentMarker, type PrCommentOptions, upsertPrComment } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // GitHub with the app's comment from last night on the pull request.
 * const ours = {
 *   id: 7, html_url: "https://github.com/octo/app/pull/12#issuecomment-7",
 *   body: `${commentMarker("nightly")}\nold`, user: { login: "my-app[bot]" },
 * };
 * const fetch = (_input: RequestInfo | URL, init?: RequestInit) =>
 *   Promise.resolve(Response.json(init?.method === "PATCH" ? ours : [ours]));
 *
 * const options: PrCommentOptions = {
 *   apiUrl: "https://api.github.com", // in real use: Deno.env.get("GITHUB_API_URL")!
 *   repository: "octo/app", // in real use: Deno.env.get("GITHUB_REPOSITORY")!
 *   pullNumber: 12,
 *   token: "ghs_example", // in real use: the app's installation token
 *   body: "### Nightly W&B runs",
 *   commentKey: "nightly", // kept apart from the default sticky comment
 *   commentAuthor: "my-app[bot]", // only this author's comment is edited
 *   fetch, // in real use: leave out, to use the global fetch
 * };
 * assert.equal((await upsertPrComment(options)).action, "updated");
 * ```
 */
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
  /**
   * The login the token writes comments as, e.g. `my-app[bot]` for a GitHub
   * App's installation token; only this author's comments are edited.
   * Default: the login `GET /user` answers for a personal token, or
   * `github-actions[bot]` (the workflow's `GITHUB_TOKEN`) when GitHub
   * refuses to answer, as it does for every app installation token.
   */
  commentAuthor?: string;
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

/**
 * What {@linkcode upsertPrComment} did.
 *
 * @example Learn the author to give next time
 * ```ts
 * import { type PrCommentResult, upsertPrComment } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // An app's installation token: GitHub refuses `GET /user`, then writes as the app.
 * const user = { login: "my-app[bot]" };
 * const url = "https://github.com/octo/app/pull/12#issuecomment-7";
 * const fetch = (input: RequestInfo | URL, init?: RequestInit) =>
 *   Promise.resolve(
 *     String(input).endsWith("/user")
 *       ? Response.json({ message: "Resource not accessible by integration" }, { status: 403 })
 *       : init?.method === "POST"
 *       ? Response.json({ id: 7, html_url: url, body: "", user }, { status: 201 })
 *       : Response.json([]),
 *   );
 * const result: PrCommentResult = await upsertPrComment({
 *   apiUrl: "https://api.github.com", repository: "octo/app", pullNumber: 12,
 *   token: "ghs_example", body: "### W&B runs", fetch,
 * });
 * assert.equal(result.action, "created");
 * assert.equal(result.url, url);
 * // Looked for github-actions[bot]: the next run would not find this comment.
 * assert.deepEqual(result.authorMismatch, { writtenAs: "my-app[bot]", lookedFor: "github-actions[bot]" });
 * ```
 */
export type PrCommentResult = {
  /** Whether the comment is new or an earlier one was edited. */
  action: "created" | "updated";
  /** The comment's id. */
  commentId: number;
  /** The comment's address on github.com (or the GHES host). */
  url: string;
  /** Set when GitHub wrote a new comment as another author than the one looked for, so that later runs would not find it. */
  warning?: string;
  /** With `warning`: the login GitHub wrote the comment as, and the one looked for; pass `writtenAs` as `commentAuthor` next time. */
  authorMismatch?: { writtenAs: string; lookedFor: string };
};

/**
 * A failure reported by GitHub or on the way to it, after retries ran out.
 *
 * @example Tell a read-only token from other failures
 * ```ts
 * import { GithubCommentError, upsertPrComment } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // GitHub as a fork's read-only GITHUB_TOKEN sees it: reading works, posting is refused.
 * const fetch = (_input: RequestInfo | URL, init?: RequestInit) =>
 *   Promise.resolve(
 *     init?.method === "POST"
 *       ? Response.json({ message: "Resource not accessible by integration" }, { status: 403 })
 *       : Response.json([]),
 *   );
 * const error = await upsertPrComment({
 *   apiUrl: "https://api.github.com", repository: "octo/app", pullNumber: 12,
 *   token: "ghs_example", body: "### W&B runs", commentAuthor: "github-actions[bot]", fetch,
 * }).catch((error) => error);
 * assert.ok(error instanceof GithubCommentError);
 * assert.equal(error.status, 403);
 * assert.equal(error.forbidden, true); // in real use: skip the comment, keep the job summary
 * ```
 */
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

/** Who the workflow's `GITHUB_TOKEN` writes as. */
const GITHUB_ACTIONS_LOGIN = "github-actions[bot]";
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const DEFAULTS = { maxAttempts: 4, timeoutMs: 30_000, maxTotalMs: 120_000 };

const commentSchema = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullable(),
  /** `null` for a deleted account ("ghost"). */
  user: z.object({ login: z.string() }).nullable(),
});
const userSchema = z.object({ login: z.string().min(1) });
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
 * The pull request an event is about: `pull_request.number`, or
 * `issue.number` for a comment on a pull request (`issue_comment`).
 *
 * @param eventPayload The parsed JSON of `$GITHUB_EVENT_PATH`.
 * @returns The number, or `undefined` for events without a pull request (`push`, comments on issues, ...).
 * @example
 * ```ts
 * import { pullRequestNumber } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // in real use: JSON.parse(await Deno.readTextFile(Deno.env.get("GITHUB_EVENT_PATH")!))
 * assert.equal(pullRequestNumber({ pull_request: { number: 12 } }), 12);
 * // A comment on a pull request (`issue_comment`).
 * assert.equal(pullRequestNumber({ issue: { number: 12, pull_request: {} } }), 12);
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
 * Posts the report as the pull request's sticky comment: learns who the token
 * writes as, reads every page of the pull request's comments, edits the
 * oldest one of that author's that starts with the marker, or creates one.
 * A marker in anyone else's comment is ignored. Retries 5xx and rate limits
 * with backoff (honouring `retry-after` and `x-ratelimit-reset` up to 60 s);
 * before posting again after a failed attempt, it reads the comments again,
 * so that a comment whose answer was lost is not posted twice.
 *
 * The author is `options.commentAuthor` when given; else the login
 * `GET /user` answers, or `github-actions[bot]` when GitHub refuses that
 * question (403, 404), as it does for app installation tokens.
 *
 * @param options The repository, pull request, token and body.
 * @returns Whether the comment was created or updated, its id and address, and a warning when GitHub wrote it as another author than the one looked for.
 * @throws {RangeError} when marker and body exceed GitHub's 65,536 characters; nothing is sent.
 * @throws {TypeError} for a malformed comment key, comment author, repository, pull number or API URL.
 * @throws {GithubCommentError} when GitHub refuses or keeps failing; `forbidden` for a read-only token.
 * @example
 * ```ts
 * import { upsertPrComment } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // GitHub as the workflow's GITHUB_TOKEN sees a pull request without comments.
 * const url = "https://github.com/octo/app/pull/12#issuecomment-7";
 * const user = { login: "github-actions[bot]" };
 * const fetch = (input: RequestInfo | URL, init?: RequestInit) =>
 *   Promise.resolve(
 *     String(input).endsWith("/user")
 *       ? Response.json({ message: "Resource not accessible by integration" }, {
 *         status: 403,
 *       })
 *       : init?.method === "POST"
 *       ? Response.json({ id: 7, html_url: url, body: "", user }, { status: 201 })
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
  const characters = textSize(body, COMMENT_LIMIT.unit);
  if (characters > COMMENT_LIMIT.max) {
    throw new RangeError(
      `Cannot post the pull request comment: it has ${characters} characters with its marker, GitHub allows ${COMMENT_LIMIT.max}`,
    );
  }
  const connection = connect(options);
  const author = options.commentAuthor ?? await tokenLogin(connection);
  const thread = stickyThread(connection, options, { marker, author, body });
  const existing = await thread.findOurs();
  if (existing !== undefined) return thread.update(existing, "updated");
  const posted = await thread.post();
  if (posted.kind === "found") {
    // A lost answer's comment holds this body; another run's may not.
    return posted.comment.body === body
      ? created(posted.comment)
      : thread.update(posted.comment, "updated");
  }
  const writtenAs = posted.comment.user?.login;
  if (writtenAs === undefined || sameLogin(writtenAs, author)) {
    return created(posted.comment);
  }
  return {
    ...created(posted.comment),
    warning:
      `the comment was written as ${writtenAs}, not ${author}: give ${writtenAs} as the comment author so that later runs find it`,
    authorMismatch: { writtenAs, lookedFor: author },
  };
}

/** The requests about one pull request's sticky comment. */
interface StickyThread {
  /** The oldest comment of ours that starts with the marker, if any. */
  findOurs(): Promise<Comment | undefined>;
  /** Writes the body into a comment. */
  update(
    comment: Comment,
    action: PrCommentResult["action"],
  ): Promise<PrCommentResult>;
  /** Posts the body as a new comment, or finds the one a lost answer left. */
  post(): Promise<{ kind: "posted" | "found"; comment: Comment }>;
}

function stickyThread(
  connection: Connection,
  options: Pick<PrCommentOptions, "repository" | "pullNumber">,
  sticky: { marker: string; author: string; body: string },
): StickyThread {
  const { repository, pullNumber } = options;
  const { marker, author, body } = sticky;
  const pullRequest = `${repository}#${pullNumber}`;
  const repoUrl = `${connection.apiUrl}/repos/${repository}`;
  const findOurs = () =>
    findOurComment(
      connection,
      `${repoUrl}/issues/${pullNumber}/comments?per_page=100`,
      { marker, author, pullRequest },
    );
  return {
    findOurs,
    update: async (comment, action) => {
      const written = await requestGithub(connection, {
        method: "PATCH",
        url: `${repoUrl}/issues/comments/${comment.id}`,
        body,
        action: `update comment ${comment.id} on ${pullRequest}`,
      }, commentSchema);
      return { action, commentId: written.data.id, url: written.data.html_url };
    },
    post: () =>
      postComment(connection, {
        method: "POST",
        url: `${repoUrl}/issues/${pullNumber}/comments`,
        body,
        action: `comment on ${pullRequest}`,
      }, findOurs),
  };
}

/** The result for a comment this run created. */
function created(comment: Comment): PrCommentResult {
  return { action: "created", commentId: comment.id, url: comment.html_url };
}

/** Whether two logins name the same account: GitHub ignores their case. */
function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
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
  const [problem] = checkHttpUrl(apiUrl).problems;
  if (problem === "unparsable" || problem === "scheme") {
    throw new TypeError(
      `${cannot}: API URL must be an http(s) URL, got ${
        quoteForMessage(apiUrl)
      }`,
    );
  }
  if (options.token === "") throw new TypeError(`${cannot}: token is empty`);
  if (
    options.commentAuthor !== undefined && !isGithubLogin(options.commentAuthor)
  ) {
    throw new TypeError(
      `${cannot}: comment author must be a GitHub login such as "my-app[bot]", got ${
        quoteForMessage(options.commentAuthor)
      }`,
    );
  }
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

/**
 * The login the token writes comments as: what `GET /user` answers, or
 * `github-actions[bot]` when GitHub refuses the question (403, as for every
 * app installation token, or 404).
 */
async function tokenLogin(connection: Connection): Promise<string> {
  try {
    const { data } = await requestGithub(connection, {
      method: "GET",
      url: `${connection.apiUrl}/user`,
      action: "learn which account the token writes as",
    }, userSchema);
    return data.login;
  } catch (error) {
    // `forbidden` is a final 403 or 404; a rate limit's 403 is retried and is not.
    if (error instanceof GithubCommentError && error.forbidden) {
      return GITHUB_ACTIONS_LOGIN;
    }
    throw error;
  }
}

/**
 * Reads the comment pages, following `Link: <...>; rel="next"`, until a
 * comment by `author` starts with the marker: the oldest such comment.
 */
async function findOurComment(
  connection: Connection,
  firstPageUrl: string,
  context: { marker: string; author: string; pullRequest: string },
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
    const ours = page.data.find((comment) =>
      comment.user !== null && sameLogin(comment.user.login, context.author) &&
      (comment.body ?? "").startsWith(context.marker)
    );
    if (ours !== undefined) return ours;
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

/** A failed attempt, as {@linkcode GithubCommentError} will report it: `forbidden` when the token may not comment here. */
type Failure = HttpFailure<"forbidden">;

type Answered = { status: number; json: unknown; link: string | null };

type Outcome = HttpOutcome<Answered, "forbidden">;

/** One request, retried while GitHub's answers say a retry may succeed. */
async function requestGithub<T>(
  connection: Connection,
  request: GithubRequest,
  schema: z.ZodType<T>,
): Promise<{ data: T; link: string | null }> {
  const answer = await retryWithBackoff<Answered, Failure>(
    (_attempt, remainingMs) => attemptOnce(connection, request, remainingMs),
    retryPolicy(connection, request),
  );
  return parseAnswer(connection, request, answer, schema);
}

/**
 * Posts a comment, retried like {@linkcode requestGithub}, but never blindly:
 * an attempt that timed out, broke off or got a 5xx may have left its
 * comment, so before every repeat the comments are read again, and a comment
 * of ours found there is taken instead of posting another.
 */
async function postComment(
  connection: Connection,
  request: GithubRequest,
  findOurs: () => Promise<Comment | undefined>,
): Promise<{ kind: "posted" | "found"; comment: Comment }> {
  const result = await retryWithBackoff<
    { kind: "posted"; answer: Answered } | { kind: "found"; comment: Comment },
    Failure
  >(async (attemptNumber, remainingMs) => {
    const deadline = connection.now() + remainingMs;
    if (attemptNumber > 1) {
      const comment = await findOurs();
      if (comment !== undefined) {
        return { ok: true, value: { kind: "found", comment } };
      }
    }
    const outcome = await attemptOnce(
      connection,
      request,
      deadline - connection.now(),
    );
    return outcome.ok
      ? { ok: true, value: { kind: "posted", answer: outcome.value } }
      : outcome;
  }, retryPolicy(connection, request));
  if (result.kind === "found") return result;
  const { data } = parseAnswer(
    connection,
    request,
    result.answer,
    commentSchema,
  );
  return { kind: "posted", comment: data };
}

/** How long to keep asking, and the error that ends it. */
function retryPolicy(
  connection: Connection,
  request: GithubRequest,
): RetryPolicy<Failure> {
  return {
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
          : reason.kind === "wait"
          ? `${outcome.message}: asked to wait ${
            Math.ceil(reason.waitMs / 1000)
          } s, more than the ${MAX_WAIT_MS / 1000} s waited at most`
          : reason.attempts > 1
          ? `${outcome.message} (gave up after ${reason.attempts} attempts)`
          : outcome.message,
      }),
  };
}

/** The answer's JSON checked against `schema`, or the error saying it does not fit. */
function parseAnswer<T>(
  connection: Connection,
  request: GithubRequest,
  answer: Answered,
  schema: z.ZodType<T>,
): { data: T; link: string | null } {
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

/** One attempt, within the request's timeout and `remainingMs`, what is left of the time budget. */
async function attemptOnce(
  connection: Connection,
  request: GithubRequest,
  remainingMs: number,
): Promise<Outcome> {
  const timeoutMs = Math.max(0, Math.min(connection.timeoutMs, remainingMs));
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
  }, timeoutMs);
  if (!result.ok) {
    const { why } = result;
    // A refused connection, a name that does not resolve or a blocked port
    // will not heal within the budget: asking again only delays the error.
    const lasting = why.kind === "network" && why.lasting !== undefined;
    return {
      ok: false,
      retryable: why.kind !== "permission" && !lasting,
      failure: {
        message: why.kind === "timeout"
          ? `no complete answer from ${request.url} within ${
            timeoutMs / 1000
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
    failure: { status, message, ...(forbidden ? { kind: "forbidden" } : {}) },
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
  outcome: Failure,
): GithubCommentError {
  return new GithubCommentError(
    redactSecrets(`Cannot ${request.action}: ${outcome.message}`, [
      connection.token,
    ]),
    { status: outcome.status, forbidden: outcome.kind === "forbidden" },
  );
}
