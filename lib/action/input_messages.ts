/**
 * The domain's errors and verdicts in the action's words: each names the
 * input at fault (`WANDB_BASE_URL`, `PROJECT_NAME`, `DISPLAY_METRICS`, ...),
 * so that what a user reads points at what to change in the workflow. The
 * domain code raises its errors with a machine-readable `kind`, and says
 * nothing of inputs; this is the one place that maps them.
 *
 * @module
 */

import { InputError, WandbError } from "../errors.ts";
import type { ColumnCollision, ColumnSource } from "../report/csv.ts";
import type { GateResult } from "../review/gates.ts";
import type { PrCommentResult } from "../github/pr_comment.ts";
import type { InputName } from "./inputs.ts";
import { ArtifactAliasError } from "../gather_evidence.ts";

/**
 * A W&B failure with the input at fault named: `WANDB_BASE_URL` for a URL
 * that leads nowhere or to something else, `WANDB_API_KEY` for a refused
 * key, `PROJECT_NAME` for a project W&B does not have. The result is still a
 * {@linkcode WandbError} of the same kind and status, the original its
 * `cause`; anything else is returned as it is.
 *
 * @example
 * ```ts
 * import { WandbError } from "../errors.ts";
 * import { nameWandbInput } from "./input_messages.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new WandbError(
 *   'W&B has no project "acme/none" at https://api.wandb.ai that this API key can see',
 *   { kind: "no-project" },
 * );
 * assert.equal(
 *   (nameWandbInput(error) as Error).message,
 *   'PROJECT_NAME: W&B has no project "acme/none" at https://api.wandb.ai that this API key can see',
 * );
 * ```
 *
 * @param error What the W&B client threw.
 * @returns The error to throw instead.
 */
export function nameWandbInput(error: unknown): unknown {
  if (!(error instanceof WandbError)) return error;
  const message = wandbMessage(error);
  if (message === undefined) return error;
  return new WandbError(message, {
    status: error.status,
    kind: error.kind,
    url: error.url,
    detail: error.detail,
    cause: error,
  });
}

function wandbMessage(error: WandbError): string | undefined {
  const notFound = `W&B answered HTTP 404 (not found) at ${error.url}`;
  switch (error.kind) {
    case "unreachable":
      return `WANDB_BASE_URL: cannot reach W&B at ${error.url}: ${error.detail}; not retried, check WANDB_BASE_URL`;
    case "not-found":
      return `WANDB_BASE_URL: ${notFound}; check that WANDB_BASE_URL is the W&B API's base URL, such as https://api.wandb.ai`;
    case "graphql-twice":
      return `WANDB_BASE_URL: ${notFound}; WANDB_BASE_URL ends in /graphql, which is added to it: drop that part`;
    case "key-refused":
      return `WANDB_API_KEY: ${error.message}`;
    case "no-project":
      return `PROJECT_NAME: ${error.message}`;
    case "failed":
      return undefined;
  }
}

/**
 * An evidence failure with the input at fault named: an alias W&B cannot
 * resolve names `BASELINE_ARTIFACT` or `EXPECTED_DATA`; any other W&B
 * failure is named as {@linkcode nameWandbInput} names it.
 *
 * @param error What gathering the evidence threw.
 * @returns The error to throw instead.
 */
export function nameEvidenceInput(error: unknown): unknown {
  if (!(error instanceof ArtifactAliasError)) return nameWandbInput(error);
  const input: InputName = error.role === "production"
    ? "BASELINE_ARTIFACT"
    : "EXPECTED_DATA";
  return new WandbError(`${input}: ${error.message}`, { cause: error });
}

/**
 * The gates' verdict with the input named where a failure is about an input
 * rather than a run: `REQUIRE_COMPLETE: not complete: ...`.
 *
 * @param gate The verdict from `evaluateGates`.
 * @returns The verdict as the action reports it.
 */
export function nameGateInputs(gate: GateResult): GateResult {
  return {
    ...gate,
    failures: gate.failures.map((failure) =>
      failure.kind === "complete"
        ? { ...failure, message: `REQUIRE_COMPLETE: ${failure.message}` }
        : failure
    ),
  };
}

/**
 * Two CSV columns of one name, as an error naming the inputs they come
 * from: `DISPLAY_CONFIG_VARS: "lr" would make a second column "_lr"
 * (already DISPLAY_METRICS "_lr"); remove or rename one`.
 *
 * @param collision The collision, from `columnCollision`.
 * @returns The error to throw.
 */
export function columnCollisionError(collision: ColumnCollision): InputError {
  const { column, first, second } = collision;
  const inputOf = (source: Exclude<ColumnSource, { list: "fixed" }>) =>
    (source.list === "metrics"
      ? "DISPLAY_METRICS"
      : "DISPLAY_CONFIG_VARS") satisfies InputName;
  const taken = first.list === "fixed"
    ? "a fixed column"
    : `${inputOf(first)} ${JSON.stringify(first.name)}`;
  return new InputError(
    inputOf(second),
    `${JSON.stringify(second.name)} would make a second column ${
      JSON.stringify(column)
    } (already ${taken}); remove or rename one`,
  );
}

/**
 * The warning for a new comment GitHub wrote as another author than the one
 * looked for, naming `COMMENT_AUTHOR`; `undefined` when there is none.
 *
 * @param result What `upsertPrComment` did.
 * @returns The warning's text, without the `COMMENT:` prefix.
 */
export function authorWarning(result: PrCommentResult): string | undefined {
  if (result.authorMismatch === undefined) return result.warning;
  const { writtenAs, lookedFor } = result.authorMismatch;
  return `the comment was written as ${writtenAs}, not ${lookedFor}: set COMMENT_AUTHOR to ${writtenAs} so that later runs find it`;
}

/**
 * The same error with a message that says more, of the same class: a
 * `Deno.errors.NotFound` stays one (its `code` too), so that a caller can
 * still tell what failed; the original is the `cause`. An error whose class
 * cannot be made again this way becomes a plain `Error`.
 *
 * @example
 * ```ts
 * import { withMessage } from "./input_messages.ts";
 * import assert from "node:assert/strict";
 *
 * const original = new Deno.errors.NotFound("No such file or directory");
 * const error = withMessage(original, 'OUTPUT_PATH: cannot write "x.csv": No such file or directory');
 * assert.ok(error instanceof Deno.errors.NotFound);
 * assert.equal(error.cause, original);
 * ```
 *
 * @param error What was thrown.
 * @param message The message to give it.
 * @returns The error to throw.
 */
export function withMessage(error: unknown, message: string): Error {
  if (error instanceof Error) {
    const SameClass = error.constructor as new (
      message: string,
      options?: ErrorOptions,
    ) => Error;
    try {
      const made = new SameClass(message, { cause: error });
      if (made instanceof SameClass && made.message === message) {
        made.name = error.name;
        if (Object.hasOwn(error, "code")) {
          Object.assign(made, { code: (error as { code?: unknown }).code });
        }
        return made;
      }
    } catch {
      // A class with other constructor arguments: a plain Error it is.
    }
  }
  return new Error(message, { cause: error });
}
