/**
 * The gates on what W&B recorded beyond summaries: did each finished
 * candidate's training curves converge, did it train on the same data as the
 * baseline it is compared with, and did it use the data versions the
 * expected aliases point to now.
 *
 * @module
 */

import type { ArtifactVersion } from "../wandb/artifact.ts";
import { describeVersion } from "../wandb/artifact.ts";
import type { WandbRun } from "../wandb/run.ts";
import { isFinished } from "../wandb/run_state.ts";
import {
  aggregatedBaselines,
  type BaselineAggregate,
  type MetricComparison,
} from "./baseline_comparison.ts";
import { convergenceProblem } from "./convergence.ts";
import { dataInputs, type RunEvidence } from "./evidence.ts";
import type { GateFailure, JudgedCandidate } from "./gates.ts";
import { runLabel } from "./run_label.ts";
import { type Direction, inferDirection } from "./metric_goals.ts";

/** What the evidence gates check. */
export interface EvidenceGateOptions {
  /** History metrics whose curves must converge. */
  convergence: readonly string[];
  /** Fail a candidate whose data (of `evidence.dataTypes`) differs from its compared baseline's. */
  requireSameData: boolean;
}

/**
 * The evidence gates' failures, candidate by candidate: convergence, same
 * data, expected data.
 *
 * @param finished The finished candidates with their comparisons.
 * @param context The baselines, the evidence, the metrics' directions and what to check.
 * @returns The failures, in a stable order.
 */
export function evidenceFailures(
  finished: readonly JudgedCandidate[],
  context: {
    baselines: readonly WandbRun[];
    aggregate: BaselineAggregate;
    evidence: RunEvidence;
    directions: ReadonlyMap<string, Direction>;
    options: EvidenceGateOptions;
  },
): GateFailure[] {
  const { evidence, options } = context;
  return [
    ...options.convergence.flatMap((metric) =>
      finished.flatMap(({ run }) =>
        convergenceFailure(
          run,
          metric,
          context.directions.get(metric) ?? inferDirection(metric),
          evidence,
        )
      )
    ),
    ...options.requireSameData
      ? finished.flatMap((candidate) =>
        sameDataFailures(
          candidate,
          aggregatedBaselines(
            context.baselines,
            context.aggregate,
            evidence.production?.runId,
          ),
          evidence,
        )
      )
      : [],
    ...evidence.expected.flatMap((expected) =>
      finished.flatMap(({ run }) =>
        expectedDataFailure(run, expected, evidence)
      )
    ),
  ];
}

function convergenceFailure(
  run: WandbRun,
  metric: string,
  direction: Direction,
  evidence: RunEvidence,
): GateFailure[] {
  const points = evidence.history.get(run.runId)?.get(metric) ?? [];
  const about = { kind: "convergence", runId: run.runId, metric } as const;
  if (points.length === 0) {
    return [{
      ...about,
      message: `${
        runLabel(run)
      }: logged no history of ${metric}, so its convergence cannot be judged`,
    }];
  }
  const problem = convergenceProblem(points, direction);
  return problem === undefined ? [] : [{
    ...about,
    message: `${runLabel(run)}: ${metric} did not converge: it ${problem}`,
  }];
}

/**
 * The baselines a candidate was compared with: the runs its comparisons name
 * (best, latest, production), or every finished baseline when a comparison
 * used their mean or there is none.
 *
 * @example
 * ```ts
 * import { comparedBaselines } from "./evidence_gates.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string) => ({ runId, displayName: runId, state: "finished", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {} });
 * const baselines = [run("cqigzoxc"), run("p9f3k7ra")];
 * const comparisons = [{ metric: "acc", direction: "max" as const, verdict: "better" as const,
 *   candidateValue: 0.9, baseline: { value: 0.8, runId: "p9f3k7ra", runs: 2 } }];
 * assert.deepEqual(comparedBaselines(comparisons, baselines).map((b) => b.runId), ["p9f3k7ra"]);
 * ```
 *
 * @param comparisons The candidate's comparisons.
 * @param baselines Every baseline run.
 * @returns The compared baselines, in the baselines' order.
 */
export function comparedBaselines(
  comparisons: readonly MetricComparison[],
  baselines: readonly WandbRun[],
): WandbRun[] {
  const finished = baselines.filter(isFinished);
  const named = comparisons.flatMap((comparison) =>
    comparison.baseline === undefined ? [] : [comparison.baseline.runId]
  );
  if (named.length === 0 || named.includes(undefined)) return finished;
  return finished.filter((run) => named.includes(run.runId));
}

function sameDataFailures(
  candidate: JudgedCandidate,
  baselines: readonly WandbRun[],
  evidence: RunEvidence,
): GateFailure[] {
  const { run } = candidate;
  const about = { kind: "same-data", runId: run.runId } as const;
  const types = evidence.dataTypes.join(" or ");
  const compared = comparedBaselines(candidate.comparisons, baselines);
  if (compared.length === 0) {
    return [{
      ...about,
      message: `${
        runLabel(run)
      }: no finished baseline to check its ${types} inputs against`,
    }];
  }
  const own = dataInputs(evidence, run.runId);
  if (own.length === 0) {
    return [{
      ...about,
      message: `${
        runLabel(run)
      }: recorded no ${types} input, so it cannot be shown to use its baseline's data`,
    }];
  }
  return compared.flatMap((baseline) => {
    const theirs = dataInputs(evidence, baseline.runId);
    const difference = dataDifference(own, theirs);
    return difference === undefined ? [] : [{
      ...about,
      message: `${runLabel(run)}: ${
        difference(runLabel(baseline))
      }: a comparison on different data is not evidence`,
    }];
  });
}

/** How two runs' data differ, as a phrase about the baseline; `undefined` when they used the same versions. */
function dataDifference(
  own: readonly ArtifactVersion[],
  theirs: readonly ArtifactVersion[],
): ((baseline: string) => string) | undefined {
  if (theirs.length === 0) {
    return (baseline) => `its baseline ${baseline} recorded no such input`;
  }
  for (const mine of own) {
    if (theirs.some((other) => other.digest === mine.digest)) continue;
    const sameCollection = theirs.find((other) =>
      other.collection === mine.collection && other.type === mine.type
    );
    return sameCollection === undefined
      ? (baseline) =>
        `trained on ${folded(mine.type)} ${
          describeVersion(mine)
        }, which its baseline ${baseline} did not use`
      : (baseline) =>
        `trained on ${folded(mine.type)} ${
          describeVersion(mine)
        } but its baseline ${baseline} used ${describeVersion(sameCollection)}`;
  }
  const missing = theirs.find((other) =>
    !own.some((mine) => mine.digest === other.digest)
  );
  return missing === undefined
    ? undefined
    : (baseline) =>
      `did not use ${folded(missing.type)} ${
        describeVersion(missing)
      }, which its baseline ${baseline} used`;
}

function expectedDataFailure(
  run: WandbRun,
  expected: RunEvidence["expected"][number],
  evidence: RunEvidence,
): GateFailure[] {
  const inputs = evidence.inputs.get(run.runId) ?? [];
  if (inputs.some((input) => input.digest === expected.version.digest)) {
    return [];
  }
  const other = inputs.find((input) =>
    input.collection === expected.version.collection
  );
  const now = `${expected.alias} is ${describeVersion(expected.version)} now`;
  return [{
    kind: "expected-data",
    runId: run.runId,
    message: other === undefined
      ? `${runLabel(run)}: did not use ${expected.alias} (${now})`
      : `${runLabel(run)}: used ${describeVersion(other)} but ${now}`,
  }];
}

/** A version with its short digest: `mnist-train:v3 (6f1e0c2a)`. */
/** W&B's text on one line, as `GATE_FAILURES` holds one failure per line. */
function folded(text: string): string {
  return text.replace(/[\s\u0085]+/g, " ");
}
