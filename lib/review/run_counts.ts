import type { CategorisedRuns } from "./categorise.ts";
import { allComplete, countStates } from "../wandb/run_state.ts";

/**
 * Counts over the runs, as the action's outputs report them.
 *
 * @example A crashed candidate is counted, and does not keep the runs from being complete
 * ```ts
 * import { categoriseRuns, countRuns } from "@ml-review/wandb-runs/review";
 * import type { RunCounts, WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, state: string): WandbRun => ({
 *   runId, displayName: runId, state, tags: [], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {},
 * });
 * const counts: RunCounts = countRuns(categoriseRuns(
 *   [run("e6lo523p", "finished"), run("x8f2k1ab", "crashed")],
 *   [run("cqigzoxc", "finished")],
 * ));
 * assert.equal(`${counts.finished} of ${counts.candidates} finished`, "1 of 2 finished");
 * assert.equal(counts.crashed, 1);
 * assert.equal(counts.baselines, 1);
 * assert.equal(counts.complete, true);
 * ```
 */
export interface RunCounts {
  /**
   * At least one candidate finished and none is running, pending,
   * preempting, or in a state W&B did not give (`unknown`).
   */
  complete: boolean;
  /** Exactly one candidate, whatever its state. */
  singleRun: boolean;
  /** All candidates. */
  candidates: number;
  /** Candidates in state `finished`. */
  finished: number;
  /** Candidates in state `running`. */
  running: number;
  /** Candidates in state `crashed`. */
  crashed: number;
  /** Candidates stopped by their user: `killed` (and a legacy `aborted`). */
  aborted: number;
  /** Candidates in state `failed`. */
  failed: number;
  /** Candidates in state `pending`. */
  pending: number;
  /** Candidates in state `preempting` or `preempted`. */
  preempted: number;
  /** Candidates whose state W&B did not give (a null state, read as `unknown`). */
  unknown: number;
  /** All baselines. */
  baselines: number;
}

/**
 * Counts candidates per state, and baselines. A candidate whose state W&B
 * did not give counts as `unknown`, and keeps the runs from being `complete`:
 * it may not have finished.
 *
 * @example A killed run is `aborted`; one of unknown state keeps the runs from being complete
 * ```ts
 * import { countRuns } from "@ml-review/wandb-runs/review";
 * import type { WandbRun } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const run = (state: string): WandbRun => ({ runId: state, displayName: state, state,
 *   tags: [], description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: {}, summary: {} });
 * const counts = countRuns({ candidates: [run("finished"), run("killed")], baselines: [] });
 * assert.equal(counts.complete, true);
 * assert.equal(counts.aborted, 1);
 *
 * const unsure = countRuns({ candidates: [run("finished"), run("unknown")], baselines: [] });
 * assert.equal(unsure.unknown, 1);
 * assert.equal(unsure.complete, false);
 * ```
 *
 * @param runs The categorised runs.
 * @returns The counts.
 */
export function countRuns(runs: CategorisedRuns): RunCounts {
  return {
    complete: allComplete(runs.candidates),
    singleRun: runs.candidates.length === 1,
    candidates: runs.candidates.length,
    ...countStates(runs.candidates),
    baselines: runs.baselines.length,
  };
}

/**
 * The action's outputs, by name, in the original's order followed by the new
 * ones. Booleans are `True`/`False` as the original wrote them.
 *
 * @param counts The counts from {@linkcode countRuns}.
 * @returns Output name to value.
 */
export function countsAsOutputs(counts: RunCounts): Record<string, string> {
  const bool = (value: boolean) => value ? "True" : "False";
  return {
    BOOL_COMPLETE: bool(counts.complete),
    BOOL_SINGLE_RUN: bool(counts.singleRun),
    NUM_FINISHED: String(counts.finished),
    NUM_RUNNING: String(counts.running),
    NUM_CRASHED: String(counts.crashed),
    NUM_ABORTED: String(counts.aborted),
    NUM_BASELINES: String(counts.baselines),
    NUM_CANDIDATES: String(counts.candidates),
    NUM_FAILED: String(counts.failed),
    NUM_PENDING: String(counts.pending),
    NUM_PREEMPTED: String(counts.preempted),
    NUM_UNKNOWN: String(counts.unknown),
  };
}

/**
 * The candidates' states as people read them, leaving out states no
 * candidate is in: `["2 finished", "1 running", "1 preempted"]`
 * (`preempted` counts `preempting` too, as `NUM_PREEMPTED` does).
 *
 * @param counts The counts from {@linkcode countRuns}.
 * @returns One `<count> <state>` entry per state with candidates.
 */
export function describeStates(counts: RunCounts): string[] {
  const states: [string, number][] = [
    ["finished", counts.finished],
    ["running", counts.running],
    ["pending", counts.pending],
    ["crashed", counts.crashed],
    ["failed", counts.failed],
    ["killed", counts.aborted],
    ["preempted", counts.preempted],
    ["of unknown state", counts.unknown],
  ];
  return states.filter(([, count]) => count !== 0).map(([state, count]) =>
    `${count} ${state}`
  );
}
