/**
 * Pulls the W&B runs logged for a commit (or one run id), sets them against
 * tagged baseline runs, and turns them into the CSV and counts a CI step
 * needs. The same functions back the GitHub Action and the CLI.
 *
 * @example Categorise and count runs, then make the CSV
 * ```ts
 * import { categoriseRuns, countOutputs, countRuns, csvText, type WandbRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, state: string, tags: string[]): WandbRun => ({
 *   runId, displayName: `run-${runId}`, state, tags, description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: { github_sha: "86edd03" },
 *   summary: { acc: 0.9 },
 * });
 * const runs = categoriseRuns([run("e6lo523p", "finished", [])], [run("cqigzoxc", "finished", ["baseline"])]);
 * assert.equal(countOutputs(countRuns(runs)).BOOL_COMPLETE, "True");
 * const csv = csvText(runs, {
 *   appUrl: "https://wandb.ai", entity: "github", project: "predict-issue-labels",
 *   metrics: ["acc"], configVars: [],
 * });
 * assert.equal(csv.split("\n").length, 4);
 * ```
 *
 * @module
 */
export { InputError, WandbError } from "./lib/errors.ts";
export {
  type ActionInputs,
  type CommentInputs,
  DEFAULT_BASE_URL,
  DEFAULT_CSV_NAME,
  DEFAULT_MARKDOWN_NAME,
  INPUT_NAMES,
  type InputDefaults,
  type InputName,
  parseAppUrl,
  parseBaseUrl,
  type ParsedInputs,
  parseInputs,
  parseSwitch,
  type RawInputs,
  type ReportInputs,
  type WaitInputs,
} from "./lib/action/inputs.ts";
export { parseListInput } from "./lib/action/list_input.ts";
export {
  buildQueryPlan,
  type QueryPlan,
  type QuerySelection,
  type RunFilter,
} from "./lib/wandb/query_plan.ts";
export {
  type GraphqlRequest,
  postGraphql,
  type WandbConnection,
} from "./lib/wandb/graphql_transport.ts";
export {
  buildRunsDocument,
  DEFAULT_PAGE_SIZE,
  type FetchedRuns,
  fetchRuns,
  type FetchRunsOptions,
  projectionKeys,
  type SetName,
} from "./lib/wandb/fetch_runs.ts";
export { unwrapConfig, type WandbRun } from "./lib/wandb/run.ts";
export {
  type CategorisedRuns,
  categoriseRuns,
  type RunCategory,
} from "./lib/review/categorise.ts";
export {
  countOutputs,
  countRuns,
  type RunCounts,
} from "./lib/review/run_counts.ts";
export {
  CATEGORY_COLUMN,
  csvColumns,
  type CsvColumnsRequest,
  type CsvContext,
  csvPieces,
  csvRows,
  csvText,
  FIXED_COLUMNS,
  formatCell,
  lookUp,
  pythonList,
} from "./lib/report/csv.ts";
export { appUrlFor, type RunLocation, runUrl } from "./lib/wandb/run_url.ts";
export {
  formatGithubOutputs,
  formatPlainOutputs,
  writeGithubOutputs,
} from "./lib/github/outputs.ts";
export { writeFileAtomically } from "./lib/action/atomic_write.ts";
export { createLog, type Log, type LogOptions } from "./lib/action/log.ts";
export {
  assessRuns,
  type JobEnvironment,
  type JobResult,
  type RunAssessment,
  runJob,
} from "./lib/action/job.ts";
export {
  type Direction,
  inferDirection,
  type MetricGoal,
  metricGoals,
  parseMetricGoals,
} from "./lib/review/metric_goals.ts";
export {
  analyseRuns,
  type BaselineAggregate,
  type BaselineValue,
  baselineValue,
  compareWithBaselines,
  type MetricComparison,
  numericMetric,
  parseBaselineAggregate,
  type RunAnalysis,
} from "./lib/review/baseline_comparison.ts";
export {
  evaluateGates,
  type GateFailure,
  type GateOptions,
  gateOutputs,
  type GateResult,
  parseThresholds,
  parseTolerance,
  type Threshold,
  type Tolerance,
} from "./lib/review/gates.ts";
export {
  COMMENT_LIMIT,
  escapeMarkdown,
  markdownReport,
  type MarkdownReportContext,
  type SizeLimit,
  SUMMARY_LIMIT,
  textSize,
} from "./lib/report/markdown.ts";
export {
  JSON_REPORT_VERSION,
  jsonReport,
  type JsonReportContext,
} from "./lib/report/json.ts";
export {
  candidatesSettled,
  parseDuration,
  waitForRuns,
  type WaitOptions,
  type WaitResult,
} from "./lib/wandb/wait_for_runs.ts";
export {
  commentMarker,
  GithubCommentError,
  type PrCommentOptions,
  type PrCommentResult,
  pullRequestNumber,
  upsertPrComment,
} from "./lib/github/pr_comment.ts";
