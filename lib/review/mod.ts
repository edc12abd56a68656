/**
 * Judging runs, in pure functions: the two categories (a run that is both a
 * candidate and a baseline is a candidate), the counts per state, which way
 * each metric improves, each candidate's comparison with the baselines, and
 * the gates' verdict. Nothing here asks W&B or writes anything.
 *
 * @example Categorise, count, compare and judge two runs
 * ```ts
 * import {
 *   baselineValue,
 *   categoriseRuns,
 *   compareWithBaselines,
 *   countRuns,
 *   evaluateGates,
 *   metricGoals,
 * } from "@ml-review/wandb-runs/review";
 * import type { WandbRun } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, tags: string[], loss: number): WandbRun => ({
 *   runId, displayName: runId, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { loss },
 * });
 * const runs = categoriseRuns([run("e6lo523p", [], 0.5)], [run("cqigzoxc", ["baseline"], 0.44)]);
 * const counts = countRuns(runs);
 * const goals = metricGoals(["loss"]); // "loss" is lower-is-better
 * const baselines = new Map(goals.map((goal) => [goal.metric, baselineValue(runs.baselines, goal, "best")]));
 * const comparisons = compareWithBaselines(runs.candidates[0], baselines, goals);
 * assert.equal(comparisons[0].verdict, "worse");
 *
 * const gate = evaluateGates([{ run: runs.candidates[0], comparisons }], {
 *   counts,
 *   options: {
 *     thresholds: [],
 *     failOnRegression: ["loss"],
 *     tolerance: { kind: "relative", value: 0.2 },
 *     requireComplete: true,
 *   },
 * });
 * assert.equal(gate.passed, true); // 0.5 is within 20% of 0.44
 * ```
 *
 * @module
 */
export {
  type CategorisedRuns,
  categoriseRuns,
  type RunCategory,
} from "./categorise.ts";
export { countRuns, type RunCounts } from "./run_counts.ts";
export {
  type Direction,
  inferDirection,
  type MetricGoal,
  metricGoals,
} from "./metric_goals.ts";
export {
  type BaselineAggregate,
  type BaselineValue,
  baselineValue,
  compareWithBaselines,
  type MetricComparison,
} from "./baseline_comparison.ts";
export {
  evaluateGates,
  type GateFailure,
  type GateKind,
  type GateOptions,
  type GateResult,
  type JudgedCandidate,
  judgedCandidates,
  type Threshold,
  type Tolerance,
} from "./gates.ts";
export { convergenceProblem } from "./convergence.ts";
export { type GroupStats, type WelchResult, welchTest } from "./welch_test.ts";
export type { NoiseTest } from "./noise.ts";
export type {
  ExpectedData,
  ProductionBaseline,
  RunEvidence,
} from "./evidence.ts";
export type { WandbRun } from "../wandb/run.ts";
export type { HistoryPoint } from "../wandb/sampled_history.ts";
export type { ArtifactVersion } from "../wandb/artifact.ts";
