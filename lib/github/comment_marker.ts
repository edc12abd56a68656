/**
 * The sticky comment's hidden marker, and the shapes of what names it: the
 * comment key that tells sticky comments apart, and the GitHub login that
 * writes them. Pure rules, usable without the comment client.
 *
 * @module
 */

import { quoteForMessage } from "../_message.ts";

/** The comment key used when none is given. */
export const DEFAULT_COMMENT_KEY = "default";

/** A comment key: 1 to 64 letters, digits, `_`, `.` or `-`. */
const COMMENT_KEY_SHAPE = /^[A-Za-z0-9_.-]{1,64}$/;

/** A login: letters, digits, `-` (and `_`, `.` on Enterprise), `[bot]` after an app's slug. */
const LOGIN_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(\[bot\])?$/;

/**
 * Whether `text` can be a comment key: 1 to 64 letters, digits, `_`, `.` or
 * `-`, so that the marker it makes is one plain HTML comment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCommentKey } from "./comment_marker.ts";
 *
 * assert.equal(isCommentKey("nightly-eval"), true);
 * assert.equal(isCommentKey("two words"), false);
 * ```
 *
 * @param text The text to check.
 * @returns `true` for a key's shape.
 */
export function isCommentKey(text: string): boolean {
  return COMMENT_KEY_SHAPE.test(text);
}

/**
 * Whether `text` can be a GitHub login, such as `octocat` or `my-app[bot]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isGithubLogin } from "./comment_marker.ts";
 *
 * assert.equal(isGithubLogin("my-app[bot]"), true);
 * assert.equal(isGithubLogin("not a login"), false);
 * ```
 *
 * @param text The text to check.
 * @returns `true` for a login's shape.
 */
export function isGithubLogin(text: string): boolean {
  return LOGIN_SHAPE.test(text);
}

/**
 * The hidden HTML comment that marks the sticky comment for `key`.
 *
 * @example
 * ```ts
 * import { commentMarker } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * assert.equal(commentMarker("nightly"), "<!-- wandb-runs-report:nightly -->");
 * // The sticky comment is the one whose body starts with the marker.
 * const bodies = ["LGTM", `${commentMarker("nightly")}\n### W&B runs`];
 * assert.equal(bodies.findIndex((body) => body.startsWith(commentMarker("nightly"))), 1);
 * assert.throws(() => commentMarker("two words"), TypeError);
 * ```
 *
 * @param key Tells sticky comments apart: `[A-Za-z0-9_.-]{1,64}`.
 * @returns The marker, e.g. `<!-- wandb-runs-report:default -->`.
 * @throws {TypeError} when the key has other characters or length.
 */
export function commentMarker(key: string): string {
  if (!isCommentKey(key)) {
    throw new TypeError(
      `Cannot use comment key ${
        quoteForMessage(key)
      }: expected 1 to 64 of A-Z, a-z, 0-9, "_", "." and "-"`,
    );
  }
  return `<!-- wandb-runs-report:${key} -->`;
}
