import type { CategorisedRuns, RunCategory } from "../review/categorise.ts";
import type { GateResult } from "../review/gates.ts";
import type { MarkdownReportContext } from "./markdown.ts";
import { runUrl } from "../wandb/run_url.ts";
import { valueAt, type WandbRun } from "../wandb/run.ts";

/**
 * The JSON report's schema version; bumped on any incompatible change.
 *
 * @example Check a report before reading it
 * ```ts
 * import { JSON_REPORT_VERSION } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * // in real use: the file the action wrote to REPORT_JSON, read with Deno.readTextFile
 * const text = '{"version":1,"gate":{"enabled":false,"passed":true,"failures":[]},"runs":[]}';
 * const report = JSON.parse(text);
 * assert.equal(report.version, JSON_REPORT_VERSION, "a report of the schema this code reads");
 * ```
 */
export const JSON_REPORT_VERSION = 1;

/** What the JSON report is built from besides the runs: the report's context, with the gates' verdict required. */
export type JsonReportContext =
  & Omit<
    MarkdownReportContext,
    "charts" | "csvName" | "limit" | "directionsSetting" | "gate"
  >
  & { gate: GateResult };

/**
 * The machine-readable report (schema in the README): every run with its
 * category, state, metrics, config vars, comparisons with the baseline and
 * gate failures, plus the counts and the gates' verdict.
 *
 * @param runs The categorised runs.
 * @param context The query, metrics, analysis, counts and gates.
 * @returns The report as a plain object, ready for `JSON.stringify`.
 */
export function jsonReport(
  runs: CategorisedRuns,
  context: JsonReportContext,
): Record<string, unknown> {
  const entries = [
    ...runs.candidates.map((run) => ({ run, category: "candidate" as const })),
    ...runs.baselines.map((run) => ({ run, category: "baseline" as const })),
  ];
  // Named one by one, so that nothing else a caller passes is ever written.
  const { githubSha, secondarySha, runId } = context.selection;
  return {
    version: JSON_REPORT_VERSION,
    project: { entity: context.entity, project: context.project },
    selection: { githubSha, secondarySha, runId },
    counts: context.counts,
    aggregate: context.aggregate,
    metrics: context.goals.map((goal) => ({
      ...goal,
      baseline: context.analysis.baselineValues.get(goal.metric) ?? null,
    })),
    gate: {
      enabled: context.gate.enabled,
      passed: context.gate.passed,
      // Named one by one too: a failure's `kind` is not part of schema version 1.
      failures: context.gate.failures.map(({ runId, metric, message }) => ({
        runId,
        metric,
        message,
      })),
    },
    runs: entries.map(({ run, category }) => runEntry(run, category, context)),
  };
}

/** One run of the report: what it is, its values, and how it fared. */
function runEntry(
  run: WandbRun,
  category: RunCategory,
  context: JsonReportContext,
): Record<string, unknown> {
  return {
    runId: run.runId,
    displayName: run.displayName,
    url: runUrl(context.appUrl, { ...context, runId: run.runId }),
    category,
    state: run.state,
    tags: run.tags,
    createdAt: run.createdAt,
    metrics: Object.fromEntries(
      context.goals.map(({ metric }) => [
        metric,
        valueAt(run.summary, metric) ?? null,
      ]),
    ),
    config: Object.fromEntries(
      context.configVars.map((name) => [
        name,
        valueAt(run.config, name) ?? null,
      ]),
    ),
    comparisons: category === "candidate"
      ? Object.fromEntries(
        (context.analysis.comparisons.get(run.runId) ?? []).map((
          comparison,
        ) => [comparison.metric, {
          verdict: comparison.verdict,
          absoluteDelta: comparison.absoluteDelta ?? null,
          relativeDelta: comparison.relativeDelta ?? null,
          baseline: comparison.baseline?.value ?? null,
        }]),
      )
      : null,
    gateFailures: context.gate.failures.filter((failure) =>
      failure.runId === run.runId
    ).map((failure) => failure.message),
  };
}
