import { makeRun } from "./_helpers.ts";
import assert from "node:assert/strict";
import { categoriseRuns } from "../lib/review/categorise.ts";
import { countRuns, countsAsOutputs } from "../lib/review/run_counts.ts";

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
    run("i", "unknown"),
  ];
  const runs = categoriseRuns(candidates, [
    run("a", "finished"),
    run("z", "running"),
  ]);
  assert.deepEqual(runs.baselines.map((r) => r.runId), ["z"]);
  assert.deepEqual(countsAsOutputs(countRuns(runs)), {
    BOOL_COMPLETE: "False",
    BOOL_SINGLE_RUN: "False",
    NUM_FINISHED: "2",
    NUM_RUNNING: "0",
    NUM_CRASHED: "1",
    NUM_ABORTED: "2",
    NUM_BASELINES: "1",
    NUM_CANDIDATES: "9",
    NUM_FAILED: "1",
    NUM_PENDING: "0",
    NUM_PREEMPTED: "2",
    NUM_UNKNOWN: "1",
  });
});

Deno.test("NUM_UNKNOWN counts candidates whose state W&B did not give, and comes right after NUM_PREEMPTED", () => {
  const outputs = countsAsOutputs(countRuns({
    candidates: [
      run("a", "finished"),
      run("b", "unknown"),
      run("c", "unknown"),
    ],
    baselines: [run("z", "unknown")],
  }));
  assert.equal(outputs.NUM_UNKNOWN, "2", "baselines are not counted");
  assert.deepEqual(Object.keys(outputs), [
    "BOOL_COMPLETE",
    "BOOL_SINGLE_RUN",
    "NUM_FINISHED",
    "NUM_RUNNING",
    "NUM_CRASHED",
    "NUM_ABORTED",
    "NUM_BASELINES",
    "NUM_CANDIDATES",
    "NUM_FAILED",
    "NUM_PENDING",
    "NUM_PREEMPTED",
    "NUM_UNKNOWN",
  ]);
});

Deno.test("BOOL_COMPLETE needs a finished candidate and none running, pending, preempting or unknown", async (t) => {
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
  await t.step("only unknown", () => assert.equal(complete("unknown"), false));
  for (const busy of ["running", "pending", "preempting", "unknown"]) {
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
