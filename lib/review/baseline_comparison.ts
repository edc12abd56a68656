import type { Direction, MetricGoal } from "./metric_goals.ts";
import { lookUp, type WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";

/** Which baseline value a candidate is compared with, per metric. */
export type BaselineAggregate = "best" | "mean" | "latest";

/** The baseline value a metric is compared with. */
export interface BaselineValue {
  /** The value. */
  value: number;
  /** The baseline run it comes from; absent for `mean`. */
  runId?: string;
  /** How many baseline runs had the metric. */
  runs: number;
}

/** How one candidate's metric compares with the baselines. */
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
  const value = lookUp(run.summary, metric);
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
 * @param baselines The baseline runs (oldest first).
 * @param goal The metric and its direction.
 * @param aggregate How to pick the value.
 * @returns The value, or `undefined` when no finished baseline has the metric.
 */
export function baselineValue(
  baselines: readonly WandbRun[],
  goal: MetricGoal,
  aggregate: BaselineAggregate,
): BaselineValue | undefined {
  const values = baselines.filter(isFinished).flatMap(
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
 * Compares one candidate's metrics with the baselines.
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
 * @param options The metric goals and how to aggregate baselines.
 * @returns Baseline values and comparisons.
 */
export function analyseRuns(
  runs: { candidates: readonly WandbRun[]; baselines: readonly WandbRun[] },
  options: { goals: readonly MetricGoal[]; aggregate: BaselineAggregate },
): RunAnalysis {
  const baselineValues = new Map(
    options.goals.map((goal) => [
      goal.metric,
      baselineValue(runs.baselines, goal, options.aggregate),
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
