import type { CategorisedRuns, RunCategory } from "../review/categorise.ts";
import type { GateResult } from "../review/gates.ts";
import type { MarkdownReportContext } from "./markdown.ts";
import { runUrl } from "../wandb/run_url.ts";
import { valueAt, type WandbRun } from "../wandb/run.ts";
import {
  dataInputs,
  noEvidence,
  type RunEvidence,
} from "../review/evidence.ts";

/**
 * The JSON report's schema version; bumped on any incompatible change.
 *
 * @example Check a report before reading it
 * ```ts
 * import { JSON_REPORT_VERSION } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * // in real use: the file the action wrote to REPORT_JSON, read with Deno.readTextFile
 * const text = '{"version":2,"gate":{"enabled":false,"passed":true,"failures":[]},"runs":[]}';
 * const report = JSON.parse(text);
 * assert.equal(report.version, JSON_REPORT_VERSION, "a report of the schema this code reads");
 * ```
 */
export const JSON_REPORT_VERSION = 2;

/** What the JSON report is built from besides the runs: the report's context, with the gates' verdict required. */
export type JsonReportContext =
  & Omit<
    MarkdownReportContext,
    "charts" | "csvName" | "limit" | "directionsSetting" | "gate"
  >
  & { gate: GateResult };

/**
 * The machine-readable report (schema in the README): every run with its
 * category, state, metrics, config vars, comparisons with the baseline, gate
 * failures, sampled curves and data artifacts, plus the counts, the
 * production baseline, the significance tests and the gates' verdict.
 * Version 2 added `production`, `expectedData`, `significance`, each
 * failure's `kind`, and each run's `location`, `production`, `history` and
 * `dataArtifacts`.
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
  const evidence = context.evidence ?? noEvidence();
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
    production: evidence.production ?? null,
    expectedData: evidence.expected,
    significance: context.significance === undefined ? null : {
      level: context.significance,
      tests: (context.noise ?? []).map((test) =>
        test.tested
          ? {
            metric: test.metric,
            tested: true,
            ...test.result,
            worse: test.worse,
          }
          : test
      ),
    },
    gate: {
      enabled: context.gate.enabled,
      passed: context.gate.passed,
      failures: context.gate.failures.map((
        { kind, runId, metric, message },
      ) => ({
        kind,
        runId,
        metric,
        message,
      })),
    },
    runs: entries.map(({ run, category }) =>
      runEntry(run, category, context, evidence)
    ),
  };
}

/** One run of the report: what it is, its values, and how it fared. */
function runEntry(
  run: WandbRun,
  category: RunCategory,
  context: JsonReportContext,
  evidence: RunEvidence,
): Record<string, unknown> {
  const where = run.location ?? context;
  const history = evidence.history.get(run.runId);
  return {
    runId: run.runId,
    displayName: run.displayName,
    url: runUrl(context.appUrl, { ...where, runId: run.runId }),
    location: run.location ?? null,
    category,
    production: evidence.production?.runId === run.runId,
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
    // Points as [step, value]; JSON has no NaN, so non-finite values are W&B's strings.
    history: history === undefined ? null : Object.fromEntries(
      [...history].map(([metric, points]) => [
        metric,
        points.map(({ step, value }) => [
          step,
          Number.isFinite(value) ? value : String(value),
        ]),
      ]),
    ),
    dataArtifacts: evidence.inputs.has(run.runId)
      ? dataInputs(evidence, run.runId)
      : null,
  };
}
