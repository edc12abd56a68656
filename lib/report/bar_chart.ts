/**
 * A horizontal Mermaid bar chart per metric: the finished candidates and the
 * baselines with the metric, sized to their number, candidates and baselines
 * (and the production baseline) in colours of their own, with a key under
 * it. Past {@linkcode MAX_BARS}, the compared baseline and the best
 * candidates, with a note saying which runs were left out.
 *
 * Mermaid's `xychart` colours a series, not a bar: each role is a `bar`
 * series of its own, holding the role's runs' values and 0 for the other
 * runs' rows. Series are drawn over one another, so each row shows one bar,
 * in its role's colour.
 *
 * @module
 */

import type { BaselineValue } from "../review/baseline_comparison.ts";
import { numericMetric } from "../review/baseline_comparison.ts";
import type { MetricGoal } from "../review/metric_goals.ts";
import { isFinished } from "../wandb/run_state.ts";
import type { WandbRun } from "../wandb/run.ts";
import type { RunCategory } from "../review/categorise.ts";
import { CURVE_COLOURS } from "./line_chart.ts";
import { escapeMarkdown, mermaidLabel, plural } from "./markdown_text.ts";
import {
  isProduction,
  type MarkdownReportContext,
  type ReportRow,
} from "./report_context.ts";

/** The most bars a chart shows: past this, labels crowd and bars thin out. */
const MAX_BARS = 12;
/** The most characters of a run's name in a chart label. */
const MAX_LABEL_CHARACTERS = 24;
/** The chart's width: narrower than a pull request's comment column on a laptop. */
const CHART_WIDTH = 640;
/** Height per bar, and for the title and axis. */
const BAR_HEIGHT = 28;
const FRAME_HEIGHT = 70;

/** A bar's role, each drawn in its own colour. */
type BarRole = "candidate" | "baseline" | "production";

/** The key's square for each role; its colour is the bar's. */
const ROLE_SQUARES: Readonly<Record<BarRole, string>> = {
  candidate: "🟦",
  baseline: "⬛",
  production: "🟫",
};

interface Bar {
  label: string;
  value: number;
  role: BarRole;
}

/**
 * A bar chart per metric with two or more values; none for a metric with
 * fewer (one bar says nothing a table cell does not).
 *
 * @param rows The report's rows.
 * @param context The report's context.
 * @returns The charts' lines, each chart after a blank line, and the metrics charted.
 */
export function barChartSection(
  rows: readonly ReportRow[],
  context: MarkdownReportContext,
): { lines: string[]; metrics: string[] } {
  const lines: string[] = [];
  const metrics: string[] = [];
  for (const goal of context.goals) {
    const { bars, note } = chartBars(rows, goal, context);
    if (bars.length < 2) continue;
    metrics.push(goal.metric);
    lines.push(
      "",
      ...(note === undefined ? [] : [note, ""]),
      ...chart(goal.metric, bars),
    );
  }
  return { lines, metrics };
}

/** The order of the rows by role, top to bottom. */
const ROLE_ORDER: readonly BarRole[] = ["candidate", "baseline", "production"];

function chart(metric: string, unordered: readonly Bar[]): string[] {
  // Mermaid draws a zero as a stub about 10 px long, and the series in
  // order, each over the ones before. So the rows are grouped by role, the
  // series go bottom group first, and each ends at its group's last row:
  // every row's own bar is drawn last, over the stubs of the series before.
  const bars = unordered.toSorted((a, b) =>
    ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role)
  );
  const roles = ROLE_ORDER.filter((role) =>
    bars.some((bar) => bar.role === role)
  ).toReversed();
  const values = bars.map((bar) => bar.value);
  const palette = roles.map((role) => CURVE_COLOURS[ROLE_SQUARES[role]]).join(
    ", ",
  );
  const height = FRAME_HEIGHT + BAR_HEIGHT * bars.length;
  const title = mermaidLabel(metric, 40);
  return [
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}, "xyChart": {"width": ${CHART_WIDTH}, "height": ${height}}}}%%`,
    "xychart-beta horizontal",
    `  title "${title}"`,
    `  x-axis [${bars.map((bar) => `"${bar.label}"`).join(", ")}]`,
    // From zero, so that bar lengths compare honestly.
    `  y-axis ${shortNumber(Math.min(0, ...values))} --> ${
      shortNumber(Math.max(0, ...values))
    }`,
    ...roles.map((role) => {
      const last = bars.findLastIndex((bar) => bar.role === role);
      return `  bar [${
        bars.slice(0, last + 1).map((bar) =>
          bar.role === role ? shortNumber(bar.value) : 0
        ).join(", ")
      }]`;
    }),
    "```",
    "",
    roles.toReversed().map((role) => `${ROLE_SQUARES[role]} ${role}`).join(
      " · ",
    ),
  ];
}

/** A value with at most 6 significant digits, as Mermaid reads it (no exponent). */
function shortNumber(value: number): string {
  const rounded = Number(value.toPrecision(6));
  return Math.abs(rounded) < 1e-6 && rounded !== 0
    ? rounded.toFixed(12).replace(/0+$/, "")
    : Math.abs(rounded) >= 1e21
    ? rounded.toLocaleString("en-US", { useGrouping: false })
    : String(rounded);
}

/**
 * The bars of one metric's chart: every finished candidate and baseline with
 * the metric while they fit; past {@linkcode MAX_BARS}, the compared baseline
 * (or the baselines' mean) and the best candidates, with a note saying so.
 */
function chartBars(
  rows: readonly ReportRow[],
  goal: MetricGoal,
  context: MarkdownReportContext,
): { bars: Bar[]; note?: string } {
  const { metric, direction } = goal;
  const charted = rows.flatMap((row) => {
    const value = numericMetric(row.run, metric);
    return (row.category === "baseline" || isFinished(row.run)) &&
        value !== undefined
      ? [{ ...row, value }]
      : [];
  });
  const labels = chartLabels(charted);
  const role = (index: number): BarRole =>
    charted[index].category === "candidate"
      ? "candidate"
      : isProduction(context, charted[index].run)
      ? "production"
      : "baseline";
  const bar = (index: number): Bar => ({
    label: labels[index],
    value: charted[index].value,
    role: role(index),
  });
  if (charted.length <= MAX_BARS) {
    return { bars: charted.map((_, i) => bar(i)) };
  }

  const compared = context.analysis.baselineValues.get(metric);
  const baselineBars: Bar[] = compared === undefined
    ? []
    : compared.runId === undefined
    ? [{
      label: `baseline mean of ${compared.runs} runs`,
      value: compared.value,
      role: "baseline",
    }]
    : charted.flatMap((row, index) =>
      row.category === "baseline" && row.run.runId === compared.runId
        ? [bar(index)]
        : []
    );
  const candidates = charted.flatMap((row, index) =>
    row.category === "candidate" ? [index] : []
  );
  const best = candidates.toSorted((a, b) =>
    direction === "max"
      ? charted[b].value - charted[a].value
      : charted[a].value - charted[b].value
  ).slice(0, MAX_BARS - baselineBars.length);
  const shownCandidates = candidates.filter((index) => best.includes(index));
  return {
    bars: [...shownCandidates.map(bar), ...baselineBars],
    note: chartNote(metric, compared, {
      charted: charted.length,
      candidates: candidates.length,
      shownCandidates: shownCandidates.length,
      baselineBars: baselineBars.length,
    }),
  };
}

/** The note over a chart that leaves runs out: which runs it shows, and how many it does not. */
function chartNote(
  metric: string,
  compared: BaselineValue | undefined,
  count: {
    charted: number;
    candidates: number;
    shownCandidates: number;
    baselineBars: number;
  },
): string {
  const which = count.shownCandidates === count.candidates
    ? `the ${plural(count.candidates, "finished candidate")}`
    : `the ${count.shownCandidates} best of ${count.candidates} finished candidates`;
  const baselinePart = compared === undefined
    ? ""
    : compared.runId === undefined
    ? " and the baselines' mean"
    : " and the compared baseline";
  const shownRuns = count.shownCandidates +
    (compared?.runId === undefined ? 0 : count.baselineBars);
  return `_${escapeMarkdown(metric)} chart: ${which}${baselinePart}; ${
    plural(count.charted - shownRuns, "run")
  } left out of it, every run is in the table._`;
}

/**
 * One readable label per charted run: its name cut to
 * {@linkcode MAX_LABEL_CHARACTERS}, and its run id where the name is cut or
 * shared, so that no two bars share a label.
 */
function chartLabels(
  charted: readonly { run: WandbRun; category: RunCategory }[],
): string[] {
  const names = charted.map(({ run }) =>
    mermaidLabel(run.displayName, MAX_LABEL_CHARACTERS)
  );
  const seen = new Map<string, number>();
  for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
  return charted.map(({ run }, index) => {
    const name = names[index];
    return name.endsWith("…") || seen.get(name)! > 1 || name === ""
      ? `${name} ${mermaidLabel(run.runId, 16)}`.trim()
      : name;
  });
}
