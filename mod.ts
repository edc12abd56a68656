/**
 * Reviews the W&B runs of a commit (or one run) against tagged baseline runs:
 * {@linkcode reviewRuns} fetches both sets, counts the candidates per state,
 * compares each candidate's metrics with the baselines and judges the gates;
 * {@linkcode csvReport}, {@linkcode markdownReport} and {@linkcode jsonReport}
 * turn the review into text. Nothing reads the environment or writes a file,
 * and it runs in Deno, Node.js and Bun alike. The same code backs the GitHub
 * Action and the CLI (`@ml-review/wandb-runs/cli`).
 *
 * The building blocks are subpath modules: `@ml-review/wandb-runs/wandb`
 * (the query plan, paging, the GraphQL transport, waiting),
 * `@ml-review/wandb-runs/review` (categories, counts, comparisons, gates),
 * `@ml-review/wandb-runs/report` (the CSV) and `@ml-review/wandb-runs/github`
 * (the sticky pull request comment, step outputs).
 *
 * @example Review a commit's runs and judge the gates
 * ```ts
 * import { markdownReport, reviewRuns } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * // A stub of W&B's GraphQL API: one finished candidate, one baseline.
 * const run = (name: string, tags: string[], summary: object) => ({
 *   name, displayName: name, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00", config: "{}", summaryMetrics: JSON.stringify(summary),
 * });
 * const page = (node: unknown) => ({
 *   edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false },
 * });
 * const fetch = () => Promise.resolve(Response.json({ data: { project: {
 *   candidates: page(run("e6lo523p", [], { val_acc: 0.88, loss: 0.35 })),
 *   baselines: page(run("cqigzoxc", ["baseline"], { val_acc: 0.91, loss: 0.44 })),
 * } } }));
 *
 * const review = await reviewRuns({
 *   apiKey: "your-w-and-b-api-key", // in real use: Deno.env.get("WANDB_API_KEY")!
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   commit: "86edd034aaba1498dbae6465cf994de90be6a4b2",
 *   baselineTags: ["baseline"],
 *   metrics: ["val_acc", "loss"],
 *   failOnRegression: ["val_acc"],
 *   tolerance: { kind: "relative", value: 0.01 },
 *   fetch, // in real use: leave out, to use the global fetch
 * });
 * assert.equal(review.counts.complete, true);
 * assert.deepEqual(review.comparisons.get("e6lo523p")?.map((each) => each.verdict), ["worse", "better"]);
 * assert.equal(review.gate.passed, false);
 * assert.match(review.gate.failures[0].message, /val_acc = 0.88 is worse than the baseline 0.91/);
 * assert.match(markdownReport(review), /e6lo523p/);
 * ```
 *
 * @module
 */
export {
  csvReport,
  jsonReport,
  markdownReport,
  type MarkdownReportOptions,
  reviewRuns,
  type ReviewRunsOptions,
  type RunReview,
} from "./lib/review_runs.ts";
export { WandbError, type WandbFailureKind } from "./lib/errors.ts";
export { GithubCommentError } from "./lib/github/pr_comment.ts";
export type { WandbRun } from "./lib/wandb/run.ts";
export type { RunCounts } from "./lib/review/run_counts.ts";
export type { Direction, MetricGoal } from "./lib/review/metric_goals.ts";
export type {
  BaselineAggregate,
  BaselineValue,
  MetricComparison,
} from "./lib/review/baseline_comparison.ts";
export type { NoiseTest } from "./lib/review/noise.ts";
export type { GroupStats, WelchResult } from "./lib/review/welch_test.ts";
export type {
  ExpectedData,
  ProductionBaseline,
  RunEvidence,
} from "./lib/review/evidence.ts";
export type { ArtifactVersion } from "./lib/wandb/artifact.ts";
export type { HistoryPoint } from "./lib/wandb/sampled_history.ts";
export type {
  GateFailure,
  GateKind,
  GateResult,
  Threshold,
  Tolerance,
} from "./lib/review/gates.ts";
