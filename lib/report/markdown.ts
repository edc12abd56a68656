/**
 * The Markdown report, as a pull request comment and a job summary show it.
 *
 * @module
 */

import type { CategorisedRuns } from "../review/categorise.ts";
import { textSize } from "../github/limits.ts";
import {
  escapeCode,
  escapeMarkdown,
  foldedBlock,
  plural,
} from "./markdown_text.ts";
import { type MarkdownReportContext, reportRows } from "./report_context.ts";
import { comparisonNotes, runTable } from "./run_table.ts";
import {
  dataGroups,
  dataLine,
  failedGates,
  metricSummaries,
  metricSummaryTable,
  verdictSection,
} from "./summary_section.ts";
import { barChartSection } from "./bar_chart.ts";
import { versionName } from "../wandb/artifact.ts";
import {
  curveSection,
  dataSection,
  noiseSection,
} from "./evidence_sections.ts";

export type { MarkdownReportContext } from "./report_context.ts";

/**
 * The review-ready Markdown report, the answer first and the evidence one
 * click away. Unfolded: the header, one verdict line (gates, how the best
 * candidates compare with the compared baseline, the runs' states), a row
 * per metric (best finished candidate, compared baseline, change, verdict,
 * and with a significance level whether it is more than noise), the data the
 * runs used, and the failed gates. Folded in `<details>`: every run's values
 * and changes, the training data, the significance tests, the bar charts
 * and the training curves. Everything from W&B is escaped, and long text is
 * cut per cell (marked `…`; the CSV keeps it whole). Past the size limit the
 * bar charts go first, then the curves, then rows of the run table, with a
 * line saying how many were left out.
 *
 * @param runs The categorised runs.
 * @param context The query, metrics, analysis, counts and limits.
 * @returns The Markdown.
 */
export function markdownReport(
  runs: CategorisedRuns,
  context: MarkdownReportContext,
): string {
  const { max, unit } = context.limit ?? { max: Infinity, unit: "characters" };
  const size = (text: string) => textSize(text, unit);
  const rows = reportRows(runs);
  const summaries = metricSummaries(rows, context);
  const groups = dataGroups(rows, context);
  const top = [
    ...verdictSection(summaries, context),
    ...metricSummaryTable(summaries, context),
    ...dataLine(groups, context),
    ...failedGates(context.gate),
  ];
  const { head: tableHead, rowLine } = runTable(rows, context);
  const notes = comparisonNotes(context);
  const evidence = [...dataSection(groups, context), ...noiseSection(context)];
  const leftOutLine = (shownRows: number) =>
    `_${
      rows.length - shownRows
    } of ${rows.length} runs left out to stay under GitHub's size limit; every run is in \`${
      escapeMarkdown(context.csvName)
    }\`._`;
  const shown: string[] = [];
  const runsSummary = (shownRows: number) =>
    `${
      shownRows < rows.length
        ? `${shownRows} of ${plural(rows.length, "run")}`
        : `All ${plural(rows.length, "run")}`
    }: values and changes against the baseline`;
  const runsBlock = () => {
    const lines = [queryLine(context), ...productionLine(context), ...notes];
    if (rows.length > 0) lines.push("", ...tableHead, ...shown);
    if (shown.length < rows.length) lines.push("", leftOutLine(shown.length));
    return foldedBlock(runsSummary(shown.length), lines);
  };
  const assemble = (charts: string[]) =>
    `${[...top, ...runsBlock(), ...evidence, ...charts].join("\n")}\n`;

  // Rows are rendered one at a time, and only as many as can fit.
  let length = size(assemble([]));
  const rowSizes: number[] = [];
  while (shown.length < rows.length) {
    const line = rowLine(shown.length);
    const lineSize = size(line) + 1;
    if (length + lineSize > max) break;
    shown.push(line);
    rowSizes.push(lineSize);
    length += lineSize;
  }
  if (shown.length === rows.length) {
    // Every row fits; the charts come along if they fit as well: the curves
    // asked for first, then the bar charts.
    const curves = curveSection(rows, context);
    const barCharts = context.charts
      ? barChartSection(rows, context)
      : { lines: [], metrics: [] };
    const bars = barCharts.lines.length === 0
      ? []
      : foldedBlock(`Charts: ${barCharts.metrics.join(", ")}`, barCharts.lines);
    for (const charts of [[...bars, ...curves], curves]) {
      if (charts.length === 0) continue;
      const withCharts = assemble(charts);
      if (size(withCharts) <= max) return withCharts;
    }
    return assemble([]);
  }
  // Rows go from the end until the left-out line, at its longest, fits too,
  // with the summary's longer wording.
  const leftOutSize = size(leftOutLine(0)) + 2 +
    size(runsSummary(rows.length - 1)) - size(runsSummary(rows.length));
  while (shown.length > 0 && length + leftOutSize > max) {
    shown.pop();
    length -= rowSizes.pop()!;
  }
  return assemble([]);
}

/** Which run is the production baseline, and the alias that names it. */
function productionLine(context: MarkdownReportContext): string[] {
  const production = context.evidence?.production;
  if (production === undefined) return [];
  return [
    "",
    `Production baseline: run \`${
      escapeCode(production.runId)
    }\`, which logged \`${
      escapeCode(versionName(production.version))
    }\`, the version \`${escapeCode(production.alias)}\` points to.`,
  ];
}

/** What was asked of W&B, whole: the commit (or run) the candidates were chosen by. */
function queryLine(context: MarkdownReportContext): string {
  const { selection } = context;
  if (selection.runId !== undefined) {
    return `Candidate: run \`${escapeCode(selection.runId)}\`.`;
  }
  return `Candidates: the runs of commit \`${
    escapeCode(selection.githubSha ?? "")
  }\`${
    selection.secondarySha !== undefined
      ? ` with secondary SHA \`${escapeCode(selection.secondarySha)}\``
      : ""
  }.`;
}
