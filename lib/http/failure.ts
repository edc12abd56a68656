/**
 * What the W&B and GitHub clients share about a failed request: the
 * `User-Agent` they send, and the shape of one failed attempt before it
 * becomes the client's error.
 *
 * @module
 */

import type { AttemptOutcome } from "./retry.ts";

/** The `User-Agent` every request of this package carries. */
export const USER_AGENT = "wandb-runs-action (Deno)";

/**
 * One failed attempt, as a client reports it: one line free of secrets, the
 * HTTP status when an answer came, and a machine-readable `kind` when the
 * client's caller may need to tell this failure from others.
 */
export interface HttpFailure<Kind extends string = string> {
  /** One line saying what failed; never holds a secret. */
  message: string;
  /** The HTTP status of the answer, when there was one. */
  status?: number;
  /** What kind of failure it is, in the client's own terms. */
  kind?: Kind;
  /** The URL the request went to, when the kind needs it said. */
  url?: string;
  /** What happened, in a few words without advice, when the kind needs it said. */
  detail?: string;
}

/** One attempt's outcome with an {@linkcode HttpFailure}, as `retryWithBackoff` reads it. */
export type HttpOutcome<T, Kind extends string = string> = AttemptOutcome<
  T,
  HttpFailure<Kind>
>;
