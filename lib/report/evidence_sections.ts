/**
 * The report's folded answers from W&B's records: the training data of every
 * run, the significance tests, and the training curves.
 *
 * @module
 */

import { formatP } from "../review/gates.ts";
import { inferDirection } from "../review/metric_goals.ts";
import { isFinished } from "../wandb/run_state.ts";
import { formatNumber } from "../_message.ts";
import { type CurveSeries, lineChartSection } from "./line_chart.ts";
import {
  escapeCell,
  escapeCode,
  escapeMarkdown,
  foldedBlock,
  plural,
  signed,
} from "./markdown_text.ts";
import {
  isProduction,
  type MarkdownReportContext,
  type ReportRow,
} from "./report_context.ts";
import { type DataGroup, describeInputs } from "./summary_section.ts";
import { describeVersion } from "../wandb/artifact.ts";

/** The most runs named in one cell of the training-data table. */
const MAX_NAMED_RUNS = 8;

/**
 * Which data the runs used, folded: one row per distinct set of data
 * artifacts with the runs that used it, then what the expected aliases point
 * to now.
 *
 * @param groups The runs grouped by their data (`dataGroups`); `undefined` without lineage.
 * @param context The report's context.
 * @returns The folded block; none when lineage was not read.
 */
export function dataSection(
  groups: readonly DataGroup[] | undefined,
  context: MarkdownReportContext,
): string[] {
  if (groups === undefined) return [];
  const evidence = context.evidence!;
  const lines = [
    "| Data | Runs |",
    "|---|---|",
    ...groups.map(({ inputs, runs }) => {
      const named = runs.slice(0, MAX_NAMED_RUNS).map(({ run, category }) =>
        `${escapeCell(run.displayName)}${
          isProduction(context, run)
            ? " (production)"
            : category === "baseline"
            ? " (baseline)"
            : ""
        }`
      );
      const more = runs.length - named.length;
      return `| ${describeInputs(inputs)} | ${named.join(", ")}${
        more > 0 ? ` and ${more} more` : ""
      } |`;
    }),
  ];
  if (evidence.expected.length > 0) {
    lines.push(
      "",
      `Expected data: ${
        evidence.expected.map(({ alias, version }) =>
          `\`${escapeCode(alias)}\` is ${
            escapeMarkdown(describeVersion(version))
          }`
        ).join("; ")
      }.`,
    );
  }
  return foldedBlock(
    `Training data (${evidence.dataTypes.join(", ")}): ${
      plural(groups.length, "set")
    } of inputs`,
    lines,
  );
}

/**
 * Whether each compared metric's difference is more than noise, folded:
 * mean ± standard deviation (n) per group, the difference, Welch's p-value
 * and the verdict at the level asked for; or why no test was possible.
 *
 * @param context The report's context.
 * @returns The folded block; none without a significance level.
 */
export function noiseSection(context: MarkdownReportContext): string[] {
  const level = context.significance;
  if (level === undefined || context.noise === undefined) return [];
  const group = ({ mean, sd, n }: { mean: number; sd: number; n: number }) =>
    `${formatNumber(mean)} ± ${formatNumber(sd)} (n=${n})`;
  const rows = context.noise.map((test) => {
    const metric = escapeCell(test.metric);
    if (!test.tested) {
      return `| ${metric} | – | – | – | – | no test: ${
        escapeCell(test.reason)
      }; a test needs two or more finished runs on each side |`;
    }
    const { candidates, baselines, pValue } = test.result;
    const verdict = pValue < level
      ? (test.worse
        ? "🔴 worse, more than noise"
        : "🟢 better, more than noise")
      : "⚪ within noise";
    return `| ${metric} | ${group(candidates)} | ${group(baselines)} | ${
      signed(candidates.mean - baselines.mean, 4)
    } | ${formatP(pValue)} | ${verdict} |`;
  });
  return foldedBlock(
    `More than noise? Welch's t-test of candidates against baselines, level ${level}`,
    [
      "| Metric | Candidates | Baselines | Difference | p | Verdict |",
      "|---|---|---|---|---|---|",
      ...rows,
    ],
  );
}

/**
 * A line chart per history metric, folded: the production run and the
 * compared baselines, then the finished candidates, best last value first.
 *
 * @param rows The report's rows.
 * @param context The report's context.
 * @returns The folded block; none without curves.
 */
export function curveSection(
  rows: readonly ReportRow[],
  context: MarkdownReportContext,
): string[] {
  const evidence = context.evidence;
  if (evidence === undefined) return [];
  // The references worth a curve first: the production run, then the
  // baselines candidates are compared with, then the others.
  const compared = new Set(
    [...context.analysis.baselineValues.values()].flatMap((value) =>
      value?.runId === undefined ? [] : [value.runId]
    ),
  );
  const rank = ({ run }: ReportRow) =>
    isProduction(context, run) ? 0 : compared.has(run.runId) ? 1 : 2;
  const ordered = [
    ...rows.filter((row) => row.category === "baseline").toSorted((a, b) =>
      rank(a) - rank(b)
    ),
    ...rows.filter((row) =>
      row.category === "candidate" && isFinished(row.run)
    ),
  ];
  const lines: string[] = [];
  const charted: string[] = [];
  for (const metric of evidence.historyMetrics) {
    // Candidates best first by their last logged value, so that a chart that
    // cannot show them all shows the best.
    const direction = context.goals.find((goal) => goal.metric === metric)
      ?.direction ?? inferDirection(metric);
    const last = ({ run }: ReportRow) => {
      const points = evidence.history.get(run.runId)?.get(metric) ?? [];
      const value = points.findLast((point) => Number.isFinite(point.value))
        ?.value;
      if (value === undefined) return Infinity;
      return direction === "max" ? -value : value;
    };
    const byValue = [
      ...ordered.filter((row) => row.category === "baseline"),
      ...ordered.filter((row) => row.category === "candidate").toSorted((
        a,
        b,
      ) => {
        const [x, y] = [last(a), last(b)];
        // Runs without a value last, in their order.
        return x === y ? 0 : x === Infinity ? 1 : y === Infinity ? -1 : x - y;
      }),
    ];
    const series: CurveSeries[] = byValue.flatMap(({ run, category }) => {
      const points = evidence.history.get(run.runId)?.get(metric);
      if (points === undefined || points.length === 0) return [];
      return [{
        label: run.displayName,
        role: isProduction(context, run) ? "production" : category,
        points,
      }];
    });
    const chart = lineChartSection(metric, series);
    if (chart.length > 0) charted.push(metric);
    lines.push(...chart);
  }
  return lines.length === 0
    ? []
    : foldedBlock(`Training curves: ${charted.join(", ")}`, lines);
}
