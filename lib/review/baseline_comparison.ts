import type { Direction, MetricGoal } from "./metric_goals.ts";
import { valueAt, type WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";

/**
 * Which baseline value a candidate is compared with, per metric: the best
 * finished baseline, their mean, the latest, or the production baseline's
 * (the run behind a registry alias) alone.
 *
 * @example The three ways to pick the baseline value
 * ```ts
 * import { baselineValue, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { BaselineAggregate, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, acc: number): WandbRun => ({
 *   runId, displayName: runId, state: "finished", tags: ["baseline"], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { acc },
 * });
 * const baselines = [run("cqigzoxc", 0.75), run("x8f2k1ab", 0.5)]; // oldest first
 * const [goal] = metricGoals(["acc"]);
 * const aggregates: BaselineAggregate[] = ["best", "mean", "latest"];
 * const values = aggregates.map((aggregate) => baselineValue(baselines, goal, aggregate)?.value);
 * assert.deepEqual(values, [0.75, 0.625, 0.5]);
 * ```
 */
export type BaselineAggregate = "best" | "mean" | "latest" | "production";

/**
 * The baseline value a metric is compared with.
 *
 * @example The best finished baseline, and how many baselines had the metric
 * ```ts
 * import { baselineValue, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { BaselineValue, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, state: string, loss: number): WandbRun => ({
 *   runId, displayName: runId, state, tags: ["baseline"], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { loss },
 * });
 * const baselines = [run("cqigzoxc", "finished", 0.44), run("x8f2k1ab", "finished", 0.41),
 *   run("p0q9r8s7", "running", 0.3)]; // a running baseline is not compared with
 * const best: BaselineValue | undefined = baselineValue(baselines, metricGoals(["loss"])[0], "best");
 * assert.deepEqual(best, { value: 0.41, runId: "x8f2k1ab", runs: 2 });
 * ```
 */
export interface BaselineValue {
  /** The value. */
  value: number;
  /** The baseline run it comes from; absent for `mean`. */
  runId?: string;
  /** How many baseline runs had the metric. */
  runs: number;
}

/**
 * How one candidate's metric compares with the baselines.
 *
 * @example Say how a candidate did against the baseline
 * ```ts
 * import { compareWithBaselines, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { MetricComparison } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const candidate = { runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: { acc: 0.9 } };
 * const baselines = new Map([["acc", { value: 0.75, runId: "cqigzoxc", runs: 1 }]]);
 * const [comparison]: MetricComparison[] = compareWithBaselines(candidate, baselines, metricGoals(["acc"]));
 * const { metric, verdict, relativeDelta } = comparison;
 * assert.equal(`${metric}: ${verdict} by ${(relativeDelta! * 100).toFixed(0)}%`, "acc: better by 20%");
 * ```
 */
export interface MetricComparison {
  /** The metric. */
  metric: string;
  /** Which way it improves. */
  direction: Direction;
  /** The candidate's value, when it is a finite number. */
  candidateValue?: number;
  /** What it is compared with, when any finished baseline has the metric. */
  baseline?: BaselineValue;
  /** Candidate minus baseline. */
  absoluteDelta?: number;
  /** The delta as a fraction of the baseline's magnitude (absent when the baseline is 0). */
  relativeDelta?: number;
  /** `better`, `worse` or `same` in the metric's direction; `unknown` when either value is missing. */
  verdict: "better" | "worse" | "same" | "unknown";
}

/**
 * A run's metric as a finite number, or `undefined` (missing, a string such
 * as W&B's "NaN", an object).
 *
 * @param run The run.
 * @param metric A metric name or dotted path.
 * @returns The number, if there is one.
 */
export function numericMetric(
  run: WandbRun,
  metric: string,
): number | undefined {
  const value = valueAt(run.summary, metric);
  const number = typeof value === "bigint" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number)
    ? number
    : undefined;
}

/**
 * The value candidates are compared with for one metric, over the finished
 * baselines that have it: the best in the metric's direction, the mean, or
 * the latest run's.
 *
 * @example The mean over the finished baselines that have a number
 * ```ts
 * import { baselineValue, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, summary: Record<string, unknown>): WandbRun => ({
 *   runId, displayName: runId, state: "finished", tags: ["baseline"], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary,
 * });
 * const baselines = [run("cqigzoxc", { acc: 0.5 }), run("x8f2k1ab", { acc: 0.75 }),
 *   run("p0q9r8s7", { acc: "NaN" })]; // W&B's "NaN" is not a number
 * const [acc, f1] = metricGoals(["acc", "f1"]);
 * assert.deepEqual(baselineValue(baselines, acc, "mean"), { value: 0.625, runs: 2 });
 * assert.equal(baselineValue(baselines, f1, "best"), undefined); // no baseline has f1
 * ```
 *
 * @param baselines The baseline runs (oldest first).
 * @param goal The metric and its direction.
 * @param aggregate How to pick the value.
 * @param productionRunId The production baseline's run, for the `production` aggregate.
 * @returns The value, or `undefined` when no finished baseline has the metric.
 */
export function baselineValue(
  baselines: readonly WandbRun[],
  goal: MetricGoal,
  aggregate: BaselineAggregate,
  productionRunId?: string,
): BaselineValue | undefined {
  const compared = aggregatedBaselines(baselines, aggregate, productionRunId);
  const values = compared.filter(isFinished).flatMap(
    (run) => {
      const value = numericMetric(run, goal.metric);
      return value === undefined ? [] : [{ value, runId: run.runId }];
    },
  );
  if (values.length === 0) return undefined;
  if (aggregate === "mean") {
    const sum = values.reduce((total, { value }) => total + value, 0);
    return { value: sum / values.length, runs: values.length };
  }
  const chosen = aggregate === "latest" ? values.at(-1)! : values.reduce((
    best,
    next,
  ) => isBetter(next.value, best.value, goal.direction) ? next : best);
  return { ...chosen, runs: values.length };
}

/**
 * The baselines an aggregate draws on: all of them, or the production run
 * alone for the `production` aggregate. The one place that says so, for the
 * comparison, the significance test and the same-data gate.
 *
 * @example
 * ```ts
 * import { aggregatedBaselines } from "./baseline_comparison.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string) => ({ runId, displayName: runId, state: "finished", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {} });
 * const baselines = [run("cqigzoxc"), run("j5x2m8cw")];
 * assert.equal(aggregatedBaselines(baselines, "best").length, 2);
 * assert.deepEqual(aggregatedBaselines(baselines, "production", "j5x2m8cw").map((b) => b.runId), ["j5x2m8cw"]);
 * ```
 *
 * @param baselines Every baseline run.
 * @param aggregate How baselines are aggregated.
 * @param productionRunId The production baseline's run, for the `production` aggregate.
 * @returns The baselines drawn on, in order.
 */
export function aggregatedBaselines(
  baselines: readonly WandbRun[],
  aggregate: BaselineAggregate,
  productionRunId?: string,
): readonly WandbRun[] {
  return aggregate === "production"
    ? baselines.filter((run) => run.runId === productionRunId)
    : baselines;
}

/**
 * Compares one candidate's metrics with the baselines.
 *
 * @example A verdict per metric; `unknown` where no baseline has it
 * ```ts
 * import { baselineValue, compareWithBaselines, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, summary: Record<string, unknown>): WandbRun => ({
 *   runId, displayName: runId, state: "finished", tags: [], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary,
 * });
 * const goals = metricGoals(["loss", "acc"]);
 * const baseline = run("cqigzoxc", { loss: 0.5 });
 * const values = new Map(goals.map((goal) => [goal.metric, baselineValue([baseline], goal, "best")]));
 * const comparisons = compareWithBaselines(run("e6lo523p", { loss: 0.375, acc: 0.8 }), values, goals);
 * assert.deepEqual(comparisons.map((each) => `${each.metric}: ${each.verdict}`), ["loss: better", "acc: unknown"]);
 * assert.equal(comparisons[0].relativeDelta, -0.25);
 * ```
 *
 * @param candidate The candidate run.
 * @param baselines The baseline values per metric, from {@linkcode baselineValue}.
 * @param goals The metrics and their directions.
 * @returns One comparison per metric, in order.
 */
export function compareWithBaselines(
  candidate: WandbRun,
  baselines: ReadonlyMap<string, BaselineValue | undefined>,
  goals: readonly MetricGoal[],
): MetricComparison[] {
  return goals.map(({ metric, direction }) => {
    const candidateValue = numericMetric(candidate, metric);
    const baseline = baselines.get(metric);
    if (candidateValue === undefined || baseline === undefined) {
      return {
        metric,
        direction,
        candidateValue,
        baseline,
        verdict: "unknown",
      };
    }
    const absoluteDelta = candidateValue - baseline.value;
    const relativeDelta = baseline.value === 0
      ? undefined
      : absoluteDelta / Math.abs(baseline.value);
    const verdict = absoluteDelta === 0
      ? "same"
      : isBetter(candidateValue, baseline.value, direction)
      ? "better"
      : "worse";
    return {
      metric,
      direction,
      candidateValue,
      baseline,
      absoluteDelta,
      relativeDelta,
      verdict,
    };
  });
}

function isBetter(value: number, than: number, direction: Direction): boolean {
  return direction === "max" ? value > than : value < than;
}

/** Baseline values per metric and each candidate's comparisons with them. */
export interface RunAnalysis {
  /** The value each metric is compared with (absent when no finished baseline has it). */
  baselineValues: Map<string, BaselineValue | undefined>;
  /** Each candidate's comparisons, by run id. */
  comparisons: Map<string, MetricComparison[]>;
}

/**
 * Compares every candidate with the baselines, metric by metric.
 *
 * @param runs The categorised runs.
 * @param options The metric goals, how to aggregate baselines, and the production baseline's run.
 * @returns Baseline values and comparisons.
 */
export function compareCandidates(
  runs: { candidates: readonly WandbRun[]; baselines: readonly WandbRun[] },
  options: {
    goals: readonly MetricGoal[];
    aggregate: BaselineAggregate;
    productionRunId?: string;
  },
): RunAnalysis {
  const baselineValues = new Map(
    options.goals.map((goal) => [
      goal.metric,
      baselineValue(
        runs.baselines,
        goal,
        options.aggregate,
        options.productionRunId,
      ),
    ]),
  );
  const comparisons = new Map(
    runs.candidates.map((run) => [
      run.runId,
      compareWithBaselines(run, baselineValues, options.goals),
    ]),
  );
  return { baselineValues, comparisons };
}
