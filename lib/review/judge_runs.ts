import {
  type BaselineAggregate,
  compareCandidates,
  type RunAnalysis,
} from "./baseline_comparison.ts";
import { type CategorisedRuns, categoriseRuns } from "./categorise.ts";
import {
  evaluateGates,
  type GateOptions,
  type GateResult,
  judgedCandidates,
} from "./gates.ts";
import type { MetricGoal } from "./metric_goals.ts";
import type { RunEvidence } from "./evidence.ts";
import { type NoiseTest, noiseTests } from "./noise.ts";
import { countRuns, type RunCounts } from "./run_counts.ts";
import type { WandbRun } from "../wandb/run.ts";

/** The runs W&B returned, judged: what every report is made from. */
export interface JudgedRuns {
  /** The runs, categorised: no run is both a candidate and a baseline. */
  runs: CategorisedRuns;
  /** The candidates per state, and the baselines. */
  counts: RunCounts;
  /** The value each metric is compared with, and each candidate's comparisons. */
  analysis: RunAnalysis;
  /** The gates' verdict. */
  gate: GateResult;
  /** Per compared metric, whether the difference is more than noise (or why it could not be tested); none without a significance level. */
  noise: NoiseTest[];
}

/** How {@linkcode judgeRuns} judges. */
export interface JudgeOptions {
  /** Every metric compared with the baselines, with its direction. */
  goals: readonly MetricGoal[];
  /** Which baseline value a candidate is compared with. */
  aggregate: BaselineAggregate;
  /** What the gates check. */
  gates: GateOptions;
  /** What W&B recorded beyond summaries: production baseline, curves, data. */
  evidence?: RunEvidence;
}

/**
 * The review's one chain, used by the library's `reviewRuns` and by the
 * action alike: categorise the runs, count them, compare each candidate with
 * the baselines, and judge the gates on the finished candidates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeRuns } from "./judge_runs.ts";
 *
 * const run = (runId: string, acc: number, tags: string[] = []) => ({
 *   runId, displayName: runId, state: "finished", tags, description: null,
 *   createdAt: "2026-01-01T00:00:00.000Z", config: {}, summary: { acc },
 * });
 * const judged = judgeRuns({
 *   candidates: [run("cand0001", 0.91)],
 *   baselines: [run("base0001", 0.93, ["baseline"])],
 * }, {
 *   goals: [{ metric: "acc", direction: "max", inferred: false }],
 *   aggregate: "best",
 *   gates: {
 *     thresholds: [],
 *     failOnRegression: ["acc"],
 *     tolerance: { kind: "absolute", value: 0 },
 *     requireComplete: false,
 *   },
 * });
 * assert.equal(judged.counts.finished, 1);
 * assert.equal(judged.analysis.comparisons.get("cand0001")?.[0].verdict, "worse");
 * assert.equal(judged.gate.passed, false);
 * ```
 *
 * @param fetched The candidate and baseline runs W&B returned.
 * @param options The metric goals, the baseline aggregate and the gates.
 * @returns The categorised runs, their counts, comparisons and the verdict.
 */
export function judgeRuns(
  fetched: {
    candidates: readonly WandbRun[];
    baselines: readonly WandbRun[];
  },
  options: JudgeOptions,
): JudgedRuns {
  const runs = categoriseRuns(fetched.candidates, fetched.baselines);
  const counts = countRuns(runs);
  const productionRunId = options.evidence?.production?.runId;
  const analysis = compareCandidates(runs, { ...options, productionRunId });
  // Tested only when a significance level is asked for: nothing else reads it.
  const noise = options.gates.significance === undefined
    ? []
    : noiseTests(runs, options.goals, {
      aggregate: options.aggregate,
      productionRunId,
    });
  const gate = evaluateGates(
    judgedCandidates(runs.candidates, analysis.comparisons),
    {
      counts,
      options: options.gates,
      noise,
      evidence: options.evidence === undefined ? undefined : {
        baselines: runs.baselines,
        aggregate: options.aggregate,
        records: options.evidence,
        directions: new Map(
          options.goals.map((goal) => [goal.metric, goal.direction]),
        ),
      },
    },
  );
  return { runs, counts, analysis, gate, noise };
}

/**
 * The summary metrics {@linkcode judgeRuns} needs of each run: every
 * compared metric, then any other a threshold names (gates may name metrics
 * that are not shown).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricsToFetch } from "./judge_runs.ts";
 *
 * assert.deepEqual(metricsToFetch({
 *   goals: [{ metric: "acc", direction: "max", inferred: true }],
 *   gates: { thresholds: [{ metric: "loss", operator: "<=", value: 0.3 }, { metric: "acc", operator: ">=", value: 0.9 }] },
 * }), ["acc", "loss"]);
 * ```
 *
 * @param options The compared goals and the gates.
 * @returns Each metric once, in order of first need.
 */
export function metricsToFetch(
  options: {
    goals: readonly MetricGoal[];
    gates: Pick<GateOptions, "thresholds">;
  },
): string[] {
  return [
    ...new Set([
      ...options.goals.map((goal) => goal.metric),
      ...options.gates.thresholds.map((threshold) => threshold.metric),
    ]),
  ];
}
