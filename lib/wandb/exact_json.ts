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
 * Plain `JSON.parse` reads the text first (about five times faster than the
 * exact reading); only when the result holds a number that could be a rounded
 * integer (an integer beyond ±(2^53 - 1)) is the text read again, exactly.
 * The result is the same either way.
 *
 * With `pick`, only the part of the value that `pick` returns is kept and
 * checked, so an unsafe integer in a part that is thrown away costs nothing.
 *
 * @param text JSON text.
 * @param pick Takes the part to keep from the parsed value (it may get the
 * value twice: from the plain reading, then from the exact one).
 * @returns The value (or the part `pick` kept); big integers as `bigint`, all
 * else as `JSON.parse` gives.
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
 * assert.deepEqual(
 *   parseExactJson('{"step": 12345678901234567890, "loss": 0.5}', (value) => {
 *     const { loss } = value as { loss: number };
 *     return { loss };
 *   }),
 *   { loss: 0.5 },
 * );
 * ```
 */
export function parseExactJson<T = unknown>(
  text: string,
  pick?: (value: unknown) => T,
): T {
  const keep = pick ?? ((value: unknown) => value as T);
  const quick = keep(JSON.parse(text));
  return hasUnsafeInteger(quick) ? keep(parseEveryIntegerExactly(text)) : quick;
}

/**
 * Whether a parsed JSON value holds a number that is an integer beyond
 * ±(2^53 - 1): one that plain `JSON.parse` may have rounded. Every integer
 * literal past 2^53 - 1 parses to such a number, so a value without one reads
 * the same exactly.
 *
 * @param value A value from `JSON.parse`.
 * @returns Whether any number in it, at any depth, is such an integer.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasUnsafeInteger } from "./exact_json.ts";
 *
 * assert.equal(hasUnsafeInteger(JSON.parse('{"a": [1, 2.5, 9007199254740991]}')), false);
 * assert.equal(hasUnsafeInteger(JSON.parse('{"a": {"b": 12345678901234567890}}')), true);
 * ```
 */
export function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === "number") {
    return Number.isInteger(value) && !Number.isSafeInteger(value);
  }
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (hasUnsafeInteger(item)) return true;
    }
    return false;
  }
  for (const key in value) {
    if (hasUnsafeInteger((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** `JSON.parse` with every integer literal past 2^53 - 1 read as a `bigint`. */
function parseEveryIntegerExactly(text: string): unknown {
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
