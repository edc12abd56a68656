/**
 * Is the difference between the candidates and the baselines more than
 * noise? With two or more finished runs on each side (several seeds of one
 * change), each compared metric gets Welch's two-sample t-test; with fewer,
 * a reason why no test was possible.
 *
 * @module
 */

import type { WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";
import {
  aggregatedBaselines,
  type BaselineAggregate,
  numericMetric,
} from "./baseline_comparison.ts";
import type { MetricGoal } from "./metric_goals.ts";
import { type WelchResult, welchTest } from "./welch_test.ts";

/**
 * A metric's test, or why none was possible.
 *
 * @example Say what a review's tests found
 * ```ts
 * import type { NoiseTest } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const say = (test: NoiseTest) =>
 *   test.tested ? `${test.metric}: p = ${test.result.pValue.toFixed(3)}` : `${test.metric}: ${test.reason}`;
 * assert.equal(say({ metric: "loss", tested: false, reason: "only 1 finished baseline has loss" }),
 *   "loss: only 1 finished baseline has loss");
 * ```
 */
export type NoiseTest =
  | {
    /** The metric. */
    metric: string;
    /** Whether a test was possible. */
    tested: true;
    /** The groups' statistics, the t statistic, its degrees of freedom and the two-sided p-value. */
    result: WelchResult;
    /** Whether the candidates' mean is worse than the baselines' in the metric's direction. */
    worse: boolean;
  }
  | {
    /** The metric. */
    metric: string;
    /** Whether a test was possible. */
    tested: false;
    /** Why not, e.g. `only 1 finished baseline has val_loss`. */
    reason: string;
  };

/**
 * Tests each compared metric: the finished candidates against the finished
 * baselines that have it (against the production run alone with the
 * `production` aggregate, which is then one run and never tested).
 *
 * @example Three seeds against two
 * ```ts
 * import { noiseTests } from "./noise.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, loss: number) => ({ runId, displayName: runId, state: "finished",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { loss } });
 * const [test] = noiseTests(
 *   { candidates: [run("a", 0.40), run("b", 0.42), run("c", 0.41)], baselines: [run("x", 0.50), run("y", 0.52)] },
 *   [{ metric: "loss", direction: "min", inferred: true }],
 *   { aggregate: "best" },
 * );
 * assert.ok(test.tested);
 * assert.equal(test.worse, false);
 * assert.ok(test.result.pValue < 0.05);
 * ```
 *
 * @param runs The candidates and baselines.
 * @param goals The compared metrics and their directions.
 * @param options The aggregate, and the production run when there is one.
 * @returns One test or reason per metric, in order.
 */
export function noiseTests(
  runs: { candidates: readonly WandbRun[]; baselines: readonly WandbRun[] },
  goals: readonly MetricGoal[],
  options: { aggregate: BaselineAggregate; productionRunId?: string },
): NoiseTest[] {
  const baselines = aggregatedBaselines(
    runs.baselines,
    options.aggregate,
    options.productionRunId,
  );
  return goals.map(({ metric, direction }): NoiseTest => {
    const candidateValues = values(runs.candidates, metric);
    const baselineValues = values(baselines, metric);
    const short = [
      [candidateValues.length, "candidate"] as const,
      [baselineValues.length, "baseline"] as const,
    ].find(([count]) => count < 2);
    if (short !== undefined) {
      const [count, side] = short;
      return {
        metric,
        tested: false,
        reason: options.aggregate === "production" && side === "baseline" &&
            count === 1
          ? "the production baseline is one run"
          : `${count === 0 ? "no" : `only ${count}`} finished ${side}${
            count === 1 ? "" : "s"
          } ${count === 1 ? "has" : "have"} ${metric}`,
      };
    }
    const result = welchTest(candidateValues, baselineValues);
    if (result === undefined) {
      return { metric, tested: false, reason: "values too large to test" };
    }
    if (result.candidates.sd === 0 && result.baselines.sd === 0) {
      // Equal values on each side (a quantised accuracy, two seeds) say
      // nothing of the noise: no certainty can come from them.
      return {
        metric,
        tested: false,
        reason:
          "no spread on either side: every run of each has the same value",
      };
    }
    const difference = result.candidates.mean - result.baselines.mean;
    return {
      metric,
      tested: true,
      result,
      worse: direction === "max" ? difference < 0 : difference > 0,
    };
  });
}

function values(runs: readonly WandbRun[], metric: string): number[] {
  return runs.filter(isFinished).flatMap((run) => {
    const value = numericMetric(run, metric);
    return value === undefined ? [] : [value];
  });
}
