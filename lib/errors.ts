/**
 * The two kinds of failure a caller may want to tell apart: an input that is
 * wrong before anything is asked of W&B, and an answer from W&B that ends the
 * job.
 *
 * @module
 */

/** An input (action input, CLI flag or option) that is missing or malformed. */
export class InputError extends Error {
  /** The input's name as the user wrote it. */
  readonly input: string;

  /**
   * Makes the error; its message reads `INPUT: detail`.
   *
   * @param input The input's name, as the user wrote it.
   * @param detail What was expected, e.g. `expected a list like ['a', 'b']`.
   * @param options The error this one was made from, if any.
   */
  constructor(input: string, detail: string, options: ErrorOptions = {}) {
    super(`${input}: ${detail}`, options);
    this.name = "InputError";
    this.input = input;
  }
}

/**
 * What went wrong with W&B, for a caller that names the setting at fault:
 * - `unreachable`: nothing answers at the base URL (a connection refused, a
 *   host name that does not resolve, a blocked port); not retried;
 * - `not-found`: HTTP 404, so the base URL is not W&B's API;
 * - `graphql-twice`: HTTP 404 at a base URL that ends in `/graphql`, which
 *   is added to it;
 * - `key-refused`: HTTP 401 or 403, W&B refused the API key;
 * - `no-project`: W&B has no such project that the key can see;
 * - `failed`: anything else (retries ran out, malformed data, ...).
 *
 * @example Naming the setting at fault
 * ```ts
 * import { postGraphql, WandbError, type WandbFailureKind } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const settingAtFault = (kind: WandbFailureKind): string =>
 *   ({ "unreachable": "the base URL", "not-found": "the base URL", "graphql-twice": "the base URL",
 *     "key-refused": "the API key", "no-project": "the entity or project", "failed": "none" })[kind];
 * // A base URL that ends in /graphql, to which /graphql is added.
 * const fetch = () => Promise.resolve(new Response("404 page not found", { status: 404 }));
 * const error = await postGraphql({ query: "{ viewer { username } }", variables: {} }, {
 *   baseUrl: "https://api.wandb.ai/graphql", apiKey: "your-w-and-b-api-key", fetch,
 * }).catch((error) => error);
 * assert.ok(error instanceof WandbError);
 * assert.equal(error.kind, "graphql-twice");
 * assert.equal(error.url, "https://api.wandb.ai/graphql/graphql");
 * assert.equal(settingAtFault(error.kind), "the base URL");
 * ```
 */
export type WandbFailureKind =
  | "unreachable"
  | "not-found"
  | "graphql-twice"
  | "key-refused"
  | "no-project"
  | "failed";

/** What a {@linkcode WandbError} is made with besides its message. */
export interface WandbErrorOptions extends ErrorOptions {
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** What went wrong; default `failed`. */
  kind?: WandbFailureKind;
  /** The URL the request went to, when it matters to the kind. */
  url?: string;
  /** What happened, in a few words without advice, e.g. `the connection was refused (...)`. */
  detail?: string;
}

/**
 * A failure reported by W&B or on the way to it, after retries ran out.
 *
 * @example A refused API key: not retried, and never in the message
 * ```ts
 * import { postGraphql, WandbError } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const fetch = () =>
 *   Promise.resolve(Response.json({ errors: [{ message: "unauthorized" }] }, { status: 401 }));
 * const error = await postGraphql({ query: "{ viewer { username } }", variables: {} }, {
 *   baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch,
 * }).catch((error) => error);
 * assert.ok(error instanceof WandbError);
 * assert.equal(error.kind, "key-refused");
 * assert.equal(error.status, 401);
 * assert.match(error.message, /^W&B refused the API key \(HTTP 401: unauthorized\)/);
 * assert.doesNotMatch(error.message, /your-w-and-b-api-key/);
 * ```
 */
export class WandbError extends Error {
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** What went wrong, for a caller that names the setting at fault. */
  readonly kind: WandbFailureKind;
  /** The URL the request went to, for `unreachable`, `not-found` and `graphql-twice`. */
  readonly url?: string;
  /** What happened, in a few words without advice, for `unreachable`. */
  readonly detail?: string;

  /**
   * Makes the error.
   *
   * @param message One line saying what failed and what was expected.
   * @param options The HTTP status of the last answer, the kind of failure, and the error this one was made from.
   */
  constructor(message: string, options: WandbErrorOptions = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "WandbError";
    this.status = options.status;
    this.kind = options.kind ?? "failed";
    this.url = options.url;
    this.detail = options.detail;
  }
}
