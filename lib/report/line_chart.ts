/**
 * Training curves for the Markdown report: one metric's history per run as a
 * Mermaid `xychart-beta` line chart, with a key under it that names each
 * line's run by a coloured square, and a note saying what was left out.
 *
 * How the curves are drawn, and why:
 * - Mermaid draws a line's values evenly spaced from the x-axis' minimum to
 *   its maximum, with no gaps; so every curve is resampled, by linear
 *   interpolation between its own points, onto one grid of 25 evenly spaced
 *   steps (every step, when the curves log integer steps and there are
 *   fewer), the same for every curve.
 * - The x-axis spans only the steps every drawn curve covers (from the
 *   latest first step to the earliest last step): no curve is drawn where it
 *   logged nothing, and the note names the runs that logged beyond the range.
 *   A curve that shares no step with the first candidate's (and those drawn
 *   with it) is left out, named in the note with its steps.
 * - A point whose step or value is not a finite number is left out of its
 *   curve (counted in the note); a curve with fewer than 2 finite points is
 *   not drawn (named in the note).
 * - At most {@linkcode MAX_CURVES} curves: baseline and production runs first
 *   (at most 2, in dark colours), then candidates in the order given (in
 *   bright colours); the note says how many runs are shown.
 * - The y-axis spans the drawn values, padded by 5% of their range on each
 *   side: a curve's shape matters, not its distance from zero. Numbers are
 *   written to a thousandth of their axis' range.
 *
 * @example
 * ```ts
 * import { lineChartSection } from "./line_chart.ts";
 * import assert from "node:assert/strict";
 *
 * const lines = lineChartSection("val_loss", [
 *   { label: "dandy-river-1", role: "baseline", points: [{ step: 0, value: 1 }, { step: 10, value: 0.5 }] },
 *   { label: "dashing-leaf-4", role: "candidate", points: [{ step: 0, value: 1 }, { step: 10, value: 0.4 }] },
 * ]);
 * assert.ok(lines.includes("xychart-beta"));
 * assert.equal(lines.at(-1), "⬛ baseline dandy-river-1 · 🟦 candidate dashing-leaf-4");
 * ```
 *
 * @module
 */
import { cutText, escapeMarkdown, mermaidLabel } from "./markdown_text.ts";

/** Whose curve a series is. */
export type SeriesRole = "candidate" | "baseline" | "production";

/** One run's curve. */
export interface CurveSeries {
  /** The run's name, as the key shows it. */
  label: string;
  /** Whose curve it is: baselines and production runs are drawn first, in dark colours. */
  role: SeriesRole;
  /** The metric's history: its value at each step, in any order. */
  points: readonly { step: number; value: number }[];
}

/**
 * The colour of each square emoji the key names a line by, as the line's
 * stroke: the chart's palette is these colours in the order of the lines.
 */
export const CURVE_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  "⬛": "#6E7781",
  "🟫": "#8B5A2B",
  "🟦": "#1E88E5",
  "🟧": "#FB8C00",
  "🟩": "#2E9E44",
  "🟥": "#E53935",
  "🟪": "#8E44AD",
  "🟨": "#E6B800",
});

/** The squares of baseline and production runs' lines, in order: dark ones. */
const REFERENCE_SQUARES = ["⬛", "🟫"] as const;
/** The squares of candidates' lines, in order: bright ones. */
const CANDIDATE_SQUARES = ["🟦", "🟧", "🟩", "🟥", "🟪", "🟨"] as const;

/** The most curves one chart draws unless told otherwise: past this, lines tangle. */
export const MAX_CURVES = 6;
/** The most curves any chart draws: one per colour of the key. */
const MOST_CURVES = REFERENCE_SQUARES.length + CANDIDATE_SQUARES.length;
/** The most points of a curve: enough for its shape, few enough to read. */
const GRID_POINTS = 25;
/**
 * The chart's size in pixels: as wide as a pull request's conversation
 * column, and Mermaid scales it down to fit a narrower one.
 */
const CHART_WIDTH = 640;
const CHART_HEIGHT = 360;
/** The most characters of the metric's name inside the chart. */
const MAX_TITLE_CHARACTERS = 40;
/** The most characters of a run's name in the key and the note. */
const MAX_LABEL_CHARACTERS = 40;
/** The most runs a note names in one list before it says "and N more". */
const MAX_NAMED_RUNS = 3;

interface Point {
  step: number;
  value: number;
}

/** A series ready to draw: its finite points, sorted by step, one per step. */
interface Curve {
  series: CurveSeries;
  points: Point[];
  /** How many of its points were left out for a non-finite step or value. */
  nonFinite: number;
}

/**
 * The Markdown lines of one metric's training curves: a blank line, a note
 * when something was left out, a Mermaid `xychart-beta` line chart of at most
 * `maxSeries` curves on a common grid of steps, and a key pairing each line's
 * colour with its run. No lines when no series has 2 finite points.
 *
 * @param metric The metric's name, for the chart's title, its y-axis and the note.
 * @param series The runs' curves: candidates in the order they should be kept
 *   when not every one fits.
 * @param options `maxSeries`: the most curves to draw, from 1 to 8
 *   ({@linkcode MAX_CURVES} by default); at most 2 of them baseline or
 *   production runs and at most 6 candidates.
 * @returns The lines, to join with `\n`; none when there is nothing to draw.
 * @throws {RangeError} When `maxSeries` is not an integer from 1 to 8.
 */
export function lineChartSection(
  metric: string,
  series: readonly CurveSeries[],
  options: { maxSeries?: number } = {},
): string[] {
  const maxSeries = options.maxSeries ?? MAX_CURVES;
  if (
    !Number.isInteger(maxSeries) || maxSeries < 1 || maxSeries > MOST_CURVES
  ) {
    throw new RangeError(
      `Cannot chart ${
        JSON.stringify(metric)
      }: maxSeries is ${maxSeries}, expected an integer from 1 to ${MOST_CURVES}`,
    );
  }
  const curves = series.map(curveOf);
  const drawable = curves.filter((curve) => curve.points.length >= 2);
  const chosen = chosenCurves(drawable, maxSeries);
  const { shown, apart, range } = sharedSteps(chosen);
  if (shown.length === 0) return [];

  const grid = stepGrid(range, {
    integral: shown.every((curve) =>
      curve.points.every((point) => Number.isInteger(point.step))
    ),
  });
  const values = shown.map((curve) => sampled(curve.points, grid.steps));
  const yAxis = valueAxis(values.flat());
  const squares = squaresOf(shown);
  const palette = squares.map((square) => CURVE_COLOURS[square]).join(", ");
  const title = mermaidLabel(metric, MAX_TITLE_CHARACTERS) || "metric";

  const note = noteOf(metric, {
    total: series.length,
    shown,
    trimmed: drawable.length > chosen.length,
    unusable: curves.filter((curve) => curve.points.length < 2),
    apart,
    range,
  });
  return [
    "",
    ...(note === undefined ? [] : [note, ""]),
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}, "xyChart": {"width": ${CHART_WIDTH}, "height": ${CHART_HEIGHT}}}}%%`,
    "xychart-beta",
    `  title "${title}"`,
    `  x-axis "step" ${grid.fromText} --> ${grid.toText}`,
    `  y-axis "${title}" ${yAxis.fromText} --> ${yAxis.toText}`,
    ...values.map((line) =>
      `  line [${line.map((value) => yAxis.format(value)).join(", ")}]`
    ),
    "```",
    "",
    shown.map((curve, index) =>
      `${squares[index]} ${curve.series.role} ${runName(curve)}`
    ).join(" · "),
  ];
}

/**
 * Past this, a number counts as non-finite: an axis padded around it could
 * overflow to `Infinity`.
 */
const MAX_MAGNITUDE = 1e300;

/** Whether a number can be charted: finite, and not so large that its axis overflows. */
function isChartable(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= MAX_MAGNITUDE;
}

/** A series' chartable points, sorted by step; of points at the same step, the last given. */
function curveOf(series: CurveSeries): Curve {
  const finite = series.points.filter((point) =>
    isChartable(point.step) && isChartable(point.value)
  );
  const byStep = new Map<number, Point>();
  for (const { step, value } of finite) byStep.set(step, { step, value });
  return {
    series,
    points: [...byStep.values()].sort((a, b) => a.step - b.step),
    nonFinite: series.points.length - finite.length,
  };
}

/**
 * The curves to draw, in drawing order: baseline and production runs first
 * (at most 2, and leaving room for a candidate), then candidates in the order
 * given, at most `maxSeries` in all.
 */
function chosenCurves(curves: readonly Curve[], maxSeries: number): Curve[] {
  const references = curves.filter((curve) =>
    curve.series.role !== "candidate"
  );
  const candidates = curves.filter((curve) =>
    curve.series.role === "candidate"
  );
  const referenceCount = Math.min(
    references.length,
    REFERENCE_SQUARES.length,
    candidates.length > 0 ? maxSeries - 1 : maxSeries,
  );
  const candidateCount = Math.min(
    candidates.length,
    CANDIDATE_SQUARES.length,
    maxSeries - referenceCount,
  );
  return [
    ...references.slice(0, referenceCount),
    ...candidates.slice(0, candidateCount),
  ];
}

/**
 * Each shown curve's square: bright ones for candidates, dark ones for
 * references, 🟫 for the production run as in the report's bar charts (and
 * for a second baseline only when no production run is shown).
 */
function squaresOf(shown: readonly Curve[]): string[] {
  const production = shown.some((curve) => curve.series.role === "production");
  const baselineSquares = production ? ["⬛"] : [...REFERENCE_SQUARES];
  let baselines = 0;
  let candidates = 0;
  return shown.map((curve) =>
    curve.series.role === "candidate"
      ? CANDIDATE_SQUARES[candidates++]
      : curve.series.role === "production"
      ? "🟫"
      : baselineSquares[baselines++]
  );
}

/** The steps the x-axis spans. */
interface StepRange {
  from: number;
  to: number;
}

/**
 * The curves that share steps, and the steps they all cover: from the first
 * candidate's (the first curve's when there is no candidate), each other curve
 * in turn narrows the range, or is left out when it shares none of it.
 */
function sharedSteps(
  chosen: readonly Curve[],
): { shown: Curve[]; apart: Curve[]; range: StepRange } {
  const anchor = chosen.find((curve) => curve.series.role === "candidate") ??
    chosen[0];
  if (anchor === undefined) {
    return { shown: [], apart: [], range: { from: 0, to: 0 } };
  }
  let from = anchor.points[0].step;
  let to = anchor.points.at(-1)!.step;
  const apart: Curve[] = [];
  for (const curve of chosen) {
    if (curve === anchor) continue;
    const sharedFrom = Math.max(from, curve.points[0].step);
    const sharedTo = Math.min(to, curve.points.at(-1)!.step);
    if (sharedFrom < sharedTo) {
      from = sharedFrom;
      to = sharedTo;
    } else {
      apart.push(curve);
    }
  }
  return {
    shown: chosen.filter((curve) => !apart.includes(curve)),
    apart,
    range: { from, to },
  };
}

/**
 * The grid every curve is sampled on: evenly spaced from the axis' first step
 * to its last, as Mermaid spaces a line's values, computed from the bounds as
 * written so that Mermaid and the samples agree. Every step when the curves
 * log integer steps and the range holds at most {@linkcode GRID_POINTS}.
 */
function stepGrid(
  range: StepRange,
  { integral }: { integral: boolean },
): { steps: number[]; fromText: string; toText: string } {
  // Never coarser than whole steps: the note names steps as logged.
  const decimals = Math.max(0, decimalsFor(range.to - range.from));
  const fromText = formatDecimal(range.from, decimals);
  const toText = formatDecimal(range.to, decimals);
  const from = Number(fromText);
  const to = Number(toText);
  const count = integral && to - from < GRID_POINTS
    ? to - from + 1
    : GRID_POINTS;
  const steps = Array.from(
    { length: count },
    (_, index) => from + index * (to - from) / (count - 1),
  );
  return { steps, fromText, toText };
}

/**
 * A curve's values at ascending steps, by linear interpolation between its
 * points; its first value before its first step and its last after its last
 * (only ever a rounding's distance away: the grid lies in its range).
 */
function sampled(points: readonly Point[], steps: readonly number[]): number[] {
  let next = 0;
  return steps.map((step) => {
    while (next < points.length && points[next].step < step) next++;
    if (next === 0) return points[0].value;
    if (next === points.length) return points[next - 1].value;
    const before = points[next - 1];
    const after = points[next];
    const share = (step - before.step) / (after.step - before.step);
    // Weighted, not `before + share * difference`: no overflow for any finite values.
    return before.value * (1 - share) + after.value * share;
  });
}

/** The y-axis: the values' range padded by 5% each side, and how to write values on it. */
function valueAxis(values: readonly number[]): {
  fromText: string;
  toText: string;
  format: (value: number) => string;
} {
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const padding = highest > lowest
    ? (highest - lowest) * 0.05
    : Math.abs(lowest) * 0.05 || 1;
  const decimals = decimalsFor(highest - lowest + 2 * padding);
  const format = (value: number) => formatDecimal(value, decimals);
  return {
    fromText: format(lowest - padding),
    toText: format(highest + padding),
    format,
  };
}

/**
 * How many decimals resolve a thousandth of a range (negative: how many
 * trailing zeros): enough for a curve's shape at any chart size, without
 * 17-digit floats.
 */
function decimalsFor(range: number): number {
  if (!(range > 0) || !Number.isFinite(range)) return 0;
  return Math.min(100, Math.ceil(-Math.log10(range / 1000)));
}

/**
 * A number as Mermaid's xychart reads it: plain decimals (no exponent, which
 * its grammar has not), rounded to `decimals` (to tens, hundreds... when
 * negative), no trailing zeros after the point, no `-0`.
 */
function formatDecimal(value: number, decimals: number): string {
  const text = decimals > 0
    ? value.toFixed(decimals).replace(/\.?0+$/, "")
    : (BigInt(Math.round(value / 10 ** -decimals)) * 10n ** BigInt(-decimals))
      .toString();
  return text === "-0" ? "0" : text;
}

/** A run's name for the key and the note: cut, then escaped. */
function runName(curve: Curve): string {
  return escapeMarkdown(cutText(curve.series.label, MAX_LABEL_CHARACTERS));
}

/** Runs' names as a list, at most {@linkcode MAX_NAMED_RUNS} then "and N more". */
function nameList(names: readonly string[]): string {
  if (names.length <= MAX_NAMED_RUNS) return names.join(", ");
  return `${names.slice(0, MAX_NAMED_RUNS).join(", ")} and ${
    names.length - MAX_NAMED_RUNS
  } more`;
}

/** A step as the note writes it. */
function stepText(step: number): string {
  return Number.isInteger(step)
    ? String(step)
    : String(Number(step.toPrecision(6)));
}

/** The italic note above the chart: what was left out, and where the axis was cut. */
function noteOf(
  metric: string,
  context: {
    total: number;
    shown: readonly Curve[];
    /** Whether drawable curves were left out for room. */
    trimmed: boolean;
    unusable: readonly Curve[];
    apart: readonly Curve[];
    range: StepRange;
  },
): string | undefined {
  const { total, shown, trimmed, unusable, apart, range } = context;
  const parts: string[] = [];
  if (shown.length < total) {
    parts.push(
      `${shown.length} of ${total} runs shown${
        trimmed
          ? ", to keep the chart legible: baseline and production runs first (at most 2), then candidates in the order given"
          : ""
      }`,
    );
  }
  if (unusable.length > 0) {
    parts.push(
      `not drawn, with fewer than 2 finite points: ${
        nameList(unusable.map(runName))
      }`,
    );
  }
  const withSteps = (curve: Curve) =>
    `${runName(curve)} (steps ${stepText(curve.points[0].step)}–${
      stepText(curve.points.at(-1)!.step)
    })`;
  if (apart.length > 0) {
    parts.push(
      `not drawn, sharing no steps with the others: ${
        nameList(apart.map(withSteps))
      }`,
    );
  }
  const beyond = shown.filter((curve) =>
    curve.points[0].step < range.from || curve.points.at(-1)!.step > range.to
  );
  if (beyond.length > 0) {
    parts.push(
      `steps ${stepText(range.from)}–${
        stepText(range.to)
      } only, which every curve covers; logged beyond them: ${
        nameList(beyond.map(withSteps))
      }`,
    );
  }
  const withNonFinite = shown.filter((curve) => curve.nonFinite > 0);
  if (withNonFinite.length > 0) {
    const count = withNonFinite.reduce(
      (sum, curve) => sum + curve.nonFinite,
      0,
    );
    parts.push(
      `${count} non-finite ${count === 1 ? "value" : "values"} left out of ${
        nameList(withNonFinite.map(runName))
      }`,
    );
  }
  if (parts.length === 0) return undefined;
  return `_${escapeMarkdown(metric)} curves: ${parts.join("; ")}._`;
}
