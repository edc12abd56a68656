/**
 * How gate failures name a run: on one line, with its id.
 *
 * @module
 */

import type { WandbRun } from "../wandb/run.ts";

/**
 * A run as failure messages name it: its name folded to one line (so that
 * `GATE_FAILURES` keeps one failure per line), then its id.
 *
 * @example
 * ```ts
 * import { runLabel } from "./run_label.ts";
 * import assert from "node:assert/strict";
 *
 * const run = { runId: "e6lo523p", displayName: "dashing\nleaf-4", state: "finished", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {} };
 * assert.equal(runLabel(run), "dashing leaf-4 (e6lo523p)");
 * ```
 *
 * @param run The run.
 * @returns Its one-line label.
 */
export function runLabel(run: WandbRun): string {
  return `${run.displayName.replace(/[\s\u0085]+/g, " ")} (${run.runId})`;
}
