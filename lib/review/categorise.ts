import type { WandbRun } from "../wandb/run.ts";

/**
 * Runs split into the two sets the report compares.
 *
 * @example Count runs split by hand
 * ```ts
 * import { countRuns } from "@ml-review/wandb-runs/review";
 * import type { CategorisedRuns } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = { runId: "e6lo523p", displayName: "dashing-leaf-4", state: "running",
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: {} };
 * const runs: CategorisedRuns = { candidates: [run], baselines: [] };
 * const counts = countRuns(runs);
 * assert.equal(counts.running, 1);
 * assert.equal(counts.complete, false);
 * ```
 */
export interface CategorisedRuns {
  /** The runs under review. */
  candidates: WandbRun[];
  /** The runs they are compared with. */
  baselines: WandbRun[];
}

/**
 * The category written in the CSV's `__eval.category` column.
 *
 * @example Label each run with its category
 * ```ts
 * import { categoriseRuns } from "@ml-review/wandb-runs/review";
 * import type { RunCategory, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, tags: string[]): WandbRun => ({
 *   runId, displayName: runId, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {},
 * });
 * const runs = categoriseRuns([run("e6lo523p", [])], [run("cqigzoxc", ["baseline"])]);
 * const categories = new Map<string, RunCategory>([
 *   ...runs.candidates.map((run) => [run.runId, "candidate"] as const),
 *   ...runs.baselines.map((run) => [run.runId, "baseline"] as const),
 * ]);
 * assert.equal(categories.get("e6lo523p"), "candidate");
 * assert.equal(categories.get("cqigzoxc"), "baseline");
 * ```
 */
export type RunCategory = "candidate" | "baseline";

/**
 * Makes the two sets disjoint: a run that is both a candidate and a baseline
 * (it matches the SHA and carries a baseline tag) is a candidate, once.
 *
 * @example A run that matches both queries is a candidate
 * ```ts
 * import { categoriseRuns } from "@ml-review/wandb-runs/review";
 * import type { WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, tags: string[]): WandbRun => ({
 *   runId, displayName: runId, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {},
 * });
 * const both = run("15u8cbod", ["baseline"]);
 * const { candidates, baselines } = categoriseRuns([both], [both, run("cqigzoxc", ["baseline"])]);
 * assert.deepEqual(candidates.map((run) => run.runId), ["15u8cbod"]);
 * assert.deepEqual(baselines.map((run) => run.runId), ["cqigzoxc"]);
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
