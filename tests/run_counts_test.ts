import { makeRun } from "./_helpers.ts";
import assert from "node:assert/strict";
import { categoriseRuns } from "../lib/categorise.ts";
import { countOutputs, countRuns } from "../lib/run_counts.ts";

function run(runId: string, state: string) {
  return makeRun({ runId, state });
}

Deno.test("every W&B state is counted, and a candidate is never also a baseline", () => {
  const candidates = [
    run("a", "finished"),
    run("b", "finished"),
    run("c", "crashed"),
    run("d", "killed"),
    run("e", "aborted"),
    run("f", "failed"),
    run("g", "preempted"),
    run("h", "preempting"),
  ];
  const runs = categoriseRuns(candidates, [
    run("a", "finished"),
    run("z", "running"),
  ]);
  assert.deepEqual(runs.baselines.map((r) => r.runId), ["z"]);
  assert.deepEqual(countOutputs(countRuns(runs)), {
    BOOL_COMPLETE: "False",
    BOOL_SINGLE_RUN: "False",
    NUM_FINISHED: "2",
    NUM_RUNNING: "0",
    NUM_CRASHED: "1",
    NUM_ABORTED: "2",
    NUM_BASELINES: "1",
    NUM_CANDIDATES: "8",
    NUM_FAILED: "1",
    NUM_PENDING: "0",
    NUM_PREEMPTED: "2",
  });
});

Deno.test("BOOL_COMPLETE needs a finished candidate and none running, pending or preempting", async (t) => {
  const complete = (...states: string[]) =>
    countRuns({
      candidates: states.map((state, index) => run(String(index), state)),
      baselines: [],
    }).complete;
  await t.step(
    "finished alone",
    () => assert.equal(complete("finished"), true),
  );
  await t.step(
    "finished and crashed",
    () => assert.equal(complete("finished", "crashed"), true),
  );
  await t.step(
    "finished and preempted",
    () => assert.equal(complete("finished", "preempted"), true),
  );
  await t.step("nothing", () => assert.equal(complete(), false));
  await t.step("only crashed", () => assert.equal(complete("crashed"), false));
  for (const busy of ["running", "pending", "preempting"]) {
    await t.step(
      `finished and ${busy}`,
      () => assert.equal(complete("finished", busy), false),
    );
  }
});

Deno.test("BOOL_SINGLE_RUN counts candidates of any state", () => {
  assert.equal(
    countRuns({
      candidates: [run("a", "crashed")],
      baselines: [run("b", "finished")],
    }).singleRun,
    true,
  );
  assert.equal(
    countRuns({ candidates: [], baselines: [run("b", "finished")] }).singleRun,
    false,
  );
});
