/** Run states, decided in one module: what is finished, what may change, what counts where. */
import assert from "node:assert/strict";
import {
  allComplete,
  allSettled,
  countStates,
  isFinished,
  isUnsettled,
  STATE_GROUPS,
  UNKNOWN_STATE,
} from "../lib/wandb/run_state.ts";
import { candidatesSettled } from "../lib/wandb/wait_for_runs.ts";
import { countRuns } from "../lib/review/run_counts.ts";
import { makeRun } from "./_helpers.ts";

const W_AND_B_STATES = [
  "running",
  "pending",
  "preempting",
  "finished",
  "crashed",
  "failed",
  "killed",
  "aborted",
  "preempted",
  UNKNOWN_STATE,
];

Deno.test("only finished is finished; running, pending, preempting and unknown may still change", () => {
  const finished = W_AND_B_STATES.filter((state) => isFinished({ state }));
  assert.deepEqual(finished, ["finished"]);
  const unsettled = W_AND_B_STATES.filter((state) => isUnsettled({ state }));
  assert.deepEqual(unsettled, ["running", "pending", "preempting", "unknown"]);
});

Deno.test("every W&B state falls in exactly one count group", () => {
  const grouped = Object.values(STATE_GROUPS).flat();
  assert.deepEqual(grouped.toSorted(), W_AND_B_STATES.toSorted());
  assert.equal(new Set(grouped).size, grouped.length);
  const counts = countStates(W_AND_B_STATES.map((state) => ({ state })));
  assert.deepEqual(counts, {
    finished: 1,
    running: 1,
    crashed: 1,
    aborted: 2,
    failed: 1,
    pending: 1,
    preempted: 2,
    unknown: 1,
  });
  assert.equal(countStates([{ state: "some-new-state" }]).finished, 0);
});

Deno.test("settled needs a candidate and nothing unsettled; complete needs a finished one too", async (t) => {
  const cases: [string[], boolean, boolean][] = [
    [[], false, false],
    [["finished"], true, true],
    [["finished", "killed"], true, true],
    [["crashed"], true, false],
    [["finished", "running"], false, false],
    [["finished", "preempting"], false, false],
    [["finished", UNKNOWN_STATE], false, false],
    [["finished", "preempted"], true, true],
  ];
  for (const [states, settled, complete] of cases) {
    await t.step(states.join(", ") || "none", () => {
      const runs = states.map((state, index) =>
        makeRun({ runId: `run${index}`, state })
      );
      assert.equal(allSettled(runs), settled);
      assert.equal(allComplete(runs), complete);
      // The waiting and the counts ask the same module.
      assert.equal(
        candidatesSettled({ candidates: runs, baselines: [], requests: 1 }),
        settled,
      );
      assert.equal(
        countRuns({ candidates: runs, baselines: [] }).complete,
        complete,
      );
    });
  }
});
