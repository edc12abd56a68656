/**
 * Plain-text tables for the benchmark: Markdown pipe tables padded the way
 * `deno fmt` pads them, so the same text reads well in a terminal and stays
 * unchanged by the formatter in `BENCHMARKS.md`.
 *
 * @module
 */

/** A column's alignment. */
export type Align = "left" | "right";

/**
 * Renders a Markdown pipe table with padded cells.
 *
 * @param head The column titles.
 * @param rows The cells, one array per row.
 * @param align Each column's alignment; left when absent.
 * @returns The table's lines joined by `\n`.
 */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const widths = head.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => row[column].length))
  );
  const line = (cells: readonly string[]) =>
    `| ${
      cells.map((cell, column) =>
        align[column] === "right"
          ? cell.padStart(widths[column])
          : cell.padEnd(widths[column])
      ).join(" | ")
    } |`;
  const rule = `| ${
    widths.map((width, column) =>
      align[column] === "right"
        ? `${"-".repeat(width - 1)}:`
        : "-".repeat(width)
    ).join(" | ")
  } |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/**
 * Bytes in SI units, e.g. `190.3 kB`, `24.51 MB`.
 *
 * @param bytes A byte count.
 * @returns The count with a unit.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(2)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/**
 * Milliseconds, as `85 ms` below ten seconds and `12.3 s` above.
 *
 * @param ms A duration in milliseconds.
 * @returns The duration with a unit.
 */
export function formatMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A ratio with three significant digits, e.g. `0.0123` or `1.05`.
 *
 * @param value The ratio.
 * @returns The ratio as text.
 */
export function formatRatio(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

/**
 * An integer with thousands separators, e.g. `20,000`.
 *
 * @param value The integer.
 * @returns The integer as text.
 */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}
