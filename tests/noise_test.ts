import assert from "node:assert/strict";
import { makeRun } from "./_helpers.ts";
import type { GateOptions } from "../lib/review/gates.ts";
import { judgeRuns } from "../lib/review/judge_runs.ts";
import { metricGoals } from "../lib/review/metric_goals.ts";
import { welchTest } from "../lib/review/welch_test.ts";

const GATES: GateOptions = {
  thresholds: [],
  failOnRegression: ["loss"],
  tolerance: { kind: "absolute", value: 0 },
  requireComplete: false,
};

/** Finished runs with these losses, candidates or tagged baselines. */
function runs(prefix: string, losses: number[], tags: string[] = []) {
  return losses.map((loss, index) =>
    makeRun({
      runId: `${prefix}${index}`,
      displayName: `${prefix}-${index}`,
      tags,
      summary: { loss },
    })
  );
}

function judge(
  candidateLosses: number[],
  baselineLosses: number[],
  significance?: number,
) {
  return judgeRuns({
    candidates: runs("cand", candidateLosses),
    baselines: runs("base", baselineLosses, ["baseline"]),
  }, {
    goals: metricGoals(["loss"]),
    aggregate: "best",
    gates: { ...GATES, significance },
  });
}

Deno.test("several seeds: is the difference more than noise?", async (t) => {
  await t.step("the groups' statistics are Welch's", () => {
    const [test] = judge([0.41, 0.43, 0.42], [0.39, 0.43], 0.05).noise;
    assert.ok(test.tested);
    const expected = welchTest([0.41, 0.43, 0.42], [0.39, 0.43])!;
    assert.deepEqual(test.result, expected);
    assert.equal(test.result.candidates.n, 3);
    assert.equal(test.result.baselines.n, 2);
    assert.equal(test.worse, true); // mean 0.42 against 0.41: a higher loss is worse
  });

  await t.step(
    "a regression within noise passes with a significance level",
    () => {
      // Every candidate is worse than the best baseline (0.39), but the means hardly differ.
      const without = judge([0.41, 0.43, 0.42], [0.39, 0.43]);
      assert.equal(without.gate.passed, false);
      assert.equal(without.gate.failures.length, 3); // one per candidate, as before
      const withLevel = judge([0.41, 0.43, 0.42], [0.39, 0.43], 0.05);
      assert.equal(withLevel.gate.passed, true);
      assert.deepEqual(withLevel.gate.failures, []);
    },
  );

  await t.step("a significant regression fails once, for the group", () => {
    const judged = judge([0.60, 0.61, 0.62], [0.40, 0.41, 0.42], 0.05);
    assert.equal(judged.gate.passed, false);
    const [failure, ...rest] = judged.gate.failures;
    assert.deepEqual(rest, []);
    assert.equal(failure.kind, "regression");
    assert.equal(failure.runId, undefined);
    assert.equal(failure.metric, "loss");
    assert.match(
      failure.message,
      /^loss: the 3 candidates' mean 0\.61 is worse than the 3 baselines' mean 0\.41 by 0\.2, more than noise: p (= 0\.0\d+|< 0\.0001), below the significance level 0\.05$/,
    );
    const [test] = judged.noise;
    assert.ok(test.tested && test.result.pValue < 0.05);
  });

  await t.step("a significant improvement passes", () => {
    const judged = judge([0.20, 0.21, 0.22], [0.40, 0.41, 0.42], 0.05);
    assert.equal(judged.gate.passed, true);
    const [test] = judged.noise;
    assert.ok(test.tested);
    assert.equal(test.worse, false);
  });

  await t.step(
    "with one run on a side, the gate judges each candidate as before",
    () => {
      const judged = judge([0.60, 0.61], [0.40], 0.05);
      assert.deepEqual(judged.noise, [{
        metric: "loss",
        tested: false,
        reason: "only 1 finished baseline has loss",
      }]);
      assert.equal(judged.gate.failures.length, 2);
      assert.ok(
        judged.gate.failures.every((failure) => failure.runId !== undefined),
      );
    },
  );

  await t.step("unfinished runs and missing values are not samples", () => {
    const judged = judgeRuns({
      candidates: [
        ...runs("cand", [0.5, 0.5]),
        makeRun({ runId: "crashed1", state: "crashed", summary: { loss: 9 } }),
        makeRun({ runId: "nanloss1", summary: { loss: "NaN" } }),
      ],
      baselines: runs("base", [0.4], ["baseline"]),
    }, {
      goals: metricGoals(["loss"]),
      aggregate: "best",
      gates: { ...GATES, significance: 0.05 },
    });
    const [test] = judged.noise;
    assert.deepEqual(test, {
      metric: "loss",
      tested: false,
      reason: "only 1 finished baseline has loss",
    });
  });
});
