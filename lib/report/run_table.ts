/**
 * The report's table of every run, folded under the summary: each candidate
 * then each baseline, a cell per metric with the candidate's change against
 * its baseline, a cell per config value; and the notes on how baselines were
 * compared and which way each metric improves.
 *
 * @module
 */

import type { MetricComparison } from "../review/baseline_comparison.ts";
import { formatCell } from "./csv.ts";
import { formatNumber } from "../_message.ts";
import { runUrl } from "../wandb/run_url.ts";
import { valueAt, type WandbRun } from "../wandb/run.ts";
import {
  escapeCell,
  escapeCode,
  escapeMarkdown,
  markdownUrl,
  plural,
  signed,
} from "./markdown_text.ts";
import {
  isProduction,
  type MarkdownReportContext,
  type ReportRow,
} from "./report_context.ts";

/** The marks of a verdict in the metric's direction. */
export const VERDICT_MARKS = {
  better: "🟢",
  worse: "🔴",
  same: "⚪",
} as const;

/**
 * The table's heading lines (none without rows), and each row's line on
 * demand, so that only the rows that fit are rendered.
 *
 * @param rows The runs, candidates first.
 * @param context The report's context.
 * @returns The heading lines and a row renderer.
 */
export function runTable(
  rows: readonly ReportRow[],
  context: MarkdownReportContext,
): { head: string[]; rowLine: (index: number) => string } {
  const failedRuns = new Set(
    context.gate?.failures.flatMap((failure) =>
      failure.runId === undefined ? [] : [failure.runId]
    ),
  );
  const head = [
    "Run",
    "State",
    "Category",
    ...context.goals.map(({ metric, direction }) =>
      `${escapeMarkdown(metric)} ${direction === "max" ? "↑" : "↓"}`
    ),
    ...context.configVars.map((name) => escapeMarkdown(`_${name}`)),
  ];
  const rowLine = (index: number) => {
    const { run, category } = rows[index];
    const comparisons = category === "candidate"
      ? context.analysis.comparisons.get(run.runId)
      : undefined;
    const cells = [
      `${failedRuns.has(run.runId) ? "❌ " : ""}${runLink(run, context)}`,
      escapeCell(run.state),
      isProduction(context, run) ? `${category} (production)` : category,
      ...context.goals.map(({ metric }, index) =>
        metricCell(run, metric, comparisons?.[index])
      ),
      ...context.configVars.map((name) =>
        escapeCell(formatCell(valueAt(run.config, name)))
      ),
    ];
    return `| ${cells.join(" | ")} |`;
  };
  return {
    head: rows.length === 0
      ? []
      : [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`],
    rowLine,
  };
}

/**
 * A run's name linked to its page in the W&B app (in its own project when it
 * lives outside the reviewed one).
 *
 * @param run The run.
 * @param context The app URL and the reviewed project.
 * @returns The Markdown link.
 */
export function runLink(
  run: WandbRun,
  context: Pick<MarkdownReportContext, "appUrl" | "entity" | "project">,
): string {
  const where = run.location ?? context;
  return `[${escapeCell(run.displayName)}](${
    markdownUrl(runUrl(context.appUrl, { ...where, runId: run.runId }))
  })`;
}

/** A metric's value and, for a candidate, its relative change and verdict mark: `0.8806 (-6.35% 🔴)`. */
function metricCell(
  run: WandbRun,
  metric: string,
  comparison: MetricComparison | undefined,
): string {
  const value = valueAt(run.summary, metric);
  const shown = typeof value === "number"
    ? formatNumber(value)
    : escapeCell(formatCell(value));
  if (
    comparison === undefined || comparison.verdict === "unknown" ||
    comparison.absoluteDelta === undefined
  ) {
    return shown === "" ? "–" : shown;
  }
  const change = comparison.relativeDelta === undefined
    ? signed(comparison.absoluteDelta, 3)
    : `${signed(comparison.relativeDelta * 100, 3)}%`;
  return `${shown} (${change} ${VERDICT_MARKS[comparison.verdict]})`;
}

/**
 * How candidates were compared (the baseline value and run of each metric)
 * and which way each metric improves, saying where inferred directions come
 * from.
 *
 * @param context The report's context.
 * @returns The notes' lines, each after a blank line; none without metrics.
 */
export function comparisonNotes(context: MarkdownReportContext): string[] {
  if (context.goals.length === 0) return [];
  const values = context.goals.map(({ metric }) => {
    const baseline = context.analysis.baselineValues.get(metric);
    if (baseline === undefined) return `${escapeMarkdown(metric)}: no baseline`;
    const source = baseline.runId === undefined
      ? `${plural(baseline.runs, "run")}`
      : `run \`${escapeCode(baseline.runId)}\``;
    return `${escapeMarkdown(metric)} ${
      formatNumber(baseline.value)
    } (${source})`;
  });
  const directions = context.goals.map(({ metric, direction, inferred }) =>
    `${escapeMarkdown(metric)} ${
      direction === "max" ? "↑ higher is better" : "↓ lower is better"
    }${inferred ? " (inferred)" : ""}`
  );
  const anyInferred = context.goals.some(({ inferred }) => inferred);
  return [
    "",
    `Candidates are compared with ${comparedWith(context)} per metric: ${
      values.join("; ")
    }. In each candidate's cell: its change against that value, 🟢 better, 🔴 worse, ⚪ same.`,
    "",
    `Directions: ${directions.join("; ")}.${
      anyInferred ? inferredNote(context.directionsSetting) : ""
    }`,
  ];
}

/**
 * What candidates are compared with, in words: `the best finished baseline`, ...
 *
 * @param context The aggregate.
 * @returns The phrase.
 */
export function comparedWith(
  context: Pick<MarkdownReportContext, "aggregate">,
): string {
  return {
    best: "the best finished baseline",
    mean: "the mean of the finished baselines",
    latest: "the latest finished baseline",
    production: "the production baseline",
  }[context.aggregate];
}

/** Says where inferred directions come from and, when named, where to change them. */
function inferredNote(setting: string | undefined): string {
  const from = " Inferred directions come from the metric's name";
  return setting === undefined
    ? `${from}.`
    : `${from}; set \`${escapeCode(setting)}\` to change them.`;
}
