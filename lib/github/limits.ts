/**
 * GitHub's size limits, in the units GitHub counts them in: a pull request
 * comment's body and a step's job summary, and how much of a comment is left
 * for the report once its marker is in.
 *
 * @module
 */

import { commentMarker } from "./comment_marker.ts";

/**
 * A size limit in the unit GitHub measures it in.
 *
 * @example Check text against a limit
 * ```ts
 * import type { SizeLimit } from "@ml-review/wandb-runs/github";
 * import { COMMENT_LIMIT } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * function fits(text: string, { max, unit }: SizeLimit): boolean {
 *   const size = unit === "characters"
 *     ? [...text].length
 *     : new TextEncoder().encode(text).length;
 *   return size <= max;
 * }
 * // A comment with 200 characters kept for a footer of your own.
 * const limit: SizeLimit = { ...COMMENT_LIMIT, max: COMMENT_LIMIT.max - 200 };
 * assert.equal(fits("🟢".repeat(65_336), limit), true);
 * assert.equal(fits("🟢".repeat(65_337), limit), false);
 * ```
 */
export interface SizeLimit {
  /** The most units allowed. */
  max: number;
  /** What is counted: Unicode code points (characters) or UTF-8 bytes. */
  unit: "characters" | "bytes";
}

/**
 * GitHub's limit for a comment body: "maximum is 65536 characters", counted
 * as Unicode code points (an emoji is one, not the two UTF-16 units of
 * JavaScript's `length`). 65,536 code points are at most 262,144 UTF-8 bytes,
 * the byte limit GitHub has been measured to apply to comments as well.
 *
 * @example
 * ```ts
 * import { COMMENT_LIMIT } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(COMMENT_LIMIT, { max: 65_536, unit: "characters" });
 * // 40,000 emoji: 80,000 UTF-16 units to `length`, 40,000 characters to GitHub.
 * const body = "🟢".repeat(40_000);
 * assert.ok(body.length > COMMENT_LIMIT.max);
 * assert.ok([...body].length <= COMMENT_LIMIT.max);
 * ```
 */
export const COMMENT_LIMIT: SizeLimit = { max: 65_536, unit: "characters" };

/**
 * GitHub's limit for one step's job summary: 1 MiB, in UTF-8 bytes, as the
 * runner measures the file (it drops a larger summary whole).
 *
 * @example
 * ```ts
 * import { SUMMARY_LIMIT } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(SUMMARY_LIMIT, { max: 1_048_576, unit: "bytes" });
 * // 900,000 UTF-16 units, but 1,100,000 UTF-8 bytes ("✅" is 3): too large.
 * const summary = "✅ passed\n".repeat(100_000);
 * assert.ok(summary.length < SUMMARY_LIMIT.max);
 * assert.ok(new TextEncoder().encode(summary).length > SUMMARY_LIMIT.max);
 * ```
 */
export const SUMMARY_LIMIT: SizeLimit = { max: 1_048_576, unit: "bytes" };

const NOT_ASCII = /[\u0080-\uffff]/;
const SURROGATE = /[\ud800-\udfff]/;

/**
 * The size of `text` in the unit of a {@linkcode SizeLimit}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textSize } from "./limits.ts";
 *
 * assert.equal(textSize("✅ 🟢", "characters"), 3);
 * assert.equal(textSize("✅ 🟢", "bytes"), 8);
 * ```
 *
 * @param text The text.
 * @param unit `characters` (Unicode code points) or `bytes` (UTF-8).
 * @returns Its size.
 */
export function textSize(text: string, unit: SizeLimit["unit"]): number {
  // Most text is ASCII, or has no surrogate pair: one native scan tells.
  if (unit === "bytes" ? !NOT_ASCII.test(text) : !SURROGATE.test(text)) {
    return text.length;
  }
  let size = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const pair = code >= 0xd800 && code <= 0xdbff &&
      index + 1 < text.length &&
      (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
    if (pair) index++;
    size += unit === "characters"
      ? 1
      : pair
      ? 4
      : code < 0x80
      ? 1
      : code < 0x800
      ? 2
      : 3;
  }
  return size;
}

/**
 * How large the report in a sticky comment may be: {@linkcode COMMENT_LIMIT}
 * less the marker for `key` and the line break after it, which the comment
 * puts before the report.
 *
 * @example
 * ```ts
 * import { commentBodyLimit } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // "<!-- wandb-runs-report:default -->" is 34 characters, then "\n".
 * assert.deepEqual(commentBodyLimit("default"), { max: 65_501, unit: "characters" });
 * ```
 *
 * @param key The comment key.
 * @returns The limit for the report.
 * @throws {TypeError} for a malformed key (see {@linkcode commentMarker}).
 */
export function commentBodyLimit(key: string): SizeLimit {
  return {
    max: COMMENT_LIMIT.max - textSize(`${commentMarker(key)}\n`, "characters"),
    unit: COMMENT_LIMIT.unit,
  };
}
