/**
 * JSON that keeps integers beyond 2^53 exact: W&B values such as
 * `12345678901234567890` are read as `bigint` and written back digit for
 * digit, where plain `JSON.parse` would round them.
 *
 * @module
 */

type ReviverContext = { source?: string };
// ES2025's JSON.rawJSON, not yet in TypeScript's library.
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/**
 * Parses JSON text, reading integers too large for a `number` as `bigint`.
 *
 * @param text JSON text.
 * @returns The value; big integers as `bigint`, all else as `JSON.parse` gives.
 * @throws {SyntaxError} when the text is not JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseExactJson } from "./exact_json.ts";
 *
 * assert.deepEqual(parseExactJson('{"step": 12345678901234567890, "loss": 0.5}'), {
 *   step: 12345678901234567890n,
 *   loss: 0.5,
 * });
 * ```
 */
export function parseExactJson(text: string): unknown {
  // The third argument is the source text of a primitive (ES2025).
  const reviver = (_key: string, value: unknown, context?: ReviverContext) =>
    typeof value === "number" && !Number.isSafeInteger(value) &&
      /^-?\d+$/.test(context?.source ?? "")
      ? BigInt(context!.source!)
      : value;
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

/**
 * Writes a value as JSON, `bigint`s as exact integer literals.
 *
 * @param value What to write.
 * @param indent Spaces of indentation; none by default.
 * @returns The JSON text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stringifyExactJson } from "./exact_json.ts";
 *
 * assert.equal(stringifyExactJson({ step: 12345678901234567890n }), '{"step":12345678901234567890}');
 * ```
 */
export function stringifyExactJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, item) => typeof item === "bigint" ? rawJson(item.toString()) : item,
    indent,
  );
}
