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
import { runUrl } from "../wandb/run_url.ts";
import { valueAt, type WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";
import { formatNumber } from "../_message.ts";

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
    // Every row fits; the charts come along if they fit as well.
    if (context.charts) {
      const withCharts = assemble(chartSection(rows, context));
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
    const link = `[${escapeCell(run.displayName)}](${
      markdownUrl(runUrl(context.appUrl, { ...context, runId: run.runId }))
    })`;
    const cells = [
      failedRuns.has(run.runId) ? `❌ ${link}` : link,
      escapeCell(run.state),
      category,
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

/** Outside text for one table cell: cut to its first characters, then escaped. */
function escapeCell(text: string): string {
  return escapeMarkdown(cutText(text, MAX_CELL_CHARACTERS));
}

/**
 * Text cut to at most `max` characters (code points, so that no emoji is
 * split), the last being `…` when it was cut.
 */
function cutText(text: string, max: number): string {
  if (text.length <= max || textSize(text, "characters") <= max) return text;
  return `${Array.from(text.slice(0, 2 * max)).slice(0, max - 1).join("")}…`;
}

/** Text for inside inline code: no backticks, no line breaks, no pipes. */
function escapeCode(text: string): string {
  return text.replace(/[`\r\n|]/g, "");
}

/** A URL safe inside Markdown's `(...)`. */
function markdownUrl(url: string): string {
  if (!/[()<> ]/.test(url)) return url;
  return url.replace(
    /[()<> ]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A label Mermaid reads as plain text inside double quotes. */
function mermaidLabel(text: string, max: number): string {
  const plain = text.replace(/[^\p{L}\p{N} ._:/+-]/gu, "").trim();
  return cutText(plain, max);
}

function signed(value: number, digits: number): string {
  const text = String(Number(value.toPrecision(digits)));
  return value > 0 ? `+${text}` : text;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
