import type { BaselineAggregate, RunAnalysis } from "./baseline_comparison.ts";
import type { MetricComparison } from "./baseline_comparison.ts";
import { numericMetric } from "./baseline_comparison.ts";
import type { CategorisedRuns, RunCategory } from "./categorise.ts";
import { formatCell, lookUp } from "./csv_report.ts";
import type { GateResult } from "./gates.ts";
import type { MetricGoal } from "./metric_goals.ts";
import type { RunCounts } from "./run_counts.ts";
import { runUrl } from "./run_url.ts";
import type { WandbRun } from "./wandb_run.ts";
import { formatNumber } from "./_message.ts";

/** GitHub's limit for a PR comment body, in characters. */
export const COMMENT_MAX_LENGTH = 65_536;

/** GitHub's limit for one step's job summary, in bytes (1 MiB). */
export const SUMMARY_MAX_LENGTH = 1_048_576;

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
  /** The most characters the report may have. Default {@linkcode COMMENT_MAX_LENGTH}. */
  maxLength?: number;
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
 * metric. Everything from W&B is escaped. Past `maxLength` the charts go
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
  const maxLength = context.maxLength ?? COMMENT_MAX_LENGTH;
  const rows: Row[] = [
    ...runs.candidates.map((run) => ({ run, category: "candidate" as const })),
    ...runs.baselines.map((run) => ({ run, category: "baseline" as const })),
  ];
  const top = [...header(context), ...gateSection(context.gate)];
  const { head: tableHead, rowLine } = table(rows, context);
  const notes = comparisonNotes(context);
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
  let length = `${[...top, ...tableHead, ...notes].join("\n")}\n`.length;
  while (shown.length < rows.length) {
    const line = rowLine(shown.length);
    if (length + line.length + 1 > maxLength) break;
    shown.push(line);
    length += line.length + 1;
  }
  if (shown.length === rows.length) {
    // Every row fits; the charts come along if they fit as well.
    if (context.charts) {
      const withCharts = assemble(chartSection(rows, context));
      if (withCharts.length <= maxLength) return withCharts;
    }
    return assemble([]);
  }
  // Rows go from the end until the left-out line, at its longest, fits too.
  const leftOutLength = leftOutLine(0).length + 2;
  while (shown.length > 0 && length + leftOutLength > maxLength) {
    length -= shown.pop()!.length + 1;
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
  const states = [
    ["finished", counts.finished],
    ["running", counts.running],
    ["pending", counts.pending],
    ["crashed", counts.crashed],
    ["failed", counts.failed],
    ["killed", counts.aborted],
    ["preempted", counts.preempted],
  ].filter(([, count]) => count !== 0).map(([state, count]) =>
    `${count} ${state}`
  );
  const lines = [
    `### W&B runs in ${projectLink}`,
    "",
    `Runs for ${query}: ${plural(counts.candidates, "candidate")}${
      states.length > 0 ? ` (${states.join(", ")})` : ""
    }, ${plural(counts.baselines, "baseline")}.`,
  ];
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
    ...gate.failures.map((failure) => `- ${escapeMarkdown(failure.message)}`),
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
    const link = `[${escapeMarkdown(run.displayName)}](${
      markdownUrl(runUrl(context.appUrl, { ...context, runId: run.runId }))
    })`;
    const cells = [
      failedRuns.has(run.runId) ? `❌ ${link}` : link,
      escapeMarkdown(run.state),
      category,
      ...context.goals.map(({ metric }, index) =>
        metricCell(run, metric, comparisons?.[index])
      ),
      ...context.configVars.map((name) =>
        escapeMarkdown(formatCell(lookUp(run.config, name)))
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
  const value = lookUp(run.summary, metric);
  const shown = typeof value === "number"
    ? formatNumber(value)
    : escapeMarkdown(formatCell(value));
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
      anyInferred
        ? " Inferred directions come from the metric's name; set `METRIC_GOALS` to change them."
        : ""
    }`,
  ];
}

function chartSection(
  rows: readonly Row[],
  context: MarkdownReportContext,
): string[] {
  const lines: string[] = [];
  for (const { metric } of context.goals) {
    const bars = rows.filter(({ run, category }) =>
      (category === "baseline" || run.state === "finished") &&
      numericMetric(run, metric) !== undefined
    );
    if (bars.length === 0) continue;
    const labels = bars.map(({ run, category }) =>
      `"${mermaidLabel(run.displayName)}${
        category === "baseline" ? " (baseline)" : ""
      }"`
    );
    const values = bars.map(({ run }) => numericMetric(run, metric)!);
    lines.push(
      "",
      "```mermaid",
      "xychart-beta",
      `  title "${mermaidLabel(metric)}"`,
      `  x-axis [${labels.join(", ")}]`,
      // From zero, so that bar heights compare honestly.
      `  y-axis "${mermaidLabel(metric)}" ${Math.min(0, ...values)} --> ${
        Math.max(0, ...values)
      }`,
      `  bar [${values.join(", ")}]`,
      "```",
    );
  }
  return lines;
}

/**
 * Escapes outside text for a Markdown table cell or link text: HTML is shown
 * as text, Markdown punctuation is literal, `|` cannot split the cell and a
 * newline cannot end the row.
 *
 * @param text Text from W&B or the user.
 * @returns Text that renders as itself.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\\`*_{}[\]()|~]/g, (character) => `\\${character}`);
}

/** Text for inside inline code: no backticks, no line breaks, no pipes. */
function escapeCode(text: string): string {
  return text.replace(/[`\r\n|]/g, "");
}

/** A URL safe inside Markdown's `(...)`. */
function markdownUrl(url: string): string {
  return url.replace(
    /[()<> ]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A label Mermaid reads as plain text inside double quotes. */
function mermaidLabel(text: string): string {
  const plain = text.replace(/[^\p{L}\p{N} ._:/+-]/gu, "").trim();
  return plain.length > 40 ? `${plain.slice(0, 39)}…` : plain;
}

function signed(value: number, digits: number): string {
  const text = String(Number(value.toPrecision(digits)));
  return value > 0 ? `+${text}` : text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
