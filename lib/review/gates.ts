import type { MetricComparison } from "./baseline_comparison.ts";
import { numericMetric } from "./baseline_comparison.ts";
import { describeStates, type RunCounts } from "./run_counts.ts";
import type { WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";
import { formatNumber } from "../_message.ts";

/** A bound every finished candidate must meet, e.g. `val_acc>=0.9`. */
export interface Threshold {
  /** The metric. */
  metric: string;
  /** The comparison. */
  operator: ">=" | ">" | "<=" | "<" | "==";
  /** The bound. */
  value: number;
}

/** How much worse than its baseline a candidate may be. */
export interface Tolerance {
  /** `absolute` in the metric's units, or `relative` to the baseline. */
  kind: "absolute" | "relative";
  /** The allowance: a number, or a fraction for `relative` (`2%` is 0.02). */
  value: number;
}

/** What the gates check; every part is optional. */
export interface GateOptions {
  /** Bounds each finished candidate must meet. */
  thresholds: readonly Threshold[];
  /** Metrics in which no finished candidate may be worse than its baseline. */
  failOnRegression: readonly string[];
  /** How much worse counts as a regression. Default: any amount. */
  tolerance: Tolerance;
  /** Fail unless the candidates are complete ({@linkcode RunCounts.complete}). */
  requireComplete: boolean;
}

/**
 * Which gate failed: `complete`, the candidates are not complete;
 * `judged`, no finished candidate to judge; `threshold`, a bound not met;
 * `regression`, worse than the baseline.
 */
export type GateKind = "complete" | "judged" | "threshold" | "regression";

/** One gate that did not pass. */
export interface GateFailure {
  /** Which gate failed. */
  kind: GateKind;
  /** The run it concerns, when it concerns one. */
  runId?: string;
  /** The metric it concerns, when it concerns one. */
  metric?: string;
  /** One readable line. */
  message: string;
}

/** The verdict of all gates. */
export interface GateResult {
  /** Whether any gate was asked for. */
  enabled: boolean;
  /** `true` when no gate failed. */
  passed: boolean;
  /** The failures, in a stable order. */
  failures: GateFailure[];
}

/**
 * Judges the finished candidates (the CSV's candidate rows) against the
 * thresholds and their baselines. A missing metric or baseline is a failure,
 * never a silent pass.
 *
 * @param finishedCandidates The candidates in state `finished`, each with its comparisons.
 * @param context The counts, and what to check.
 * @returns The verdict.
 */
export function evaluateGates(
  finishedCandidates: readonly JudgedCandidate[],
  context: { counts: RunCounts; options: GateOptions },
): GateResult {
  const { counts, options } = context;
  const failures: GateFailure[] = [];
  const judged = options.thresholds.length > 0 ||
    options.failOnRegression.length > 0;
  if (options.requireComplete && !counts.complete) {
    failures.push({ kind: "complete", message: incompleteness(counts) });
  }
  if (judged && finishedCandidates.length === 0) {
    failures.push({
      kind: "judged",
      message: "no finished candidate run to judge",
    });
  }
  failures.push(
    ...thresholdFailures(finishedCandidates, options.thresholds),
    ...regressionFailures(finishedCandidates, options),
  );
  return {
    enabled: judged || options.requireComplete,
    passed: failures.length === 0,
    failures,
  };
}

/** A finished candidate and its comparisons with the baselines. */
export interface JudgedCandidate {
  /** The run. */
  run: WandbRun;
  /** Its comparisons with the baselines, one per compared metric. */
  comparisons: readonly MetricComparison[];
}

/**
 * The candidates the gates judge: the finished ones, each with its
 * comparisons with the baselines (none when it has none).
 *
 * @param candidates Every candidate run.
 * @param comparisons Each candidate's comparisons, by run id (`RunAnalysis.comparisons`).
 * @returns The finished candidates, in order, with their comparisons.
 */
export function judgedCandidates(
  candidates: readonly WandbRun[],
  comparisons: ReadonlyMap<string, readonly MetricComparison[]>,
): JudgedCandidate[] {
  return candidates.filter(isFinished).map((run) => ({
    run,
    comparisons: comparisons.get(run.runId) ?? [],
  }));
}

/** Each threshold's failures, run by run: a missing metric fails too. */
function thresholdFailures(
  finishedCandidates: readonly JudgedCandidate[],
  thresholds: readonly Threshold[],
): GateFailure[] {
  return thresholds.flatMap((threshold) =>
    finishedCandidates.flatMap(({ run }): GateFailure[] => {
      const value = numericMetric(run, threshold.metric);
      const label =
        `${threshold.metric} ${threshold.operator} ${threshold.value}`;
      const about = {
        kind: "threshold",
        runId: run.runId,
        metric: threshold.metric,
      } as const;
      if (value === undefined) {
        return [{
          ...about,
          message: `${
            runLabel(run)
          }: has no numeric ${threshold.metric} to check ${label}`,
        }];
      }
      if (meets(value, threshold)) return [];
      return [{
        ...about,
        message: `${runLabel(run)}: ${threshold.metric} = ${
          formatNumber(value)
        }, needs ${label}`,
      }];
    })
  );
}

/** Each regression metric's failures, run by run. */
function regressionFailures(
  finishedCandidates: readonly JudgedCandidate[],
  options: Pick<GateOptions, "failOnRegression" | "tolerance">,
): GateFailure[] {
  return options.failOnRegression.flatMap((metric) =>
    finishedCandidates.flatMap(({ run, comparisons }): GateFailure[] => {
      const comparison = comparisons.find((each) => each.metric === metric);
      const failure = regressionFailure(comparison, metric, options.tolerance);
      return failure === undefined ? [] : [{
        kind: "regression",
        runId: run.runId,
        metric,
        message: `${runLabel(run)}: ${failure}`,
      }];
    })
  );
}

/** Why the candidates are not complete, each state named as it is: `not complete: 1 running of 2 candidates`. */
function incompleteness(counts: RunCounts): string {
  if (counts.candidates === 0) return "not complete: no candidate run";
  return `not complete: ${
    describeStates(counts).join(", ")
  } of ${counts.candidates} candidate${counts.candidates === 1 ? "" : "s"}`;
}

function regressionFailure(
  comparison: MetricComparison | undefined,
  metric: string,
  tolerance: Tolerance,
): string | undefined {
  if (comparison === undefined) {
    return `${metric} was not compared with the baselines`;
  }
  if (comparison.candidateValue === undefined) {
    return `has no numeric ${metric} to compare with the baseline`;
  }
  if (comparison.baseline === undefined) {
    return `no finished baseline has a numeric ${metric} to compare with`;
  }
  if (comparison.verdict !== "worse") return undefined;
  const worseBy = Math.abs(comparison.absoluteDelta!);
  const allowed = tolerance.kind === "absolute"
    ? tolerance.value
    : tolerance.value * Math.abs(comparison.baseline.value);
  if (worseBy <= allowed) return undefined;
  const allowance = tolerance.kind === "absolute"
    ? `${tolerance.value}`
    : `${tolerance.value * 100}%`;
  return `${metric} = ${
    formatNumber(comparison.candidateValue)
  } is worse than the baseline ${formatNumber(comparison.baseline.value)} by ${
    formatNumber(worseBy)
  } (tolerance ${allowance})`;
}

function meets(value: number, threshold: Threshold): boolean {
  switch (threshold.operator) {
    case ">=":
      return value >= threshold.value;
    case ">":
      return value > threshold.value;
    case "<=":
      return value <= threshold.value;
    case "<":
      return value < threshold.value;
    case "==":
      return value === threshold.value;
  }
}

/**
 * The gate outputs: `BOOL_PASSED` (`True`/`False`) and `GATE_FAILURES` (one
 * failure per line, empty when none).
 *
 * @param result The gates' verdict.
 * @returns Output name to value.
 */
export function gateOutputs(result: GateResult): Record<string, string> {
  return {
    BOOL_PASSED: result.passed ? "True" : "False",
    GATE_FAILURES: result.failures.map((failure) => failure.message).join("\n"),
  };
}

/**
 * A run as failure messages name it: its name folded to one line (so that
 * `GATE_FAILURES` keeps one failure per line), then its id.
 */
function runLabel(run: WandbRun): string {
  return `${run.displayName.replace(/[\s\u0085]+/g, " ")} (${run.runId})`;
}
