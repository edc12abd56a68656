import { InputError } from "../errors.ts";
import type { MetricComparison } from "./baseline_comparison.ts";
import { numericMetric } from "./baseline_comparison.ts";
import { describeStates, type RunCounts } from "./run_counts.ts";
import type { WandbRun } from "../wandb/run.ts";
import { formatNumber, quoteForMessage } from "../_message.ts";

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
  /** Fail unless `BOOL_COMPLETE` would be `True`. */
  requireComplete: boolean;
}

/** One gate that did not pass. */
export interface GateFailure {
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
 * Reads `THRESHOLDS`: `metric>=number` entries separated by commas or
 * newlines (`>=`, `>`, `<=`, `<`, `==`).
 *
 * @example
 * ```ts
 * import { parseThresholds } from "./gates.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseThresholds("val_acc>=0.9, loss<=0.35"), [
 *   { metric: "val_acc", operator: ">=", value: 0.9 },
 *   { metric: "loss", operator: "<=", value: 0.35 },
 * ]);
 * ```
 *
 * @param text The input's text; empty means none.
 * @returns The thresholds.
 */
export function parseThresholds(text: string): Threshold[] {
  return text.split(/[,\r\n]+/).map((entry) => entry.trim()).filter((entry) =>
    entry !== ""
  ).map((entry) => {
    const match = entry.match(/^([^<>=]+?)\s*(>=|<=|==|>|<)\s*(\S+)$/);
    const value = match ? Number(match[3]) : NaN;
    if (!match || !Number.isFinite(value)) {
      throw new InputError(
        "THRESHOLDS",
        `expected entries like "val_acc>=0.9, loss<=0.35", got ${
          quoteForMessage(entry)
        }`,
      );
    }
    return {
      metric: match[1],
      operator: match[2] as Threshold["operator"],
      value,
    };
  });
}

/**
 * Reads `REGRESSION_TOLERANCE`: an absolute amount (`0.01`) or a percentage
 * of the baseline (`2%`); empty means 0.
 *
 * @param text The input's text.
 * @returns The tolerance.
 */
export function parseTolerance(text: string): Tolerance {
  const trimmed = text.trim();
  if (trimmed === "") return { kind: "absolute", value: 0 };
  const percent = trimmed.endsWith("%");
  const value = Number(percent ? trimmed.slice(0, -1) : trimmed);
  if (trimmed === "%" || !Number.isFinite(value) || value < 0) {
    throw new InputError(
      "REGRESSION_TOLERANCE",
      `expected a non-negative number or percentage like 0.01 or 2%, got ${
        quoteForMessage(text)
      }`,
    );
  }
  return percent
    ? { kind: "relative", value: value / 100 }
    : { kind: "absolute", value };
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
  finishedCandidates: readonly {
    run: WandbRun;
    comparisons: readonly MetricComparison[];
  }[],
  context: { counts: RunCounts; options: GateOptions },
): GateResult {
  const { counts, options } = context;
  const failures: GateFailure[] = [];
  const enabled = options.thresholds.length > 0 ||
    options.failOnRegression.length > 0 || options.requireComplete;
  if (options.requireComplete && !counts.complete) {
    failures.push({ message: `REQUIRE_COMPLETE: ${incompleteness(counts)}` });
  }
  const judged = options.thresholds.length > 0 ||
    options.failOnRegression.length > 0;
  if (judged && finishedCandidates.length === 0) {
    failures.push({ message: "no finished candidate run to judge" });
  }
  for (const threshold of options.thresholds) {
    for (const { run } of finishedCandidates) {
      const value = numericMetric(run, threshold.metric);
      const label =
        `${threshold.metric} ${threshold.operator} ${threshold.value}`;
      if (value === undefined) {
        failures.push({
          runId: run.runId,
          metric: threshold.metric,
          message: `${
            runLabel(run)
          }: has no numeric ${threshold.metric} to check ${label}`,
        });
      } else if (!meets(value, threshold)) {
        failures.push({
          runId: run.runId,
          metric: threshold.metric,
          message: `${runLabel(run)}: ${threshold.metric} = ${
            formatNumber(value)
          }, needs ${label}`,
        });
      }
    }
  }
  for (const metric of options.failOnRegression) {
    for (const { run, comparisons } of finishedCandidates) {
      const comparison = comparisons.find((each) => each.metric === metric);
      const failure = regressionFailure(comparison, metric, options.tolerance);
      if (failure !== undefined) {
        failures.push({
          runId: run.runId,
          metric,
          message: `${runLabel(run)}: ${failure}`,
        });
      }
    }
  }
  return { enabled, passed: failures.length === 0, failures };
}

/** Why the candidates are not complete, each state named as it is. */
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
