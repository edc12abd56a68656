/**
 * The library's one call for the whole job, {@linkcode reviewRuns}: fetch the
 * runs of a commit (or one run) and the baseline runs from W&B, categorise
 * and count them, compare every candidate with the baselines and judge the
 * gates; and the writers a caller turns that review into text with
 * ({@linkcode csvReport}, {@linkcode markdownReport}, {@linkcode jsonReport}).
 * Nothing here reads the environment or writes a file.
 *
 * @module
 */

import { WandbError } from "./errors.ts";
import type {
  BaselineAggregate,
  BaselineValue,
  MetricComparison,
} from "./review/baseline_comparison.ts";
import type { GateResult, Threshold, Tolerance } from "./review/gates.ts";
import {
  type Direction,
  type MetricGoal,
  metricGoals,
} from "./review/metric_goals.ts";
import type { RunCounts } from "./review/run_counts.ts";
import { judgeRuns, metricsToFetch } from "./review/judge_runs.ts";
import { csvColumns, csvText } from "./report/csv.ts";
import { jsonReport as jsonDocument } from "./report/json.ts";
import {
  markdownReport as renderMarkdown,
  type MarkdownReportContext,
} from "./report/markdown.ts";
import { stringifyExactJson } from "./wandb/exact_json.ts";
import {
  DEFAULT_PAGE_SIZE,
  type FetchedRuns,
  fetchRuns,
} from "./wandb/fetch_runs.ts";
import { buildQueryPlan } from "./wandb/query_plan.ts";
import type { KeptValues, WandbRun } from "./wandb/run.ts";
import type { WandbConnection } from "./wandb/graphql_transport.ts";
import { appUrlFor } from "./wandb/run_url.ts";
import { waitForRuns } from "./wandb/wait_for_runs.ts";
import {
  DEFAULT_HISTORY_SAMPLES,
  HISTORY_SAMPLES_RANGE,
} from "./wandb/sampled_history.ts";
import {
  ArtifactAliasError,
  type GatheredEvidence,
  gatherEvidence,
} from "./gather_evidence.ts";
import type { RunEvidence } from "./review/evidence.ts";
import type { NoiseTest } from "./review/noise.ts";
import { type ArtifactPath, parseArtifactPath } from "./wandb/artifact_path.ts";
import { baseUrlText, checkHttpUrl, hideUserInfo } from "./http/url.ts";
import { quoteForMessage } from "./_message.ts";

/** The W&B API asked when {@linkcode ReviewRunsOptions.baseUrl} is not given. */
const DEFAULT_BASE_URL = "https://api.wandb.ai";

/** The CSV's name in the Markdown report when {@linkcode MarkdownReportOptions.csvName} is not given. */
const DEFAULT_CSV_NAME = "wandb_report.csv";

const AGGREGATES: readonly string[] = ["best", "mean", "latest", "production"];
const OPERATORS: readonly string[] = [">=", ">", "<=", "<", "=="];

/**
 * What {@linkcode reviewRuns} asks W&B for, how it judges the runs, and how
 * it connects. Only the key, the project, the candidates (`commit` or
 * `runId`), `baselineTags` and `metrics` are required.
 *
 * @example Gate a commit's runs on thresholds and regressions
 * ```ts
 * import type { ReviewRunsOptions } from "@ml-review/wandb-runs";
 *
 * const options: ReviewRunsOptions = {
 *   apiKey: "your-w-and-b-api-key", // in real use: Deno.env.get("WANDB_API_KEY")!
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   commit: "86edd034aaba1498dbae6465cf994de90be6a4b2",
 *   baselineTags: ["baseline"],
 *   metrics: ["val_acc", "val_loss"],
 *   configVars: ["learning_rate"],
 *   goals: { val_acc: "max" },
 *   aggregate: "mean",
 *   thresholds: [{ metric: "val_acc", operator: ">=", value: 0.9 }],
 *   failOnRegression: ["val_loss"],
 *   tolerance: { kind: "relative", value: 0.02 },
 *   requireComplete: true,
 *   wait: { timeoutMs: 45 * 60_000, intervalMs: 30_000 },
 * };
 * ```
 */
export interface ReviewRunsOptions {
  /** The W&B API key, sent as HTTP Basic `api:<key>`; never part of a message. */
  apiKey: string;
  /** The W&B entity (user or team) that owns the project, e.g. `github`. */
  entity: string;
  /** The W&B project, e.g. `predict-issue-labels`. */
  project: string;
  /** Candidates are the runs whose config `github_sha` is this commit; give this or `runId`. */
  commit?: string;
  /** With `commit`: candidates also have config `secondary_sha` equal to this. */
  secondarySha?: string;
  /** The one candidate run's id (the 8 characters in its URL); give this or `commit`. */
  runId?: string;
  /** Runs carrying any of these tags are baselines, unless they are candidates; none means no baselines. */
  baselineTags: readonly string[];
  /** Summary metrics to show and compare: names, or dotted paths into nested summaries (`eval.f1`). */
  metrics: readonly string[];
  /** Config values to show (names or dotted paths). Default none. */
  configVars?: readonly string[];
  /** Which way a metric improves, by name; a metric not named here is judged from its name (`loss` is `min`). */
  goals?: Readonly<Record<string, Direction>>;
  /** Which baseline value candidates are compared with: `best` (default), `mean` or `latest`. */
  aggregate?: BaselineAggregate;
  /** Bounds every finished candidate must meet, e.g. `{ metric: "val_acc", operator: ">=", value: 0.9 }`. */
  thresholds?: readonly Threshold[];
  /** Metrics in which no finished candidate may be worse than the baseline; compared even when not in `metrics`. */
  failOnRegression?: readonly string[];
  /** How much worse than the baseline is still no regression. Default none at all. */
  tolerance?: Tolerance;
  /** Fail the gates unless the candidates are complete (see {@linkcode RunCounts.complete}). Default `false`. */
  requireComplete?: boolean;
  /** Poll until every candidate has finished, or until the time is up; default: ask once. */
  wait?: {
    /** Give up waiting after this many milliseconds, and review the runs as they are then. */
    timeoutMs: number;
    /** Milliseconds between polls, at least 1,000. Default 30,000. */
    intervalMs?: number;
    /** Told of each poll in one line, e.g. `poll 2 after 30s: 1 finished, 1 running`. */
    onPoll?: (line: string) => void;
  };
  /** The W&B API's base URL. Default `https://api.wandb.ai`. */
  baseUrl?: string;
  /** The W&B web app that run links point to. Default: derived from `baseUrl` (`https://wandb.ai`). */
  appUrl?: string;
  /** Runs asked for per request, 1 to 1,000. Default 1,000. */
  pageSize?: number;
  /** The `fetch` to use; the global one by default. */
  fetch?: typeof fetch;
  /** Milliseconds one attempt may take, body included. Default 30,000. */
  timeoutMs?: number;
  /** Attempts per request, the first included. Default 5. */
  maxAttempts?: number;
  /** Milliseconds all attempts of one request may take, waits included. Default 120,000. */
  maxTotalMs?: number;
  /** Told of each retried request in one line, e.g. `W&B request attempt 1 of 5 failed: ...`. */
  onRetry?: (line: string) => void;
  /** Waits between attempts and polls; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
  /** A number in [0, 1), for backoff jitter. */
  random?: () => number;
  /**
   * History metrics whose curves are sampled for the finished candidates
   * and compared baselines (charted in the Markdown report), and how many
   * points per metric and run (default 200).
   */
  history?: { metrics: readonly string[]; samples?: number };
  /** History metrics whose curves must converge (a gate); each is sampled too. */
  convergence?: readonly string[];
  /**
   * Artifact types shown as each run's data lineage (e.g. `["dataset"]`);
   * lineage is read when this, `requireSameData` or `expectedData` is given
   * (with `["dataset"]` by default).
   */
  dataArtifactTypes?: readonly string[];
  /** Fail a candidate whose data differs (by digest) from its compared baseline's. */
  requireSameData?: boolean;
  /** Aliases (`name:alias`, `project/name:alias`, `entity/project/name:alias`) whose current version each candidate must have used. */
  expectedData?: readonly string[];
  /**
   * The production model's alias (`entity/project/name:alias` or a W&B
   * Registry path such as `wandb-registry-model/name:production`): the run
   * that logged that version joins the baselines; with `aggregate:
   * "production"` candidates are compared with it alone.
   */
  productionArtifact?: string;
  /** A significance level in (0, 1): regressions then fail only when more than noise (Welch's t-test). */
  significance?: number;
}

/**
 * What {@linkcode reviewRuns} found: the runs, their counts, the comparisons
 * and the gates' verdict; the writers ({@linkcode csvReport},
 * {@linkcode markdownReport}, {@linkcode jsonReport}) take it whole.
 *
 * @example Say what each finished candidate did against the baselines
 * ```ts
 * import type { RunReview } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * function summarise(review: RunReview): string[] {
 *   return review.candidates.filter((run) => run.state === "finished").map((run) =>
 *     `${run.displayName}: ${
 *       (review.comparisons.get(run.runId) ?? []).map((each) => `${each.metric} ${each.verdict}`).join(", ")
 *     }`
 *   );
 * }
 * const run = {
 *   runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { acc: 0.93 },
 * };
 * const review: RunReview = {
 *   entity: "github", project: "predict-issue-labels", appUrl: "https://wandb.ai",
 *   selection: { commit: "86edd03" }, candidates: [run], baselines: [],
 *   counts: {
 *     complete: true, singleRun: true, candidates: 1, finished: 1, running: 0, crashed: 0,
 *     aborted: 0, failed: 0, pending: 0, preempted: 0, unknown: 0, baselines: 0,
 *   },
 *   metrics: ["acc"], configVars: [], goals: [{ metric: "acc", direction: "max", inferred: true }],
 *   aggregate: "best", baselineValues: new Map([["acc", undefined]]),
 *   comparisons: new Map([["e6lo523p", [
 *     { metric: "acc", direction: "max", candidateValue: 0.93, verdict: "unknown" },
 *   ]]]),
 *   gate: { enabled: false, passed: true, failures: [] }, timedOut: false, requests: 1,
 *   evidence: { historyMetrics: [], history: new Map(), dataTypes: [], inputs: new Map(), expected: [] },
 *   noise: [],
 * };
 * assert.deepEqual(summarise(review), ["dashing-leaf-4: acc unknown"]);
 * ```
 */
export interface RunReview {
  /** The W&B entity. */
  entity: string;
  /** The W&B project. */
  project: string;
  /** The W&B web app that run links point to, without a trailing `/`. */
  appUrl: string;
  /** How the candidates were chosen. */
  selection: { commit?: string; secondarySha?: string; runId?: string };
  /** The runs under review, oldest first. */
  candidates: WandbRun[];
  /** The runs they are compared with, oldest first; no run is in both. */
  baselines: WandbRun[];
  /** The candidates per state, and the baselines. */
  counts: RunCounts;
  /** The summary metrics shown. */
  metrics: string[];
  /** The config values shown. */
  configVars: string[];
  /** Each compared metric and its direction: `metrics`, then any `failOnRegression` metric not among them. */
  goals: MetricGoal[];
  /** How baseline values were chosen. */
  aggregate: BaselineAggregate;
  /** The baseline value of each compared metric; `undefined` when no finished baseline has it. */
  baselineValues: Map<string, BaselineValue | undefined>;
  /** Each candidate's comparisons with the baselines, one per compared metric, by run id. */
  comparisons: Map<string, MetricComparison[]>;
  /** The gates' verdict; `enabled` is `false` when no gate was asked for. */
  gate: GateResult;
  /** `true` when waiting (`wait`) ended before every candidate finished. */
  timedOut: boolean;
  /** How many GraphQL requests the last fetch made, evidence included (retries not counted). */
  requests: number;
  /** The production baseline, curves and data lineage gathered (empty when none was asked for). */
  evidence: RunEvidence;
  /** Per compared metric, Welch's test of candidates against baselines, or why none was possible. */
  noise: NoiseTest[];
  /** The significance level asked for, if any. */
  significance?: number;
}

/**
 * How {@linkcode markdownReport} draws the report.
 *
 * @example A report that fits a job summary, without charts
 * ```ts
 * import type { MarkdownReportOptions } from "@ml-review/wandb-runs";
 *
 * const options: MarkdownReportOptions = {
 *   charts: false,
 *   csvName: "runs.csv",
 *   limit: { max: 1_048_576, unit: "bytes" },
 * };
 * ```
 */
export interface MarkdownReportOptions {
  /** Whether to draw a Mermaid bar chart per metric (the curves of `history` are drawn either way). Default `true`. */
  charts?: boolean;
  /** The CSV named when rows are left out to fit `limit`. Default `wandb_report.csv`. */
  csvName?: string;
  /**
   * The most the report may hold; charts, then rows, are left out to fit.
   * Default: no limit. A pull request comment holds 65,536 characters
   * (`{ max: 65_536, unit: "characters" }`), a job summary 1 MiB
   * (`{ max: 1_048_576, unit: "bytes" }`).
   */
  limit?: { max: number; unit: "characters" | "bytes" };
}

/**
 * Reviews the W&B runs of a commit (or one run) against the baseline runs:
 * fetches both sets (waiting for unfinished candidates when asked), counts the
 * candidates per state, compares each candidate's metrics with the baselines,
 * gathers what the evidence options ask for (curves, data lineage, the
 * production run, which joins the baselines), and judges the gates
 * (thresholds, regressions, completeness, convergence, same and expected
 * data). A failed gate
 * is part of the result, not an error. Nothing is written anywhere: turn the
 * review into text with {@linkcode csvReport}, {@linkcode markdownReport} or
 * {@linkcode jsonReport}.
 *
 * @example Review a commit's runs (here against a stub of W&B's GraphQL API)
 * ```ts
 * import { reviewRuns } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * // W&B's answer: one finished candidate, one baseline.
 * const run = (name: string, tags: string[], acc: number) => ({
 *   name, displayName: name, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00", config: "{}", summaryMetrics: JSON.stringify({ acc }),
 * });
 * const page = (node: unknown) => ({
 *   edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false },
 * });
 * const fetch = () => Promise.resolve(Response.json({ data: { project: {
 *   candidates: page(run("e6lo523p", [], 0.93)),
 *   baselines: page(run("cqigzoxc", ["baseline"], 0.91)),
 * } } }));
 *
 * const review = await reviewRuns({
 *   apiKey: "your-w-and-b-api-key",
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   commit: "86edd034aaba1498dbae6465cf994de90be6a4b2",
 *   baselineTags: ["baseline"],
 *   metrics: ["acc"],
 *   thresholds: [{ metric: "acc", operator: ">=", value: 0.9 }],
 *   failOnRegression: ["acc"],
 *   fetch,
 * });
 * assert.equal(review.counts.finished, 1);
 * assert.equal(review.comparisons.get("e6lo523p")?.[0].verdict, "better");
 * assert.equal(review.gate.passed, true);
 * ```
 *
 * @param options What to ask W&B for, how to judge the runs, and how to connect.
 * @returns The runs, counts, comparisons and the gates' verdict.
 * @throws {TypeError} when an option is missing or malformed (nothing is asked of W&B).
 * @throws {RangeError} when a number is out of range, such as `pageSize: 0`, or two CSV columns would have one name (a metric `run.id`).
 * @throws {WandbError} when W&B refuses or keeps failing, has no such project, or no run `runId`.
 */
export async function reviewRuns(
  options: ReviewRunsOptions,
): Promise<RunReview> {
  const settings = checkOptions(options);
  const { entity, project, runId, commit, secondarySha } = options;
  const fetched = await fetchCandidates(options, settings);
  if (runId !== undefined && fetched.candidates.length === 0) {
    throw new WandbError(
      `W&B has no run ${
        quoteForMessage(runId)
      } in project "${entity}/${project}"`,
    );
  }
  const gathered = await gatherReviewEvidence(fetched, options, settings)
    .catch((error: unknown) => {
      if (!(error instanceof ArtifactAliasError)) throw error;
      const option = error.role === "production"
        ? "productionArtifact"
        : "expectedData";
      throw new WandbError(`${option}: ${error.message}`, { cause: error });
    });
  const { runs, counts, analysis, gate, noise } = judgeRuns(gathered.runs, {
    ...settings,
    evidence: gathered.evidence,
  });
  const { baselineValues, comparisons } = analysis;
  return {
    entity,
    project,
    appUrl: settings.appUrl,
    selection: runId !== undefined
      ? { runId }
      : { commit, ...(secondarySha === undefined ? {} : { secondarySha }) },
    ...runs,
    counts,
    metrics: [...options.metrics],
    configVars: settings.configVars,
    goals: settings.goals,
    aggregate: settings.aggregate,
    baselineValues,
    comparisons,
    gate,
    timedOut: fetched.timedOut,
    requests: fetched.requests + gathered.requests,
    evidence: gathered.evidence,
    noise,
    ...settings.gates.significance === undefined
      ? {}
      : { significance: settings.gates.significance },
  };
}

/** The summary metrics and config values every run is read with, fetched or gathered. */
function keptValues(settings: Settings): KeptValues {
  return { metrics: metricsToFetch(settings), configVars: settings.configVars };
}

/** How to reach W&B, from the options. */
function connectionOf(
  options: ReviewRunsOptions,
  settings: Settings,
): WandbConnection {
  return {
    baseUrl: settings.baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    maxTotalMs: options.maxTotalMs,
    onRetry: options.onRetry,
    sleep: options.sleep,
    now: options.now,
    random: options.random,
  };
}

/** Gathers the evidence the options ask for (nothing, and no request, when none). */
function gatherReviewEvidence(
  fetched: FetchedRuns,
  options: ReviewRunsOptions,
  settings: Settings,
): Promise<GatheredEvidence> {
  const { evidence } = settings;
  return gatherEvidence(fetched, {
    entity: options.entity,
    project: options.project,
    historyMetrics: evidence.historyMetrics,
    samples: evidence.samples,
    dataTypes: evidence.dataTypes,
    expectedData: evidence.expectedData,
    production: evidence.production,
    goals: settings.goals,
    aggregate: settings.aggregate,
    kept: keptValues(settings),
  }, connectionOf(options, settings));
}

/**
 * The review as CSV text, as the action writes it: a header, then one row
 * per finished candidate and per baseline, with a column per metric, one per
 * config value (`_<name>`) and the row's category; `\n` line ends, RFC 4180
 * quoting.
 *
 * @example
 * ```ts
 * import { csvReport, reviewRuns } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const node = {
 *   name: "e6lo523p", displayName: "dashing-leaf-4", state: "finished", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00",
 *   config: JSON.stringify({ github_sha: { value: "86edd03" } }),
 *   summaryMetrics: JSON.stringify({ acc: 0.93 }),
 * };
 * const fetch = () => Promise.resolve(Response.json({ data: { project: {
 *   candidates: { edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false } },
 * } } }));
 * const review = await reviewRuns({
 *   apiKey: "your-w-and-b-api-key", entity: "github", project: "predict-issue-labels",
 *   commit: "86edd03", baselineTags: [], metrics: ["acc"], fetch,
 * });
 *
 * assert.deepEqual(csvReport(review).split("\n"), [
 *   "run.url,run.name,run.tags,run.id,run.entity,run.project,github_sha,run.description,acc,__eval.category",
 *   "https://wandb.ai/github/predict-issue-labels/runs/e6lo523p,dashing-leaf-4,[],e6lo523p,github,predict-issue-labels,86edd03,,0.93,candidate",
 *   "",
 * ]);
 * ```
 *
 * @param review The review from {@linkcode reviewRuns}.
 * @returns The CSV text.
 */
export function csvReport(review: RunReview): string {
  return csvText(review, review);
}

/**
 * The review as Markdown for people, as the action writes it for a pull
 * request, the answer first: a verdict line (gates, the best candidates
 * against the compared baseline, states), a row per metric, the data the
 * runs used and the failed gates; then, folded, every run's values and
 * changes, the training data, the significance tests, a Mermaid bar chart
 * per metric and the training curves. Everything from W&B is escaped. Past
 * `limit`, the bar charts go first, then the curves, then rows, with a line
 * saying how many were left out.
 *
 * @example Fit the report into a pull request comment
 * ```ts
 * import { markdownReport, reviewRuns } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const run = (name: string, tags: string[], loss: number) => ({
 *   name, displayName: name, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00", config: "{}", summaryMetrics: JSON.stringify({ loss }),
 * });
 * const page = (node: unknown) => ({
 *   edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false },
 * });
 * const fetch = () => Promise.resolve(Response.json({ data: { project: {
 *   candidates: page(run("e6lo523p", [], 0.35)),
 *   baselines: page(run("cqigzoxc", ["baseline"], 0.44)),
 * } } }));
 * const review = await reviewRuns({
 *   apiKey: "your-w-and-b-api-key", entity: "github", project: "predict-issue-labels",
 *   commit: "86edd03", baselineTags: ["baseline"], metrics: ["loss"], fetch,
 * });
 *
 * const markdown = markdownReport(review, {
 *   charts: false,
 *   limit: { max: 65_536, unit: "characters" },
 * });
 * assert.match(markdown, /^### W&B runs in /);
 * assert.match(markdown, /e6lo523p/);
 * ```
 *
 * @param review The review from {@linkcode reviewRuns}.
 * @param options Charts, the CSV's name and a size limit.
 * @returns The Markdown, ending in a line break.
 */
export function markdownReport(
  review: RunReview,
  options: MarkdownReportOptions = {},
): string {
  return renderMarkdown(review, {
    ...reportContext(review),
    charts: options.charts ?? true,
    csvName: options.csvName ?? DEFAULT_CSV_NAME,
    limit: options.limit ?? { max: Infinity, unit: "characters" },
  });
}

/**
 * The review as JSON text, as the action writes its JSON report (schema
 * version 2, described in the README): every run with its category, state,
 * metrics, config values, comparisons and gate failures, then the counts and
 * the gates' verdict. Integers past 2^53 are written digit for digit.
 *
 * @example
 * ```ts
 * import { jsonReport, reviewRuns } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const node = {
 *   name: "e6lo523p", displayName: "dashing-leaf-4", state: "running", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00", config: "{}", summaryMetrics: "{}",
 * };
 * const fetch = () => Promise.resolve(Response.json({ data: { project: {
 *   candidates: { edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false } },
 * } } }));
 * const review = await reviewRuns({
 *   apiKey: "your-w-and-b-api-key", entity: "github", project: "predict-issue-labels",
 *   commit: "86edd03", baselineTags: [], metrics: [], requireComplete: true, fetch,
 * });
 *
 * const report = JSON.parse(jsonReport(review));
 * assert.equal(report.version, 2);
 * assert.equal(report.runs[0].state, "running");
 * assert.equal(report.gate.passed, false);
 * ```
 *
 * @param review The review from {@linkcode reviewRuns}.
 * @returns The JSON text, indented by two spaces, ending in a line break.
 */
export function jsonReport(review: RunReview): string {
  const { gate } = review;
  return `${
    stringifyExactJson(
      jsonDocument(review, { ...reportContext(review), gate }),
      2,
    )
  }\n`;
}

/** What the Markdown and JSON reports share, from a review. */
function reportContext(
  review: RunReview,
): Omit<MarkdownReportContext, "charts" | "csvName" | "limit"> {
  const { commit, secondarySha, runId } = review.selection;
  return {
    appUrl: review.appUrl,
    entity: review.entity,
    project: review.project,
    selection: { githubSha: commit, secondarySha, runId },
    // The shown metrics; goals of metrics only compared are not.
    goals: review.goals.filter((goal) => review.metrics.includes(goal.metric)),
    configVars: review.configVars,
    aggregate: review.aggregate,
    analysis: review,
    counts: review.counts,
    gate: review.gate,
    directionsSetting: "goals",
    evidence: review.evidence,
    noise: review.noise,
    significance: review.significance,
  };
}

/** Milliseconds between polls when `wait.intervalMs` is not given, as the action's `POLL_INTERVAL`. */
const DEFAULT_POLL_INTERVAL_MS = 30_000;

/** The options with their defaults, checked. */
interface Settings {
  baseUrl: string;
  appUrl: string;
  pageSize: number;
  configVars: string[];
  goals: MetricGoal[];
  aggregate: BaselineAggregate;
  gates: {
    thresholds: Threshold[];
    failOnRegression: string[];
    tolerance: Tolerance;
    requireComplete: boolean;
    significance?: number;
    convergence: string[];
    requireSameData: boolean;
  };
  evidence: {
    historyMetrics: string[];
    samples: number;
    dataTypes?: string[];
    expectedData: ArtifactPath[];
    production?: ArtifactPath;
  };
}

/** Fetches the runs once, or polls until the candidates finish when `wait` is given. */
async function fetchCandidates(
  options: ReviewRunsOptions,
  settings: Settings,
): Promise<FetchedRuns & { timedOut: boolean }> {
  const plan = buildQueryPlan({
    entity: options.entity,
    project: options.project,
    runId: options.runId,
    githubSha: options.commit,
    secondarySha: options.secondarySha,
    baselineTags: options.baselineTags,
  });
  const fetchOptions = {
    ...connectionOf(options, settings),
    ...keptValues(settings),
    pageSize: settings.pageSize,
  };
  const fetchOnce = () => fetchRuns(plan, fetchOptions);
  const { wait } = options;
  if (wait === undefined) return { ...await fetchOnce(), timedOut: false };
  const waited = await waitForRuns(fetchOnce, {
    timeoutMs: wait.timeoutMs,
    intervalMs: wait.intervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    now: options.now,
    sleep: options.sleep,
    progress: wait.onPoll,
  });
  return { ...waited.fetched, timedOut: waited.timedOut };
}

/** Checks every option before W&B is asked, and fills in the defaults. */
function checkOptions(options: ReviewRunsOptions): Settings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Cannot review runs: expected an options object");
  }
  checkSelection(options);
  const baseUrl = checkUrl("baseUrl", options.baseUrl ?? DEFAULT_BASE_URL, {
    keyGoesThere: true,
  });
  const configVars = checkNames("configVars", options.configVars ?? []);
  const metrics = checkNames("metrics", options.metrics);
  checkNames("baselineTags", options.baselineTags);
  csvColumns({ metrics, configVars }); // a RangeError for two columns of one name
  const evidence = checkEvidence(options);
  const gates = {
    ...checkGates(options),
    significance: checkSignificance(options.significance),
    convergence: [...new Set(options.convergence ?? [])],
    requireSameData: options.requireSameData ?? false,
  };
  const aggregate = checkAggregate(options.aggregate ?? "best");
  if (aggregate === "production" && evidence.production === undefined) {
    throw new TypeError(
      'Cannot review runs: aggregate "production" needs productionArtifact',
    );
  }
  return {
    evidence,
    baseUrl,
    appUrl: options.appUrl === undefined
      ? appUrlFor(baseUrl)
      : checkUrl("appUrl", options.appUrl, { keyGoesThere: false }),
    pageSize: checkInteger("pageSize", options.pageSize ?? DEFAULT_PAGE_SIZE, {
      min: 1,
      max: 1000,
    }),
    configVars,
    goals: checkGoals(options, [
      ...new Set([...metrics, ...gates.failOnRegression]),
    ]),
    aggregate,
    gates,
  };
}

/** The history, lineage and production options, checked. */
function checkEvidence(options: ReviewRunsOptions): Settings["evidence"] {
  const convergence = checkNames("convergence", options.convergence ?? []);
  const historyMetrics = [
    ...new Set([
      ...checkNames("history.metrics", options.history?.metrics ?? []),
      ...convergence,
    ]),
  ];
  const samples = checkInteger(
    "history.samples",
    options.history?.samples ?? DEFAULT_HISTORY_SAMPLES,
    HISTORY_SAMPLES_RANGE,
  );
  const expectedData = (options.expectedData ?? []).map((text, index) =>
    checkArtifactPath(`expectedData[${index}]`, text)
  );
  if (options.dataArtifactTypes?.length === 0) {
    throw new TypeError(
      'Cannot review runs: dataArtifactTypes must name at least one type, such as ["dataset"]',
    );
  }
  const lineage = options.dataArtifactTypes !== undefined ||
    options.requireSameData === true || expectedData.length > 0;
  return {
    historyMetrics,
    samples,
    dataTypes: lineage
      ? checkNames(
        "dataArtifactTypes",
        options.dataArtifactTypes ?? ["dataset"],
      )
      : undefined,
    expectedData,
    production: options.productionArtifact === undefined
      ? undefined
      : checkArtifactPath("productionArtifact", options.productionArtifact),
  };
}

/** The significance level, when given: a number strictly between 0 and 1. */
function checkSignificance(significance: unknown): number | undefined {
  if (significance === undefined) return undefined;
  if (
    typeof significance === "number" && significance > 0 && significance < 1
  ) {
    return significance;
  }
  throw new RangeError(
    `Cannot review runs: significance must be a number between 0 and 1 (such as 0.05), got ${significance}`,
  );
}

function checkArtifactPath(name: string, text: unknown): ArtifactPath {
  try {
    return parseArtifactPath(String(text));
  } catch (error) {
    throw new TypeError(
      `Cannot review runs: ${name}: ${(error as Error).message}`,
    );
  }
}

/** The key, the project and how candidates are chosen. */
function checkSelection(options: ReviewRunsOptions): void {
  checkToken("apiKey", options.apiKey);
  for (const name of ["entity", "project"] as const) {
    checkToken(name, options[name]);
    if (options[name].includes("/")) {
      throw new TypeError(
        `Cannot review runs: ${name} must not contain "/", got ${
          quoteForMessage(options[name])
        }`,
      );
    }
  }
  const { runId, commit, secondarySha, wait } = options;
  if ((runId === undefined) === (commit === undefined)) {
    throw new TypeError(
      "Cannot review runs: give either runId or commit, to choose the candidates",
    );
  }
  if (runId !== undefined) checkToken("runId", runId);
  if (commit !== undefined) checkToken("commit", commit);
  if (secondarySha !== undefined) {
    if (commit === undefined) {
      throw new TypeError("Cannot review runs: secondarySha needs commit");
    }
    checkToken("secondarySha", secondarySha);
  }
  if (wait !== undefined) {
    checkInteger("wait.timeoutMs", wait.timeoutMs, { min: 0 });
    checkInteger(
      "wait.intervalMs",
      wait.intervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      { min: 1000 },
    );
  }
}

/** The thresholds, regression metrics, tolerance and completeness switch. */
function checkGates(
  options: ReviewRunsOptions,
): Omit<
  Settings["gates"],
  "significance" | "convergence" | "requireSameData"
> {
  const thresholds = [...options.thresholds ?? []];
  for (const [index, threshold] of thresholds.entries()) {
    const { metric, operator, value } = threshold ?? {};
    if (
      typeof metric !== "string" || metric === "" ||
      !OPERATORS.includes(operator) || typeof value !== "number" ||
      !Number.isFinite(value)
    ) {
      throw new TypeError(
        `Cannot review runs: thresholds[${index}] must be { metric, operator, value } with an operator of ${
          OPERATORS.join(" ")
        } and a finite number, got ${
          quoteForMessage(String(JSON.stringify(threshold)))
        }`,
      );
    }
  }
  const tolerance = options.tolerance ?? { kind: "absolute", value: 0 };
  if (tolerance.kind !== "absolute" && tolerance.kind !== "relative") {
    throw new TypeError(
      `Cannot review runs: tolerance.kind must be "absolute" or "relative", got ${
        quoteForMessage(String(tolerance.kind))
      }`,
    );
  }
  if (!(tolerance.value >= 0 && Number.isFinite(tolerance.value))) {
    throw new RangeError(
      `Cannot review runs: tolerance.value must be a finite number of at least 0, got ${tolerance.value}`,
    );
  }
  if (
    options.requireComplete !== undefined &&
    typeof options.requireComplete !== "boolean"
  ) {
    throw new TypeError(
      "Cannot review runs: requireComplete must be a boolean",
    );
  }
  return {
    thresholds,
    failOnRegression: checkNames(
      "failOnRegression",
      options.failOnRegression ?? [],
    ),
    tolerance: { kind: tolerance.kind, value: tolerance.value },
    requireComplete: options.requireComplete ?? false,
  };
}

/** Each compared metric's goal; `goals` may only name compared metrics. */
function checkGoals(
  options: ReviewRunsOptions,
  compared: readonly string[],
): MetricGoal[] {
  const given = new Map<string, Direction>(Object.entries(options.goals ?? {}));
  for (const [metric, direction] of given) {
    if (direction !== "max" && direction !== "min") {
      throw new TypeError(
        `Cannot review runs: goals[${
          quoteForMessage(metric)
        }] must be "max" or "min", got ${quoteForMessage(String(direction))}`,
      );
    }
    if (!compared.includes(metric)) {
      throw new TypeError(
        `Cannot review runs: goals names ${
          quoteForMessage(metric)
        }, which is in neither metrics nor failOnRegression`,
      );
    }
  }
  return metricGoals(compared, given);
}

function checkAggregate(aggregate: string): BaselineAggregate {
  if (AGGREGATES.includes(aggregate)) return aggregate as BaselineAggregate;
  throw new TypeError(
    `Cannot review runs: aggregate must be "best", "mean", "latest" or "production", got ${
      quoteForMessage(String(aggregate))
    }`,
  );
}

/** A list of non-empty names, copied. */
function checkNames(name: string, list: readonly string[]): string[] {
  if (!Array.isArray(list)) {
    throw new TypeError(
      `Cannot review runs: ${name} must be an array of strings`,
    );
  }
  list.forEach((item, index) => {
    if (typeof item !== "string" || item.trim() === "") {
      throw new TypeError(
        `Cannot review runs: ${name}[${index}] must be a non-empty string, got ${
          quoteForMessage(String(JSON.stringify(item)))
        }`,
      );
    }
  });
  return [...list];
}

/** A non-empty string without white space. */
function checkToken(name: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(
      `Cannot review runs: ${name} must be a non-empty string`,
    );
  }
  if (/\s/.test(value)) {
    // The key is never shown, not even in part.
    const shown = name === "apiKey" ? "" : `, got ${quoteForMessage(value)}`;
    throw new TypeError(
      `Cannot review runs: ${name} must not contain white space${shown}`,
    );
  }
}

function checkInteger(
  name: string,
  value: number,
  range: { min: number; max?: number },
): number {
  const { min, max = Number.MAX_SAFE_INTEGER } = range;
  if (!Number.isInteger(value) || value < min || value > max) {
    const span = range.max === undefined
      ? `of at least ${min}`
      : `from ${min} to ${max}`;
    throw new RangeError(
      `Cannot review runs: ${name} must be an integer ${span}, got ${value}`,
    );
  }
  return value;
}

/**
 * An http(s) URL without credentials, query or fragment; where the key is
 * sent, plain http only on a loopback host (the key would travel
 * unencrypted). Returned without a trailing `/`.
 */
function checkUrl(
  name: string,
  text: string,
  use: { keyGoesThere: boolean },
): string {
  const { url, problems } = checkHttpUrl(String(text));
  const refused = problems.filter((problem) =>
    use.keyGoesThere || problem !== "plain-http"
  );
  if (url !== undefined && refused.length === 0) return baseUrlText(url);
  const shown = quoteForMessage(hideUserInfo(String(text)));
  throw new TypeError(
    refused[0] === "plain-http"
      ? `Cannot review runs: ${name} must use https outside this machine (plain http would send the API key unencrypted), got ${shown}`
      : `Cannot review runs: ${name} must be an http(s) URL without credentials, query or fragment, got ${shown}`,
  );
}
