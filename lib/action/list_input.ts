import { InputError } from "../errors.ts";
import { quoteForMessage } from "../_message.ts";

const BARE_NAME_FORBIDDEN = /['"`[\](){}$;\\]/;
// deno-lint-ignore no-control-regex -- names with control characters are refused
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** A line of a YAML block list: `- item`, or a lone `-` (an empty item). */
const DASH_ITEM = /^-(?:\s|$)/;
const LIST_EXAMPLE =
  `expected a list like ['acc', 'loss'], a JSON array, comma-separated names or one "- name" per line`;

/**
 * Parses a list input as the original action's users wrote it, without ever
 * evaluating it. Accepted forms:
 * - a Python list literal of strings: `['acc', 'loss']` or `["acc", "loss"]`;
 * - a JSON array of strings: `["acc", "loss"]`;
 * - comma- or newline-separated names: `acc, loss`;
 * - a YAML list as written in a workflow's block scalar (`|`): one `- acc`
 *   per line, every line so; an item may be quoted (`- 'val/acc'`).
 *
 * Empty text and `[]` are the empty list. Anything else (an expression, a
 * number, a nested list, an empty name, `- ` lines mixed with other lines) is
 * an {@linkcode InputError}.
 *
 * @example Four spellings of one list
 * ```ts
 * import { parseListInput } from "./list_input.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseListInput("DISPLAY_METRICS", "['acc', 'loss']"), ["acc", "loss"]);
 * assert.deepEqual(parseListInput("DISPLAY_METRICS", '["acc","loss"]'), ["acc", "loss"]);
 * assert.deepEqual(parseListInput("DISPLAY_METRICS", "acc, loss"), ["acc", "loss"]);
 * assert.deepEqual(parseListInput("DISPLAY_METRICS", "- acc\n- loss\n"), ["acc", "loss"]);
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
    : readEntries(input, trimmed);
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

/**
 * The entries of a list input that is not a bracketed list, untouched
 * otherwise: one `- entry` per line (a YAML list written in a workflow's
 * block scalar), or entries separated by commas or line breaks. Which form
 * it is must be plain: `- ` lines mixed with other lines, a `- ` entry after
 * a comma, or a comma inside a `- ` item could mean either, and are refused.
 *
 * @example
 * ```ts
 * import { listEntries } from "./list_input.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(listEntries("THRESHOLDS", "- acc>=0.9\n- loss<=0.3"), ["acc>=0.9", "loss<=0.3"]);
 * assert.deepEqual(listEntries("THRESHOLDS", "acc>=0.9, loss<=0.3"), ["acc>=0.9", "loss<=0.3"]);
 * ```
 *
 * @param input The input's name, used in error messages.
 * @param text The text the user gave.
 * @param expected What the input expects, the start of an error's detail.
 * @returns The entries, trimmed, in order; none for empty text.
 * @throws {InputError} naming `input` when the form is ambiguous.
 */
export function listEntries(
  input: string,
  text: string,
  expected: string = LIST_EXAMPLE,
): string[] {
  return splitList(input, text, expected).entries;
}

/** Names from comma-separated text or `- ` lines; only a `- ` item may be quoted, as YAML allows. */
function readEntries(input: string, text: string): string[] {
  const { dashed, entries } = splitList(input, text, LIST_EXAMPLE);
  return entries.map((entry) =>
    dashed && /^['"]/.test(entry)
      ? readWholeQuotedString(input, entry)
      : checkBareName(input, entry)
  );
}

function splitList(
  input: string,
  text: string,
  expected: string,
): { dashed: boolean; entries: string[] } {
  const fail = (problem: string): never => {
    throw new InputError(input, `${expected}; ${problem}`);
  };
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.trim()).filter(
    (line) => line !== "",
  );
  const dashed = lines.filter((line) => DASH_ITEM.test(line));
  if (dashed.length > 0 && dashed.length < lines.length) {
    const other = lines.find((line) => !DASH_ITEM.test(line))!;
    return fail(
      `some lines start with "- " and others do not, such as ${
        quoteForMessage(other)
      }`,
    );
  }
  if (dashed.length > 0) {
    const items = dashed.map((line) => {
      const item = line.slice(1).trim();
      if (item.includes(",")) {
        fail(
          `the item ${
            quoteForMessage(item)
          } holds a comma; write one entry per "- " line`,
        );
      }
      return item;
    });
    return { dashed: true, entries: items };
  }
  const entries = text.split(/[,\r\n]+/).map((entry) => entry.trim()).filter(
    (entry) => entry !== "",
  );
  for (const entry of entries) {
    if (DASH_ITEM.test(entry)) {
      fail(
        `${
          quoteForMessage(entry)
        } starts with "-"; write every entry on its own "- " line, or none so`,
      );
    }
  }
  return { dashed: false, entries };
}

function checkBareName(input: string, name: string): string {
  if (BARE_NAME_FORBIDDEN.test(name)) {
    throw new InputError(
      input,
      `${LIST_EXAMPLE}; ${quoteForMessage(name)} is not a plain name`,
    );
  }
  return name;
}

/** Reads an item that is one quoted string and nothing else: `'val/acc'`. */
function readWholeQuotedString(input: string, item: string): string {
  const fail = (): never => {
    throw new InputError(
      input,
      `${LIST_EXAMPLE}; cannot read ${quoteForMessage(item)}`,
    );
  };
  const [name, next] = readQuotedString(item, 0, fail);
  if (next !== item.length) fail();
  return name;
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
