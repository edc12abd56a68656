import { makeRun } from "./_helpers.ts";
import type { WandbRun } from "../lib/wandb/run.ts";
import assert from "node:assert/strict";
import { compareCandidates } from "../lib/review/baseline_comparison.ts";
import { InputError } from "../lib/errors.ts";
import {
  evaluateGates,
  type GateOptions,
  judgedCandidates,
} from "../lib/review/gates.ts";
import { inferDirection, metricGoals } from "../lib/review/metric_goals.ts";
import { countRuns } from "../lib/review/run_counts.ts";
import {
  checkGoalsNamed,
  parseMetricGoals,
  parseThresholds,
  parseTolerance,
} from "../lib/action/parse_review.ts";
import { nameGateInputs } from "../lib/action/input_messages.ts";

function run(
  runId: string,
  state: string,
  summary: Record<string, unknown>,
) {
  return makeRun({ runId, state, summary });
}

const NONE: GateOptions = {
  thresholds: [],
  failOnRegression: [],
  tolerance: { kind: "absolute", value: 0 },
  requireComplete: false,
};

function judge(
  candidates: WandbRun[],
  baselines: WandbRun[],
  options: Partial<GateOptions>,
  metrics = ["acc", "loss"],
) {
  const runs = { candidates, baselines };
  const analysis = compareCandidates(runs, {
    goals: metricGoals(metrics),
    aggregate: "best",
  });
  return evaluateGates(
    judgedCandidates(candidates, analysis.comparisons),
    { counts: countRuns(runs), options: { ...NONE, ...options } },
  );
}

Deno.test("directions are inferred from the name, or given", () => {
  for (
    const name of [
      "loss",
      "val_loss",
      "eval/rmse",
      "train.error",
      "wer",
      "latency_ms",
      "runtime",
      "logloss",
      "val-perplexity",
    ]
  ) {
    assert.equal(inferDirection(name), "min", name);
  }
  for (const name of ["acc", "val_acc", "f1", "eval.f1", "auc", "bleu"]) {
    assert.equal(inferDirection(name), "max", name);
  }
  const goals = metricGoals(
    ["acc", "loss", "speed"],
    parseMetricGoals("loss:max\nspeed : MIN"),
  );
  assert.deepEqual(goals, [
    { metric: "acc", direction: "max", inferred: true },
    { metric: "loss", direction: "max", inferred: false },
    { metric: "speed", direction: "min", inferred: false },
  ]);
  assert.throws(
    () => parseMetricGoals("acc:up"),
    (error: unknown) =>
      error instanceof InputError && error.input === "METRIC_GOALS",
  );
  assert.throws(
    () => metricGoals(["acc"], parseMetricGoals("f1:max")),
    (error: unknown) =>
      error instanceof RangeError &&
      error.message ===
        'Cannot give metric "f1" a direction: it is not one of the metrics',
  );
  assert.throws(
    () => checkGoalsNamed(parseMetricGoals("f1:max"), ["acc"]),
    (error: unknown) =>
      error instanceof InputError &&
      error.message ===
        'METRIC_GOALS: "f1" is not one of DISPLAY_METRICS; add it there first',
  );
  checkGoalsNamed(parseMetricGoals("acc:min"), ["acc"]);
});

Deno.test("THRESHOLDS and REGRESSION_TOLERANCE are parsed or refused", () => {
  assert.deepEqual(parseThresholds("a>1\nb<2, c==3, val/acc >= 0.9"), [
    { metric: "a", operator: ">", value: 1 },
    { metric: "b", operator: "<", value: 2 },
    { metric: "c", operator: "==", value: 3 },
    { metric: "val/acc", operator: ">=", value: 0.9 },
  ]);
  assert.deepEqual(parseThresholds(""), []);
  for (const bad of ["acc", "acc>=high", "acc=>0.9", ">=0.9"]) {
    assert.throws(
      () => parseThresholds(bad),
      /^InputError: THRESHOLDS: expected entries like/,
      bad,
    );
  }
  assert.deepEqual(parseTolerance(""), { kind: "absolute", value: 0 });
  assert.deepEqual(parseTolerance("0.01"), { kind: "absolute", value: 0.01 });
  assert.deepEqual(parseTolerance("2%"), { kind: "relative", value: 0.02 });
  for (const bad of ["%", "-1", "two", "2%%"]) {
    assert.throws(() => parseTolerance(bad), /REGRESSION_TOLERANCE/, bad);
  }
});

Deno.test("thresholds judge every finished candidate, and only those", () => {
  const result = judge(
    [
      run("a", "finished", { acc: 0.95 }),
      run("b", "finished", { acc: 0.85 }),
      run("c", "running", { acc: 0.1 }),
    ],
    [],
    { thresholds: parseThresholds("acc>=0.9") },
  );
  assert.equal(result.passed, false);
  assert.deepEqual(
    result.failures.map((failure) => [failure.runId, failure.message]),
    [
      ["b", "b (b): acc = 0.85, needs acc >= 0.9"],
    ],
  );
  assert.equal(
    judge([run("a", "finished", { acc: 0.95 })], [], {
      thresholds: parseThresholds("acc>=0.9"),
    }).passed,
    true,
  );
});

Deno.test("a metric that is missing is a failure, not a pass", () => {
  const result = judge([run("a", "finished", { acc: 0.95 })], [], {
    thresholds: parseThresholds("f1>=0.5"),
  });
  assert.deepEqual(result.failures.map((failure) => failure.message), [
    "a (a): has no numeric f1 to check f1 >= 0.5",
  ]);
});

Deno.test("regressions beyond the tolerance fail, in the metric's direction", async (t) => {
  const baselines = [run("base", "finished", { acc: 0.9, loss: 0.4 })];
  const candidate = run("cand", "finished", { acc: 0.89, loss: 0.41 });
  await t.step("any amount by default", () => {
    const result = judge([candidate], baselines, {
      failOnRegression: ["acc", "loss"],
    });
    assert.deepEqual(result.failures.map((failure) => failure.metric), [
      "acc",
      "loss",
    ]);
  });
  await t.step("within an absolute tolerance", () => {
    assert.equal(
      judge([candidate], baselines, {
        failOnRegression: ["acc", "loss"],
        tolerance: parseTolerance("0.011"),
      }).passed,
      true,
    );
  });
  await t.step("relative tolerance is of the baseline", () => {
    const result = judge([candidate], baselines, {
      failOnRegression: ["acc", "loss"],
      tolerance: parseTolerance("2%"),
    });
    assert.deepEqual(result.failures.map((failure) => failure.metric), [
      "loss",
    ]);
  });
  await t.step("better is never a regression", () => {
    assert.equal(
      judge([run("cand", "finished", { acc: 0.95, loss: 0.3 })], baselines, {
        failOnRegression: ["acc", "loss"],
      }).passed,
      true,
    );
  });
  await t.step("no baseline with the metric is a failure", () => {
    const result = judge([candidate], [], { failOnRegression: ["acc"] });
    assert.deepEqual(result.failures.map((failure) => failure.message), [
      "cand (cand): no finished baseline has a numeric acc to compare with",
    ]);
  });
  await t.step("a metric with no comparison fails, naming it", () => {
    const result = judge([candidate], baselines, { failOnRegression: ["f1"] });
    assert.match(
      result.failures[0].message,
      /f1 was not compared with the baselines/,
    );
  });
});

Deno.test("REQUIRE_COMPLETE names each state as it is: preempted runs are not still running", () => {
  const preempted = judge(
    [
      run("a", "preempted", {}),
      run("b", "crashed", {}),
      run("c", "unknown", {}),
    ],
    [],
    { requireComplete: true },
  );
  assert.deepEqual(preempted.failures, [{
    kind: "complete",
    message:
      "not complete: 1 crashed, 1 preempted, 1 of unknown state of 3 candidates",
  }]);
  assert.deepEqual(
    nameGateInputs(preempted).failures.map((failure) => failure.message),
    [
      "REQUIRE_COMPLETE: not complete: 1 crashed, 1 preempted, 1 of unknown state of 3 candidates",
    ],
  );
  assert.deepEqual(
    nameGateInputs(judge([], [], { requireComplete: true })).failures.map((
      failure,
    ) => failure.message),
    ["REQUIRE_COMPLETE: not complete: no candidate run"],
  );
});

Deno.test("the action names only the REQUIRE_COMPLETE failure's input; run failures keep their message", () => {
  const verdict = judge(
    [run("a", "finished", { acc: 0.5 }), run("b", "running", {})],
    [],
    { requireComplete: true, thresholds: parseThresholds("acc>=0.9") },
  );
  assert.deepEqual(verdict.failures.map((failure) => failure.kind), [
    "complete",
    "threshold",
  ]);
  assert.deepEqual(nameGateInputs(verdict), {
    enabled: true,
    passed: false,
    failures: [
      {
        kind: "complete",
        message:
          "REQUIRE_COMPLETE: not complete: 1 finished, 1 running of 2 candidates",
      },
      verdict.failures[1],
    ],
  });
});

Deno.test("REQUIRE_COMPLETE fails while a candidate is running, and with nothing finished", () => {
  const running = judge(
    [run("a", "finished", { acc: 1 }), run("b", "running", {})],
    [],
    { requireComplete: true },
  );
  assert.equal(running.passed, false);
  assert.equal(
    nameGateInputs(running).failures[0].message,
    "REQUIRE_COMPLETE: not complete: 1 finished, 1 running of 2 candidates",
  );
  assert.equal(
    judge([run("a", "finished", { acc: 1 })], [], { requireComplete: true })
      .passed,
    true,
  );
  const none = judge([], [], { thresholds: parseThresholds("acc>=0.5") });
  assert.deepEqual(none.failures.map((failure) => failure.message), [
    "no finished candidate run to judge",
  ]);
  assert.deepEqual(judge([], [], {}), {
    enabled: false,
    passed: true,
    failures: [],
  });
});
