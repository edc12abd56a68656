import type {
  BaselineAggregate,
  BaselineValue,
  MetricComparison,
  RunAnalysis,
} from "../review/baseline_comparison.ts";
import { numericMetric } from "../review/baseline_comparison.ts";
import type { CategorisedRuns, RunCategory } from "../review/categorise.ts";
import { formatCell } from "./csv.ts";
import type { GateResult } from "../review/gates.ts";
import type { MetricGoal } from "../review/metric_goals.ts";
import { describeStates, type RunCounts } from "../review/run_counts.ts";
import { type SizeLimit, textSize } from "../github/limits.ts";
import {
  cutText,
  escapeCode,
  escapeMarkdown,
  markdownUrl,
  mermaidLabel,
} from "./markdown_text.ts";
import { runUrl } from "../wandb/run_url.ts";
import { valueAt, type WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";
import { formatNumber } from "../_message.ts";
import { dataInputs, type RunEvidence } from "../review/evidence.ts";
import type { NoiseTest } from "../review/noise.ts";
import { formatP } from "../review/gates.ts";
import { shortDigest, versionName } from "../wandb/artifact.ts";
import type { ArtifactVersion } from "../wandb/artifact.ts";
import { type CurveSeries, lineChartSection } from "./line_chart.ts";

/** The most characters one table cell or gate line shows of outside text. */
const MAX_CELL_CHARACTERS = 120;
const MAX_LINE_CHARACTERS = 400;

/** Everything the report shows besides the runs. */
export interface MarkdownReportContext {
  /** The W&B app URL, for links. */
  appUrl: string;
  /** The W&B entity. */
  entity: string;
  /** The W&B project. */
  project: string;
  /** What was queried. */
  selection: { runId?: string; githubSha?: string; secondarySha?: string };
  /** The display metrics and their directions. */
  goals: readonly MetricGoal[];
  /** The display config vars. */
  configVars: readonly string[];
  /** How baselines were aggregated. */
  aggregate: BaselineAggregate;
  /** Baseline values and candidate comparisons. */
  analysis: RunAnalysis;
  /** The run counts. */
  counts: RunCounts;
  /** The gates' verdict, when gates were asked for. */
  gate?: GateResult;
  /** Whether to draw a Mermaid bar chart per metric. */
  charts: boolean;
  /** The CSV's file name, named when rows are left out. */
  csvName: string;
  /**
   * How large the report may be, e.g. GitHub's comment or job summary limit
   * (`lib/github/limits.ts`); no limit when absent.
   */
  limit?: SizeLimit;
  /** What W&B recorded beyond summaries: production baseline, curves, data; none when absent. */
  evidence?: RunEvidence;
  /** The significance tests per compared metric, shown when `significance` is set. */
  noise?: readonly NoiseTest[];
  /** The significance level asked for (e.g. 0.05); no significance section when absent. */
  significance?: number;
  /**
   * Where a reader sets metric directions (an input's or option's name),
   * named after the directions when some were inferred; left unsaid when
   * absent.
   */
  directionsSetting?: string;
}

interface Row {
  run: WandbRun;
  category: RunCategory;
}

/**
 * The review-ready Markdown report: a header with the query and the counts,
 * the gates' verdict, a table of every candidate then every baseline with
 * each candidate's change against its baseline (better or worse in the
 * metric's direction), how baselines were compared, and a bar chart per
 * metric. Everything from W&B is escaped, and long text is cut per cell
 * (marked `…`; the CSV keeps it whole). Past the size limit the charts go
 * first, then rows, with a line saying how many were left out.
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
  const rows: Row[] = [
    ...runs.candidates.map((run) => ({ run, category: "candidate" as const })),
    ...runs.baselines.map((run) => ({ run, category: "baseline" as const })),
  ];
  const top = [...header(context), ...gateSection(context.gate)];
  const { head: tableHead, rowLine } = table(rows, context);
  const notes = [
    ...comparisonNotes(context),
    ...dataSection(rows, context),
    ...noiseSection(context),
  ];
  const leftOutLine = (shownRows: number) =>
    `_${
      rows.length - shownRows
    } of ${rows.length} runs left out to stay under GitHub's size limit; every run is in \`${
      escapeMarkdown(context.csvName)
    }\`._`;
  const shown: string[] = [];
  const assemble = (charts: string[]) => {
    const lines = [...top, ...tableHead, ...shown];
    if (shown.length < rows.length) lines.push("", leftOutLine(shown.length));
    lines.push(...notes, ...charts);
    return `${lines.join("\n")}\n`;
  };

  // Rows are rendered one at a time, and only as many as can fit.
  let length = size(`${[...top, ...tableHead, ...notes].join("\n")}\n`);
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
    const bars = context.charts ? chartSection(rows, context) : [];
    for (const charts of [[...bars, ...curves], curves]) {
      if (charts.length === 0) continue;
      const withCharts = assemble(charts);
      if (size(withCharts) <= max) return withCharts;
    }
    return assemble([]);
  }
  // Rows go from the end until the left-out line, at its longest, fits too.
  const leftOutSize = size(leftOutLine(0)) + 2;
  while (shown.length > 0 && length + leftOutSize > max) {
    shown.pop();
    length -= rowSizes.pop()!;
  }
  return assemble([]);
}

function header(context: MarkdownReportContext): string[] {
  const { counts, selection } = context;
  const projectLink = `[${
    escapeMarkdown(`${context.entity}/${context.project}`)
  }](${
    markdownUrl(
      `${context.appUrl}/${encodeURIComponent(context.entity)}/${
        encodeURIComponent(context.project)
      }`,
    )
  })`;
  const query = selection.runId !== undefined
    ? `run \`${escapeCode(selection.runId)}\``
    : `commit \`${escapeCode(selection.githubSha ?? "")}\`${
      selection.secondarySha !== undefined
        ? ` with secondary SHA \`${escapeCode(selection.secondarySha)}\``
        : ""
    }`;
  const states = describeStates(counts);
  const lines = [
    `### W&B runs in ${projectLink}`,
    "",
    `Runs for ${query}: ${plural(counts.candidates, "candidate")}${
      states.length > 0 ? ` (${states.join(", ")})` : ""
    }, ${plural(counts.baselines, "baseline")}.`,
  ];
  const production = context.evidence?.production;
  if (production !== undefined) {
    lines.push(
      "",
      `Production baseline: run \`${
        escapeCode(production.runId)
      }\`, which logged \`${
        escapeCode(versionName(production.version))
      }\`, the version \`${escapeCode(production.alias)}\` points to.`,
    );
  }
  if (counts.candidates === 0) {
    lines.push(
      "",
      "> **No candidate run matched.** Has the training job for this commit logged to W&B yet?",
    );
  }
  const unfinished = counts.running + counts.pending;
  if (unfinished > 0) {
    lines.push(
      "",
      `> **${
        plural(unfinished, "candidate")
      } still running or pending**: these results may change.`,
    );
  }
  return lines;
}

function gateSection(gate: GateResult | undefined): string[] {
  if (gate === undefined || !gate.enabled) return [];
  if (gate.passed) return ["", "**Gates: ✅ passed**"];
  return [
    "",
    `**Gates: ❌ ${plural(gate.failures.length, "failure")}**`,
    "",
    ...gate.failures.map((failure) =>
      `- ${escapeMarkdown(cutText(failure.message, MAX_LINE_CHARACTERS))}`
    ),
  ];
}

/** The table's heading lines, and one line per row. */
/** The table's heading lines (none without rows), and each row's line on demand. */
function table(
  rows: readonly Row[],
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
    const where = run.location ?? context;
    const link = `[${escapeCell(run.displayName)}](${
      markdownUrl(runUrl(context.appUrl, { ...where, runId: run.runId }))
    })`;
    const cells = [
      failedRuns.has(run.runId) ? `❌ ${link}` : link,
      escapeCell(run.state),
      context.evidence?.production?.runId === run.runId
        ? `${category} (production)`
        : category,
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
      : ["", `| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`],
    rowLine,
  };
}

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
  const relative = comparison.relativeDelta === undefined
    ? ""
    : `, ${signed(comparison.relativeDelta * 100, 3)}%`;
  const verdict = {
    better: "🟢 better",
    worse: "🔴 worse",
    same: "⚪ same",
  }[comparison.verdict];
  return `${shown} (${
    signed(comparison.absoluteDelta, 4)
  }${relative} ${verdict})`;
}

function comparisonNotes(context: MarkdownReportContext): string[] {
  if (context.goals.length === 0) return [];
  const how = {
    best: "the best finished baseline",
    mean: "the mean of the finished baselines",
    latest: "the latest finished baseline",
    production: "the production baseline",
  }[context.aggregate];
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
    `Candidates are compared with ${how} per metric: ${values.join("; ")}.`,
    "",
    `Directions: ${directions.join("; ")}.${
      anyInferred ? inferredNote(context.directionsSetting) : ""
    }`,
  ];
}

/** The most runs named in one cell of the training-data table. */
const MAX_NAMED_RUNS = 8;

/**
 * Which data the runs used: one row per distinct set of data artifacts (of
 * the listed types), with the runs that used it, so that a run trained on
 * other data stands out; then what the expected aliases point to now.
 */
function dataSection(
  rows: readonly Row[],
  context: MarkdownReportContext,
): string[] {
  const evidence = context.evidence;
  if (evidence === undefined || evidence.dataTypes.length === 0) return [];
  const groups = new Map<string, { inputs: ArtifactVersion[]; runs: Row[] }>();
  for (const row of rows) {
    if (!evidence.inputs.has(row.run.runId)) continue;
    const inputs = dataInputs(evidence, row.run.runId);
    const key = inputs.map((input) => input.digest).sort().join(" ");
    const group = groups.get(key) ?? { inputs, runs: [] };
    group.runs.push(row);
    groups.set(key, group);
  }
  const types = evidence.dataTypes.map(escapeMarkdown).join(", ");
  const lines = [
    "",
    `#### Training data (${types})`,
    "",
    "| Data | Runs |",
    "|---|---|",
    ...[...groups.values()].map(({ inputs, runs }) => {
      const named = runs.slice(0, MAX_NAMED_RUNS).map(({ run, category }) =>
        `${escapeCell(run.displayName)}${
          category === "baseline" ? " (baseline)" : ""
        }`
      );
      const more = runs.length - named.length;
      return `| ${
        inputs.length === 0
          ? "none recorded"
          : inputs.map((input) => escapeCell(describeVersion(input))).join(", ")
      } | ${named.join(", ")}${more > 0 ? ` and ${more} more` : ""} |`;
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
  return lines;
}

/** A version as the report names it: `mnist-train:v3 (6f1e0c2a)`. */
function describeVersion(version: ArtifactVersion): string {
  return `${versionName(version)} (${shortDigest(version.digest)})`;
}

/**
 * Whether each compared metric's difference is more than noise: mean ±
 * standard deviation (n) per group, the difference, Welch's p-value and the
 * verdict at the level asked for; or why no test was possible.
 */
function noiseSection(context: MarkdownReportContext): string[] {
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
  return [
    "",
    `#### More than noise? (Welch's t-test, level ${level})`,
    "",
    "| Metric | Candidates | Baselines | Difference | p | Verdict |",
    "|---|---|---|---|---|---|",
    ...rows,
  ];
}

/**
 * A line chart per history metric: the compared baselines (the production
 * run marked), then the finished candidates.
 */
function curveSection(
  rows: readonly Row[],
  context: MarkdownReportContext,
): string[] {
  const evidence = context.evidence;
  if (evidence === undefined) return [];
  const productionId = evidence.production?.runId;
  const ordered = [
    ...rows.filter((row) => row.category === "baseline"),
    ...rows.filter((row) =>
      row.category === "candidate" && isFinished(row.run)
    ),
  ];
  const lines: string[] = [];
  for (const metric of evidence.historyMetrics) {
    const series: CurveSeries[] = ordered.flatMap(({ run, category }) => {
      const points = evidence.history.get(run.runId)?.get(metric);
      if (points === undefined || points.length === 0) return [];
      return [{
        label: run.displayName,
        role: run.runId === productionId ? "production" : category,
        points,
      }];
    });
    lines.push(...lineChartSection(metric, series));
  }
  return lines.length === 0 ? [] : ["", "#### Training curves", ...lines];
}

/** Says where inferred directions come from and, when named, where to change them. */
function inferredNote(setting: string | undefined): string {
  const from = " Inferred directions come from the metric's name";
  return setting === undefined
    ? `${from}.`
    : `${from}; set \`${escapeCode(setting)}\` to change them.`;
}

/** The most bars a chart shows: past this, labels crowd and bars thin out. */
const MAX_BARS = 12;
/** The most characters of a run's name in a chart label. */
const MAX_LABEL_CHARACTERS = 24;

interface Bar {
  label: string;
  value: number;
}

function chartSection(
  rows: readonly Row[],
  context: MarkdownReportContext,
): string[] {
  const lines: string[] = [];
  for (const goal of context.goals) {
    const { bars, note } = chartBars(rows, goal, context);
    if (bars.length === 0) continue;
    const values = bars.map((bar) => bar.value);
    lines.push(
      "",
      ...(note === undefined ? [] : [note, ""]),
      "```mermaid",
      "xychart-beta horizontal",
      `  title "${mermaidLabel(goal.metric, 40)}"`,
      `  x-axis [${bars.map((bar) => `"${bar.label}"`).join(", ")}]`,
      // From zero, so that bar heights compare honestly.
      `  y-axis "${mermaidLabel(goal.metric, 40)}" ${
        Math.min(0, ...values)
      } --> ${Math.max(0, ...values)}`,
      `  bar [${values.join(", ")}]`,
      "```",
    );
  }
  return lines;
}

/**
 * The bars of one metric's chart: every finished candidate and baseline with
 * the metric while they fit; past {@linkcode MAX_BARS}, the compared baseline
 * (or the baselines' mean) and the best candidates, with a note saying so.
 */
function chartBars(
  rows: readonly Row[],
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
  const bar = (index: number) => ({
    label: labels[index],
    value: charted[index].value,
  });
  if (charted.length <= MAX_BARS) {
    return { bars: charted.map((_, i) => bar(i)) };
  }

  const compared = context.analysis.baselineValues.get(metric);
  const baselineBars = compared === undefined
    ? []
    : compared.runId === undefined
    ? [{
      label: `baseline mean of ${compared.runs} runs`,
      value: compared.value,
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
 * {@linkcode MAX_LABEL_CHARACTERS}, ` (baseline)` for baselines, and its run
 * id where the name is cut or shared, so that no two bars share a label.
 */
function chartLabels(
  charted: readonly { run: WandbRun; category: RunCategory }[],
): string[] {
  const names = charted.map(({ run }) =>
    mermaidLabel(run.displayName, MAX_LABEL_CHARACTERS)
  );
  const seen = new Map<string, number>();
  for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
  return charted.map(({ run, category }, index) => {
    const name = names[index];
    const withId = name.endsWith("…") || seen.get(name)! > 1 || name === ""
      ? `${name} ${mermaidLabel(run.runId, 16)}`.trim()
      : name;
    return category === "baseline" ? `${withId} (baseline)` : withId;
  });
}

/** Outside text for one table cell: cut to its first characters, then escaped. */
function escapeCell(text: string): string {
  return escapeMarkdown(cutText(text, MAX_CELL_CHARACTERS));
}

function signed(value: number, digits: number): string {
  const text = String(Number(value.toPrecision(digits)));
  return value > 0 ? `+${text}` : text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
