/**
 * Outside text made safe for Markdown and Mermaid: escaping for table cells
 * and links, inline code, URLs and chart labels, and cutting to a length.
 *
 * @module
 */

import { textSize } from "../github/limits.ts";

/**
 * Escapes outside text for a Markdown table cell or link text: HTML is shown
 * as text, Markdown punctuation is literal, `|` cannot split the cell, a
 * newline cannot end the row, and `@user`, `@org/team` and `#123` cannot
 * notify anyone or link an issue (a zero-width space, `&#8203;`, follows the
 * `@` or `#`).
 *
 * @example
 * ```ts
 * import { escapeMarkdown } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * // A run name from W&B, as a table cell that neither splits nor notifies.
 * assert.equal(`| ${escapeMarkdown("a|b")} |`, "| a\\|b |");
 * assert.equal(escapeMarkdown("@octocat #12"), "@&#8203;octocat #&#8203;12");
 * ```
 *
 * @param text Text from W&B or the user.
 * @returns Text that renders as itself.
 */
export function escapeMarkdown(text: string): string {
  // Most names and values hold nothing to escape: one test, not seven passes.
  if (!MARKDOWN_SPECIAL.test(text)) return text;
  return text.replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\\`*_{}[\]()|~]/g, (character) => `\\${character}`)
    .replace(/@|#(?=\d)/g, (character) => `${character}&#8203;`);
}

/** Every character {@linkcode escapeMarkdown} changes or looks at. */
const MARKDOWN_SPECIAL = /[\r\n&<>"\\`*_{}[\]()|~@#]/;

/**
 * Text cut to at most `max` characters (code points, so that no emoji is
 * split), the last being `…` when it was cut.
 *
 * @example
 * ```ts
 * import { cutText } from "./markdown_text.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(cutText("dashing-leaf-4", 8), "dashing…");
 * ```
 *
 * @param text The text.
 * @param max The most characters kept.
 * @returns The text, cut when longer.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max || textSize(text, "characters") <= max) return text;
  return `${Array.from(text.slice(0, 2 * max)).slice(0, max - 1).join("")}…`;
}

/**
 * Text for inside inline code: no backticks, no line breaks, no pipes.
 *
 * @param text The text.
 * @returns The text without them.
 */
export function escapeCode(text: string): string {
  return text.replace(/[`\r\n|]/g, "");
}

/**
 * A URL safe inside Markdown's `(...)`.
 *
 * @param url The URL.
 * @returns It with `(`, `)`, `<`, `>` and spaces percent-encoded.
 */
export function markdownUrl(url: string): string {
  if (!/[()<> ]/.test(url)) return url;
  return url.replace(
    /[()<> ]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A label Mermaid reads as plain text inside double quotes: letters,
 * digits, spaces and `._:/+-` only, cut to `max` characters.
 *
 * @example
 * ```ts
 * import { mermaidLabel } from "./markdown_text.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mermaidLabel('a "b" [c]', 20), "a b c");
 * ```
 *
 * @param text The text.
 * @param max The most characters kept.
 * @returns The label.
 */
export function mermaidLabel(text: string, max: number): string {
  const plain = text.replace(/[^\p{L}\p{N} ._:/+-]/gu, "").trim();
  return cutText(plain, max);
}

/** The most characters one table cell shows of outside text. */
const MAX_CELL_CHARACTERS = 120;

/**
 * Outside text for one table cell: cut to its first 120 characters, then
 * escaped with {@linkcode escapeMarkdown}.
 *
 * @param text The text.
 * @returns The cell's text.
 */
export function escapeCell(text: string): string {
  return escapeMarkdown(cutText(text, MAX_CELL_CHARACTERS));
}

/**
 * Text inside raw HTML (a `<summary>`), where Markdown is not read: `&`,
 * `<`, `>` and `"` as entities, line breaks as spaces, and `@` or `#` before
 * a digit followed by a zero-width space, so that it notifies nobody.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./markdown_text.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeHtml("a<b & c"), "a&lt;b &amp; c");
 * ```
 *
 * @param text The text.
 * @returns It, safe between HTML tags.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/&/g, "&amp;")
    .replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/@|#(?=\d)/g, (character) => `${character}&#8203;`);
}

/**
 * A folded block as GitHub renders it: `<details>` with a one-line summary,
 * and Markdown inside (the blank lines around it let GitHub read it).
 *
 * @example
 * ```ts
 * import { foldedBlock } from "./markdown_text.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(foldedBlock("All 2 runs", ["| a |"]), [
 *   "", "<details><summary>All 2 runs</summary>", "", "| a |", "", "</details>",
 * ]);
 * ```
 *
 * @param summary The summary, plain text (escaped here).
 * @param lines The Markdown inside.
 * @returns The block's lines, starting with a blank line.
 */
export function foldedBlock(
  summary: string,
  lines: readonly string[],
): string[] {
  const body = lines[0] === "" ? lines.slice(1) : lines;
  return [
    "",
    `<details><summary>${escapeHtml(summary)}</summary>`,
    "",
    ...body,
    "",
    "</details>",
  ];
}

/**
 * A number with its sign, to `digits` significant digits: `+0.12`, `-3`.
 *
 * @param value The number.
 * @param digits Significant digits.
 * @returns Its text.
 */
export function signed(value: number, digits: number): string {
  const text = String(Number(value.toPrecision(digits)));
  return value > 0 ? `+${text}` : text;
}

/**
 * A count and its noun, plural when not one: `1 run`, `3 runs`.
 *
 * @param count The count.
 * @param noun The noun, singular.
 * @returns Both.
 */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
