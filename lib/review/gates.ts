import type {
  BaselineAggregate,
  MetricComparison,
} from "./baseline_comparison.ts";
import { numericMetric } from "./baseline_comparison.ts";
import { describeStates, type RunCounts } from "./run_counts.ts";
import type { WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";
import { formatNumber } from "../_message.ts";
import { evidenceFailures } from "./evidence_gates.ts";
import { runLabel } from "./run_label.ts";
import { noEvidence, type RunEvidence } from "./evidence.ts";
import type { Direction } from "./metric_goals.ts";
import type { NoiseTest } from "./noise.ts";

/**
 * A bound every finished candidate must meet, e.g. `val_acc>=0.9`.
 *
 * @example A candidate below the bound fails the gate
 * ```ts
 * import { countRuns, evaluateGates } from "@ml-review/wandb-runs/review";
 * import type { Threshold, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run: WandbRun = { runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: { val_acc: 0.87 } };
 * const thresholds: Threshold[] = [{ metric: "val_acc", operator: ">=", value: 0.9 }];
 * const gate = evaluateGates([{ run, comparisons: [] }], {
 *   counts: countRuns({ candidates: [run], baselines: [] }),
 *   options: { thresholds, failOnRegression: [], requireComplete: false,
 *     tolerance: { kind: "absolute", value: 0 } },
 * });
 * assert.equal(gate.failures[0].message,
 *   "dashing-leaf-4 (e6lo523p): val_acc = 0.87, needs val_acc >= 0.9");
 * ```
 */
export interface Threshold {
  /** The metric. */
  metric: string;
  /** The comparison. */
  operator: ">=" | ">" | "<=" | "<" | "==";
  /** The bound. */
  value: number;
}

/**
 * How much worse than its baseline a candidate may be.
 *
 * @example A loss 2% worse than its baseline passes a 5% tolerance, not a 0.005 one
 * ```ts
 * import { compareWithBaselines, countRuns, evaluateGates, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { Tolerance, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run: WandbRun = { runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: { loss: 0.51 } };
 * const baselines = new Map([["loss", { value: 0.5, runs: 1 }]]);
 * const comparisons = compareWithBaselines(run, baselines, metricGoals(["loss"]));
 * const passes = (tolerance: Tolerance) => evaluateGates([{ run, comparisons }], {
 *   counts: countRuns({ candidates: [run], baselines: [] }),
 *   options: { thresholds: [], failOnRegression: ["loss"], tolerance, requireComplete: false },
 * }).passed;
 * assert.equal(passes({ kind: "relative", value: 0.05 }), true);
 * assert.equal(passes({ kind: "absolute", value: 0.005 }), false);
 * ```
 */
export interface Tolerance {
  /** `absolute` in the metric's units, or `relative` to the baseline. */
  kind: "absolute" | "relative";
  /** The allowance: a number, or a fraction for `relative` (`2%` is 0.02). */
  value: number;
}

/**
 * What the gates check; every part is optional.
 *
 * @example Require complete runs and a bound: a running candidate fails both
 * ```ts
 * import { countRuns, evaluateGates, judgedCandidates } from "@ml-review/wandb-runs/review";
 * import type { GateOptions, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run: WandbRun = { runId: "e6lo523p", displayName: "dashing-leaf-4", state: "running",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: { val_acc: 0.95 } };
 * const options: GateOptions = {
 *   thresholds: [{ metric: "val_acc", operator: ">=", value: 0.9 }],
 *   failOnRegression: [],
 *   tolerance: { kind: "relative", value: 0.02 },
 *   requireComplete: true,
 * };
 * const counts = countRuns({ candidates: [run], baselines: [] });
 * const gate = evaluateGates(judgedCandidates([run], new Map()), { counts, options });
 * assert.deepEqual(gate.failures.map((failure) => failure.message), [
 *   "not complete: 1 running of 1 candidate",
 *   "no finished candidate run to judge",
 * ]);
 * ```
 */
export interface GateOptions {
  /** Bounds each finished candidate must meet. */
  thresholds: readonly Threshold[];
  /** Metrics in which no finished candidate may be worse than its baseline. */
  failOnRegression: readonly string[];
  /** How much worse counts as a regression. Default: any amount. */
  tolerance: Tolerance;
  /** Fail unless the candidates are complete ({@linkcode RunCounts.complete}). */
  requireComplete: boolean;
  /**
   * With two or more finished runs on each side, fail a regression metric
   * only when the candidates' mean is worse than the baselines' at this
   * significance level (Welch's t-test); per candidate as without it
   * otherwise.
   */
  significance?: number;
  /** History metrics whose curves must converge. */
  convergence?: readonly string[];
  /** Fail a candidate whose data differs from its compared baseline's. */
  requireSameData?: boolean;
}

/**
 * Which gate failed: `complete`, the candidates are not complete;
 * `judged`, no finished candidate to judge; `threshold`, a bound not met;
 * `regression`, worse than the baseline; `convergence`, a training curve did
 * not converge; `same-data`, trained on other data than the baseline;
 * `expected-data`, did not use the data version an alias points to.
 *
 * @example Advice for each kind of failure
 * ```ts
 * import { countRuns, evaluateGates } from "@ml-review/wandb-runs/review";
 * import type { GateKind } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const advice: Record<GateKind, string> = {
 *   complete: "wait for the runs to finish",
 *   judged: "finish at least one candidate run",
 *   threshold: "improve the metric",
 *   regression: "beat the baseline",
 *   convergence: "train until the curve flattens",
 *   "same-data": "train on the baseline's data",
 *   "expected-data": "train on the expected data version",
 * };
 * const gate = evaluateGates([], {
 *   counts: countRuns({ candidates: [], baselines: [] }),
 *   options: { thresholds: [], failOnRegression: [], requireComplete: true,
 *     tolerance: { kind: "absolute", value: 0 } },
 * });
 * assert.deepEqual(gate.failures.map((failure) => advice[failure.kind]), ["wait for the runs to finish"]);
 * ```
 */
export type GateKind =
  | "complete"
  | "judged"
  | "threshold"
  | "regression"
  | "convergence"
  | "same-data"
  | "expected-data";

/**
 * One gate that did not pass.
 *
 * @example A regression names the run, the metric and by how much
 * ```ts
 * import { compareWithBaselines, countRuns, evaluateGates, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { GateFailure, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run: WandbRun = { runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: { loss: 0.6 } };
 * const baselines = new Map([["loss", { value: 0.5, runs: 1 }]]);
 * const comparisons = compareWithBaselines(run, baselines, metricGoals(["loss"]));
 * const [failure]: GateFailure[] = evaluateGates([{ run, comparisons }], {
 *   counts: countRuns({ candidates: [run], baselines: [] }),
 *   options: { thresholds: [], failOnRegression: ["loss"], requireComplete: false,
 *     tolerance: { kind: "absolute", value: 0 } },
 * }).failures;
 * assert.deepEqual([failure.kind, failure.runId, failure.metric], ["regression", "e6lo523p", "loss"]);
 * assert.equal(failure.message,
 *   "dashing-leaf-4 (e6lo523p): loss = 0.6 is worse than the baseline 0.5 by 0.1 (tolerance 0)");
 * ```
 */
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

/**
 * The verdict of all gates.
 *
 * @example One line for a CI log: no gates, passed, or the failures
 * ```ts
 * import { countRuns, evaluateGates } from "@ml-review/wandb-runs/review";
 * import type { GateOptions, GateResult } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const verdict = (result: GateResult) =>
 *   !result.enabled ? "no gates"
 *   : result.passed ? "passed"
 *   : result.failures.map((failure) => failure.message).join("; ");
 * const counts = countRuns({ candidates: [], baselines: [] });
 * const options: GateOptions = { thresholds: [], failOnRegression: [], requireComplete: false,
 *   tolerance: { kind: "absolute", value: 0 } };
 * assert.equal(verdict(evaluateGates([], { counts, options })), "no gates");
 * const strict = { ...options, requireComplete: true };
 * assert.equal(verdict(evaluateGates([], { counts, options: strict })), "not complete: no candidate run");
 * ```
 */
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
 * @example A candidate that meets its bound but regresses past the tolerance fails
 * ```ts
 * import {
 *   baselineValue, compareWithBaselines, countRuns, evaluateGates, metricGoals,
 * } from "@ml-review/wandb-runs/review";
 * import type { WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, tags: string[], summary: Record<string, unknown>): WandbRun => ({
 *   runId, displayName: runId, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary,
 * });
 * const candidate = run("e6lo523p", [], { acc: 0.93, loss: 0.5 });
 * const baseline = run("cqigzoxc", ["baseline"], { acc: 0.91, loss: 0.4 });
 * const goals = metricGoals(["acc", "loss"]);
 * const values = new Map(goals.map((goal) => [goal.metric, baselineValue([baseline], goal, "best")]));
 * const gate = evaluateGates([{ run: candidate, comparisons: compareWithBaselines(candidate, values, goals) }], {
 *   counts: countRuns({ candidates: [candidate], baselines: [baseline] }),
 *   options: { thresholds: [{ metric: "acc", operator: ">=", value: 0.9 }], failOnRegression: ["acc", "loss"],
 *     tolerance: { kind: "relative", value: 0.1 }, requireComplete: true },
 * });
 * assert.equal(gate.passed, false); // loss is 25% worse than the baseline's 0.4
 * assert.deepEqual(gate.failures.map((failure) => `${failure.kind}: ${failure.metric}`), ["regression: loss"]);
 * ```
 *
 * @param finishedCandidates The candidates in state `finished`, each with its comparisons.
 * @param context The counts, and what to check.
 * @returns The verdict.
 */
export function evaluateGates(
  finishedCandidates: readonly JudgedCandidate[],
  context: {
    counts: RunCounts;
    options: GateOptions;
    /** The significance tests per compared metric, for `options.significance`. */
    noise?: readonly NoiseTest[];
    /** The baselines, how they are compared, the evidence and the directions the evidence gates need. */
    evidence?: {
      baselines: readonly WandbRun[];
      aggregate?: BaselineAggregate;
      records: RunEvidence;
      directions: ReadonlyMap<string, Direction>;
    };
  },
): GateResult {
  const { counts, options } = context;
  const failures: GateFailure[] = [];
  const convergence = options.convergence ?? [];
  const requireSameData = options.requireSameData ?? false;
  const expected = context.evidence?.records.expected ?? [];
  const judged = options.thresholds.length > 0 ||
    options.failOnRegression.length > 0 || convergence.length > 0 ||
    requireSameData || expected.length > 0;
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
    ...regressionFailures(finishedCandidates, options, context.noise ?? []),
  );
  if (
    context.evidence !== undefined || convergence.length > 0 || requireSameData
  ) {
    // Without evidence a curve or a dataset asked for is missing: a failure,
    // never a gate passed unrun.
    const given = context.evidence;
    failures.push(...evidenceFailures(finishedCandidates, {
      baselines: given?.baselines ?? [],
      aggregate: given?.aggregate ?? "best",
      evidence: given?.records ?? noEvidence(),
      directions: given?.directions ?? new Map(),
      options: { convergence, requireSameData },
    }));
  }
  return {
    enabled: judged || options.requireComplete,
    passed: failures.length === 0,
    failures,
  };
}

/**
 * A finished candidate and its comparisons with the baselines.
 *
 * @example Judge a candidate built by hand
 * ```ts
 * import { countRuns, evaluateGates } from "@ml-review/wandb-runs/review";
 * import type { JudgedCandidate, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run: WandbRun = { runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: { acc: 0.8 } };
 * const candidate: JudgedCandidate = {
 *   run,
 *   comparisons: [{ metric: "acc", direction: "max", candidateValue: 0.8, verdict: "unknown" }],
 * };
 * const gate = evaluateGates([candidate], {
 *   counts: countRuns({ candidates: [run], baselines: [] }),
 *   options: { thresholds: [], failOnRegression: ["acc"], requireComplete: false,
 *     tolerance: { kind: "absolute", value: 0 } },
 * });
 * assert.equal(gate.failures[0].message,
 *   "dashing-leaf-4 (e6lo523p): no finished baseline has a numeric acc to compare with");
 * ```
 */
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
 * @example Only the finished candidates are judged
 * ```ts
 * import { compareWithBaselines, judgedCandidates, metricGoals } from "@ml-review/wandb-runs/review";
 * import type { WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, state: string, summary: Record<string, unknown>): WandbRun => ({
 *   runId, displayName: runId, state, tags: [], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary,
 * });
 * const candidates = [run("e6lo523p", "finished", { loss: 0.4 }), run("x8f2k1ab", "crashed", {}),
 *   run("p0q9r8s7", "finished", {})];
 * const baselines = new Map([["loss", { value: 0.5, runs: 1 }]]);
 * const comparisons = new Map([
 *   ["e6lo523p", compareWithBaselines(candidates[0], baselines, metricGoals(["loss"]))],
 * ]);
 * const judged = judgedCandidates(candidates, comparisons);
 * assert.deepEqual(judged.map(({ run }) => run.runId), ["e6lo523p", "p0q9r8s7"]);
 * assert.equal(judged[0].comparisons[0].verdict, "better");
 * assert.deepEqual(judged[1].comparisons, []); // no comparisons given for it
 * ```
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

/**
 * Each regression metric's failures: for the candidates as a group when a
 * significance level is set and the metric could be tested, else run by run.
 */
function regressionFailures(
  finishedCandidates: readonly JudgedCandidate[],
  options: Pick<GateOptions, "failOnRegression" | "tolerance" | "significance">,
  noise: readonly NoiseTest[],
): GateFailure[] {
  return options.failOnRegression.flatMap((metric) => {
    const test = noise.find((each) => each.metric === metric);
    if (options.significance !== undefined && test?.tested) {
      const failure = significantRegression(
        test,
        options.significance,
        options.tolerance,
      );
      // A candidate without the metric is no sample: it fails on its own.
      const missing = finishedCandidates.flatMap(({ run, comparisons }) =>
        comparisons.find((each) => each.metric === metric)?.candidateValue ===
            undefined
          ? [{
            kind: "regression" as const,
            runId: run.runId,
            metric,
            message: `${
              runLabel(run)
            }: has no numeric ${metric} to compare with the baseline`,
          }]
          : []
      );
      return [
        ...failure === undefined || finishedCandidates.length === 0
          ? []
          : [{ kind: "regression" as const, metric, message: failure }],
        ...missing,
      ];
    }
    return finishedCandidates.flatMap(({ run, comparisons }): GateFailure[] => {
      const comparison = comparisons.find((each) => each.metric === metric);
      const failure = regressionFailure(comparison, metric, options.tolerance);
      return failure === undefined ? [] : [{
        kind: "regression",
        runId: run.runId,
        metric,
        message: `${runLabel(run)}: ${failure}`,
      }];
    });
  });
}

/**
 * Why the candidates, as a group, regressed: their mean is worse than the
 * baselines' by more than the tolerance, and the difference is significant
 * at `level`; `undefined` otherwise.
 */
function significantRegression(
  test: Extract<NoiseTest, { tested: true }>,
  level: number,
  tolerance: Tolerance,
): string | undefined {
  const { candidates, baselines, pValue } = test.result;
  const worseBy = Math.abs(candidates.mean - baselines.mean);
  const allowed = allowedChange(tolerance, baselines.mean);
  if (!test.worse || worseBy <= allowed || !(pValue < level)) return undefined;
  return `${test.metric}: the ${candidates.n} candidates' mean ${
    formatNumber(candidates.mean)
  } is worse than the ${baselines.n} baselines' mean ${
    formatNumber(baselines.mean)
  } by ${formatNumber(worseBy)}, more than noise: p ${
    pValue < 0.0001 ? "" : "= "
  }${formatP(pValue)}, below the significance level ${level}`;
}

/**
 * A p-value as the report and messages write it: three significant digits,
 * `< 0.0001` below that.
 *
 * @example
 * ```ts
 * import { formatP } from "./gates.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([formatP(0.012345), formatP(0.00001), formatP(1)], ["0.0123", "< 0.0001", "1"]);
 * ```
 *
 * @param p The p-value.
 * @returns Its text.
 */
export function formatP(p: number): string {
  return p < 0.0001 ? "< 0.0001" : String(Number(p.toPrecision(3)));
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
  const allowed = allowedChange(tolerance, comparison.baseline.value);
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

/** How much worse than `baseline` the tolerance allows. */
function allowedChange(tolerance: Tolerance, baseline: number): number {
  return tolerance.kind === "absolute"
    ? tolerance.value
    : tolerance.value * Math.abs(baseline);
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
