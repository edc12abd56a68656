/**
 * What the report shows before anything is unfolded: the header, one verdict
 * line, a row per metric (the best finished candidate against the compared
 * baseline), which data the runs used, and the failed gates.
 *
 * @module
 */

import type { GateResult } from "../review/gates.ts";
import { formatP } from "../review/gates.ts";
import { numericMetric } from "../review/baseline_comparison.ts";
import type { MetricGoal } from "../review/metric_goals.ts";
import { describeStates } from "../review/run_counts.ts";
import { dataInputs } from "../review/evidence.ts";
import { isFinished } from "../wandb/run_state.ts";
import { describeVersion } from "../wandb/artifact.ts";
import type { ArtifactVersion } from "../wandb/artifact.ts";
import type { WandbRun } from "../wandb/run.ts";
import { formatNumber } from "../_message.ts";
import {
  cutText,
  escapeCell,
  escapeCode,
  escapeMarkdown,
  foldedBlock,
  markdownUrl,
  plural,
  signed,
} from "./markdown_text.ts";
import {
  isProduction,
  type MarkdownReportContext,
  type ReportRow,
} from "./report_context.ts";
import { comparedWith, runLink, VERDICT_MARKS } from "./run_table.ts";

/** The most characters of a gate failure shown. */
const MAX_LINE_CHARACTERS = 400;
/** The most failed gates listed before the rest are folded. */
const MAX_GATES_SHOWN = 8;
/** The most metrics named as worse in the verdict line. */
const MAX_WORSE_NAMED = 3;

/** One metric's row of the summary: its best finished candidate against the compared baseline. */
export interface MetricSummary {
  goal: MetricGoal;
  best?: { run: WandbRun; value: number };
  baseline?: { value: number; run?: WandbRun; runs: number };
  change?: { absolute: number; relative?: number };
  verdict: "better" | "worse" | "same" | "unknown";
}

/**
 * The header and the verdict line: gates, how the best candidates compare
 * with the compared baseline, and the runs' states.
 *
 * @param summaries Each metric's summary, from {@linkcode metricSummaries}.
 * @param context The report's context.
 * @returns The lines.
 */
export function verdictSection(
  summaries: readonly MetricSummary[],
  context: MarkdownReportContext,
): string[] {
  const { counts } = context;
  const lines = [
    `### W&B runs in ${projectLink(context)} for ${query(context)}`,
  ];
  if (counts.candidates === 0) {
    lines.push(
      "",
      "> **No candidate run matched.** Has the training job for this commit logged to W&B yet?",
    );
  }
  const parts: string[] = [];
  const gate = context.gate;
  if (gate !== undefined && gate.enabled) {
    parts.push(
      gate.passed
        ? "**✅ Gates passed**"
        : `**❌ ${plural(gate.failures.length, "gate failure")}**`,
    );
  }
  const comparison = comparisonPhrase(summaries, context);
  if (comparison !== undefined) parts.push(comparison);
  const states = describeStates(counts);
  const allFinished = states.length === 1 && counts.finished > 0;
  parts.push(
    `${
      allFinished
        ? plural(counts.finished, "finished candidate")
        : `${plural(counts.candidates, "candidate")}${
          states.length > 0 ? ` (${states.join(", ")})` : ""
        }`
    }, ${plural(counts.baselines, "baseline")}`,
  );
  const unfinished = counts.running + counts.pending;
  if (unfinished > 0) {
    parts.push(`⏳ ${unfinished} still running or pending: results may change`);
  }
  lines.push("", parts.join(" · "));
  return lines;
}

/**
 * The per-metric table: the best finished candidate, the compared baseline
 * and how it was chosen, the change and the verdict in the metric's
 * direction; with a significance level, whether the groups' difference is
 * more than noise.
 *
 * @param summaries Each metric's summary, from {@linkcode metricSummaries}.
 * @param context The report's context.
 * @returns The lines, after a blank line; none without metrics.
 */
export function metricSummaryTable(
  summaries: readonly MetricSummary[],
  context: MarkdownReportContext,
): string[] {
  if (context.goals.length === 0 || context.counts.candidates === 0) return [];
  const noise = context.significance !== undefined;
  const head = [
    "Metric",
    "Best finished candidate",
    "Compared baseline",
    "Change",
    "Verdict",
    ...noise ? [`More than noise? (p < ${context.significance})`] : [],
  ];
  const lines = [
    "",
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
  ];
  for (const summary of summaries) {
    const { goal, best, baseline, change, verdict } = summary;
    const cells = [
      // No-break spaces keep a metric with its arrow and a mark with its word.
      `${escapeMarkdown(goal.metric)}\u00a0${
        goal.direction === "max" ? "↑" : "↓"
      }`,
      best === undefined
        ? "–"
        : `${formatNumber(best.value)} ${runLink(best.run, context)}`,
      baseline === undefined ? "no baseline" : baselineCell(baseline, context),
      change === undefined
        ? "–"
        : `${signed(change.absolute, 3)}${
          change.relative === undefined
            ? ""
            : ` (${signed(change.relative * 100, 3)}%)`
        }`,
      verdict === "unknown" ? "–" : `${VERDICT_MARKS[verdict]}\u00a0${verdict}`,
      ...noise ? [noiseCell(goal.metric, context)] : [],
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines;
}

function baselineCell(
  baseline: NonNullable<MetricSummary["baseline"]>,
  context: MarkdownReportContext,
): string {
  const how = {
    best: `best of ${baseline.runs}`,
    mean: `mean of ${baseline.runs}`,
    latest: `latest of ${baseline.runs}`,
    production: "production",
  }[context.aggregate];
  const run = baseline.run;
  const label = run === undefined
    ? how
    : `${runLink(run, context)} (${
      isProduction(context, run) && context.aggregate !== "production"
        ? `production, ${how}`
        : how
    })`;
  return `${formatNumber(baseline.value)} ${label}`;
}

function noiseCell(metric: string, context: MarkdownReportContext): string {
  const test = context.noise?.find((each) => each.metric === metric);
  if (test === undefined) return "–";
  if (!test.tested) return `no test: ${escapeCell(test.reason)}`;
  const p = formatP(test.result.pValue);
  const level = context.significance!;
  // The groups' means, not the best candidate: said, as it may differ from the row's verdict.
  return test.result.pValue < level
    ? `yes, the candidates' mean is ${test.worse ? "worse" : "better"}, p ${
      p.startsWith("<") ? p : `= ${p}`
    }`
    : `no, p = ${p}`;
}

/**
 * Each compared metric's best finished candidate and its comparison with
 * the baseline: what the verdict line and the summary table are both made of,
 * worked out once per report.
 *
 * @param rows The report's rows.
 * @param context The report's context.
 * @returns One summary per compared metric, in order.
 */
export function metricSummaries(
  rows: readonly ReportRow[],
  context: MarkdownReportContext,
): MetricSummary[] {
  const finished = rows.filter((row) =>
    row.category === "candidate" && isFinished(row.run)
  );
  const byId = new Map(rows.map((row) => [row.run.runId, row.run]));
  return context.goals.map((goal, index) => {
    let best: MetricSummary["best"];
    for (const { run } of finished) {
      const value = numericMetric(run, goal.metric);
      if (value === undefined) continue;
      if (
        best === undefined ||
        (goal.direction === "max" ? value > best.value : value < best.value)
      ) {
        best = { run, value };
      }
    }
    const value = context.analysis.baselineValues.get(goal.metric);
    const baseline = value === undefined ? undefined : {
      value: value.value,
      runs: value.runs,
      run: value.runId === undefined ? undefined : byId.get(value.runId),
    };
    const comparison = best === undefined
      ? undefined
      : context.analysis.comparisons.get(best.run.runId)?.[index];
    return {
      goal,
      best,
      baseline,
      change: comparison?.absoluteDelta === undefined ? undefined : {
        absolute: comparison.absoluteDelta,
        relative: comparison.relativeDelta,
      },
      verdict: comparison?.verdict ?? "unknown",
    };
  });
}

/** `best candidates against the best finished baseline: better on 3 of 4 metrics, worse on val_loss by 3.1%`. */
function comparisonPhrase(
  summaries: readonly MetricSummary[],
  context: MarkdownReportContext,
): string | undefined {
  if (summaries.length === 0) return undefined;
  const judged = summaries.filter((summary) => summary.verdict !== "unknown");
  if (judged.length === 0) {
    return context.counts.finished === 0
      ? "no finished candidate to compare"
      : "no baseline value to compare with";
  }
  const better = judged.filter((summary) => summary.verdict === "better");
  const worse = judged.filter((summary) => summary.verdict === "worse");
  const named = worse.slice(0, MAX_WORSE_NAMED).map(({ goal, change }) =>
    `${escapeMarkdown(goal.metric)} by ${
      change!.relative === undefined
        ? formatNumber(Math.abs(change!.absolute))
        : `${Number(Math.abs(change!.relative * 100).toPrecision(2))}%`
    }`
  );
  const more = worse.length - named.length;
  return `best candidates against ${
    comparedWith(context)
  }: better on ${better.length} of ${plural(judged.length, "metric")}${
    worse.length === 0
      ? ""
      : `, worse on ${named.join(", ")}${more > 0 ? ` and ${more} more` : ""}`
  }`;
}

/** The most distinct sets of data named in the data line. */
const MAX_DATA_SETS = 3;
/** The most runs named per set of data. */
const MAX_NAMED_RUNS = 3;

/**
 * Which data the runs used, in one line: the runs grouped by their data
 * artifacts (of the listed types), the largest group first, so that a run on
 * other data stands out.
 *
 * @param groups The runs grouped by their data, from {@linkcode dataGroups}; `undefined` without lineage.
 * @param context The report's context.
 * @returns The line, after a blank line; none when lineage was not read.
 */
export function dataLine(
  groups: readonly DataGroup[] | undefined,
  context: MarkdownReportContext,
): string[] {
  if (groups === undefined) return [];
  const types = context.evidence!.dataTypes.map(escapeMarkdown).join(", ");
  const sets = groups.slice(0, MAX_DATA_SETS).map(({ inputs, runs }) => {
    const names =
      runs.length === 1 || groups.length > 1 && runs.length <= MAX_NAMED_RUNS
        ? runs.map(({ run }) => escapeCell(run.displayName)).join(", ")
        : plural(runs.length, "run");
    return `${names} used ${describeInputs(inputs)}`;
  });
  const more = groups.length - sets.length;
  return [
    "",
    `**Data** (${types}): ${sets.join("; ")}${
      more > 0 ? `; ${plural(more, "other set")}` : ""
    }.`,
  ];
}

/** Runs that used the same data artifacts (of the listed types). */
export interface DataGroup {
  /** The data artifacts. */
  inputs: ArtifactVersion[];
  /** The runs that used exactly these. */
  runs: ReportRow[];
}

/**
 * A group's data as a table cell or in a line: each version and short
 * digest, escaped; `none recorded` for runs that used none of the types.
 *
 * @param inputs The group's data artifacts.
 * @returns The text.
 */
export function describeInputs(inputs: readonly ArtifactVersion[]): string {
  return inputs.length === 0
    ? "none recorded"
    : inputs.map((input) => escapeCell(describeVersion(input))).join(", ");
}

/**
 * The runs grouped by the data they used, the largest group first; `undefined`
 * when lineage was not read.
 *
 * @param rows The report's rows.
 * @param context The report's context.
 * @returns The groups.
 */
export function dataGroups(
  rows: readonly ReportRow[],
  context: MarkdownReportContext,
): DataGroup[] | undefined {
  const evidence = context.evidence;
  if (evidence === undefined || evidence.dataTypes.length === 0) {
    return undefined;
  }
  const groups = new Map<
    string,
    { inputs: ArtifactVersion[]; runs: ReportRow[] }
  >();
  for (const row of rows) {
    if (!evidence.inputs.has(row.run.runId)) continue;
    const inputs = dataInputs(evidence, row.run.runId);
    const key = inputs.map((input) => input.digest).sort().join(" ");
    const group = groups.get(key) ?? { inputs, runs: [] };
    group.runs.push(row);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.runs.length - a.runs.length);
}

/**
 * The failed gates, right under the summary: the first few listed, the rest
 * folded.
 *
 * @param gate The gates' verdict.
 * @returns The lines, after a blank line; none when every gate passed.
 */
export function failedGates(gate: GateResult | undefined): string[] {
  if (gate === undefined || gate.passed) return [];
  const line = (message: string) =>
    `- ${escapeMarkdown(cutText(message, MAX_LINE_CHARACTERS))}`;
  const shown = gate.failures.slice(0, MAX_GATES_SHOWN).map((failure) =>
    line(failure.message)
  );
  const rest = gate.failures.slice(MAX_GATES_SHOWN);
  return [
    "",
    "**Failed gates**",
    "",
    ...shown,
    ...rest.length === 0 ? [] : foldedBlock(
      `${plural(rest.length, "more gate failure")}`,
      rest.map((failure) => line(failure.message)),
    ),
  ];
}

function projectLink(context: MarkdownReportContext): string {
  return `[${escapeMarkdown(`${context.entity}/${context.project}`)}](${
    markdownUrl(
      `${context.appUrl}/${encodeURIComponent(context.entity)}/${
        encodeURIComponent(context.project)
      }`,
    )
  })`;
}

/** The SHA's first characters shown in the header; the full one is in the run table's fold. */
const SHORT_SHA = 12;

function query(context: MarkdownReportContext): string {
  const { selection } = context;
  if (selection.runId !== undefined) {
    return `run \`${escapeCode(selection.runId)}\``;
  }
  const sha = escapeCode(selection.githubSha ?? "");
  return `commit \`${sha.slice(0, SHORT_SHA)}\`${
    selection.secondarySha !== undefined
      ? ` with secondary SHA \`${
        escapeCode(selection.secondarySha).slice(0, SHORT_SHA)
      }\``
      : ""
  }`;
}
