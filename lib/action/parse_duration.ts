import { InputError } from "../errors.ts";
import { quoteForMessage } from "../_message.ts";

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 };

/**
 * Reads a duration input (`WAIT_TIMEOUT`, `POLL_INTERVAL`) such as `45m`,
 * `30s`, `1h30m` or `90` (seconds).
 *
 * @example
 * ```ts
 * import { parseDuration } from "./parse_duration.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseDuration("WAIT_TIMEOUT", "1h30m"), 5_400_000);
 * ```
 *
 * @param input The input's name, for the error message.
 * @param text The text given.
 * @returns Milliseconds.
 * @throws {InputError} naming `input` when the text is not a duration.
 */
export function parseDuration(input: string, text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  if (
    trimmed === "" || parts.map((part) => part[0]).join("") !== trimmed
  ) {
    throw new InputError(
      input,
      `expected a duration like 45m, 30s or 1h30m, got ${
        quoteForMessage(text)
      }`,
    );
  }
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * UNITS[unit],
    0,
  );
}
