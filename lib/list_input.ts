import { InputError } from "./errors.ts";
import { quoteForMessage } from "./_message.ts";

const BARE_NAME_FORBIDDEN = /['"`[\](){}$;\\]/;
// deno-lint-ignore no-control-regex -- names with control characters are refused
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const LIST_EXAMPLE =
  `expected a list like ['acc', 'loss'], a JSON array, or comma-separated names`;

/**
 * Parses a list input as the original action's users wrote it, without ever
 * evaluating it. Accepted forms:
 * - a Python list literal of strings: `['acc', 'loss']` or `["acc", "loss"]`;
 * - a JSON array of strings: `["acc", "loss"]`;
 * - comma- or newline-separated names: `acc, loss`.
 *
 * Empty text and `[]` are the empty list. Anything else (an expression, a
 * number, a nested list, an empty name) is an {@linkcode InputError}.
 *
 * @example Three spellings of one list
 * ```ts
 * import { parseListInput } from "./list_input.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseListInput("DISPLAY_METRICS", "['acc', 'loss']"), ["acc", "loss"]);
 * assert.deepEqual(parseListInput("DISPLAY_METRICS", '["acc","loss"]'), ["acc", "loss"]);
 * assert.deepEqual(parseListInput("DISPLAY_METRICS", "acc, loss"), ["acc", "loss"]);
 * ```
 *
 * @param input The input's name, used in error messages.
 * @param text The text the user gave.
 * @returns The names, in order.
 */
export function parseListInput(input: string, text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const names = trimmed.startsWith("[")
    ? parseBracketedList(input, trimmed)
    : parseSeparatedNames(input, trimmed);
  for (const name of names) {
    if (name.trim() === "") {
      throw new InputError(input, `${LIST_EXAMPLE}; found an empty name`);
    }
    if (CONTROL_CHARACTER.test(name)) {
      throw new InputError(
        input,
        `${LIST_EXAMPLE}; a name holds a control character`,
      );
    }
  }
  return names;
}

function parseSeparatedNames(input: string, text: string): string[] {
  const names = text.split(/[,\r\n]+/).map((name) => name.trim()).filter(
    (name) => name !== "",
  );
  for (const name of names) {
    if (BARE_NAME_FORBIDDEN.test(name)) {
      throw new InputError(
        input,
        `${LIST_EXAMPLE}; ${quoteForMessage(name)} is not a plain name`,
      );
    }
  }
  return names;
}

/** Reads `[ 'a', "b", ]`: quoted strings separated by commas, nothing else. */
function parseBracketedList(input: string, text: string): string[] {
  const names: string[] = [];
  let position = 1;
  const fail = (): never => {
    throw new InputError(
      input,
      `${LIST_EXAMPLE}; cannot read ${quoteForMessage(text)}`,
    );
  };
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text[position])) position++;
  };
  skipSpace();
  while (text[position] !== "]") {
    const quote = text[position];
    if (quote !== "'" && quote !== '"') fail();
    const [name, next] = readQuotedString(text, position, fail);
    names.push(name);
    position = next;
    skipSpace();
    if (text[position] === ",") {
      position++;
      skipSpace();
    } else if (text[position] !== "]") {
      fail();
    }
  }
  if (position !== text.length - 1) fail();
  return names;
}

const ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
  "/": "/",
};

/** Reads one quoted string starting at `start`; returns it and the index after it. */
function readQuotedString(
  text: string,
  start: number,
  fail: () => never,
): [string, number] {
  const quote = text[start];
  let value = "";
  let position = start + 1;
  while (position < text.length) {
    const character = text[position];
    if (character === quote) return [value, position + 1];
    if (character === "\\") {
      const escaped = text[position + 1];
      if (
        escaped === "u" &&
        /^[0-9a-fA-F]{4}$/.test(text.slice(position + 2, position + 6))
      ) {
        value += String.fromCharCode(
          parseInt(text.slice(position + 2, position + 6), 16),
        );
        position += 6;
        continue;
      }
      if (!(escaped in ESCAPES)) fail();
      value += ESCAPES[escaped];
      position += 2;
      continue;
    }
    value += character;
    position++;
  }
  return fail();
}
