import type { WandbRun } from "../wandb/run.ts";

/** Runs split into the two sets the report compares. */
export interface CategorisedRuns {
  /** The runs under review. */
  candidates: WandbRun[];
  /** The runs they are compared with. */
  baselines: WandbRun[];
}

/** The category written in the CSV's `__eval.category` column. */
export type RunCategory = "candidate" | "baseline";

/**
 * Makes the two sets disjoint: a run that is both a candidate and a baseline
 * (it matches the SHA and carries a baseline tag) is a candidate, once.
 *
 * @example
 * ```ts
 * import { categoriseRuns } from "./categorise.ts";
 * import assert from "node:assert/strict";
 *
 * const run = { runId: "15u8cbod", displayName: "happy-frog-3", state: "finished",
 *   tags: ["baseline"], description: null, createdAt: "2020-01-01T00:00:00.000Z",
 *   config: {}, summary: {} };
 * const { candidates, baselines } = categoriseRuns([run], [run]);
 * assert.equal(candidates.length, 1);
 * assert.equal(baselines.length, 0);
 * ```
 *
 * @param candidates Runs that matched the candidate query.
 * @param baselines Runs that matched the baseline query.
 * @returns Both sets, with no run in both.
 */
export function categoriseRuns(
  candidates: readonly WandbRun[],
  baselines: readonly WandbRun[],
): CategorisedRuns {
  const candidateIds = new Set(candidates.map((run) => run.runId));
  return {
    candidates: [...candidates],
    baselines: baselines.filter((run) => !candidateIds.has(run.runId)),
  };
}
