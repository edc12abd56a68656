import assert from "node:assert/strict";
import { makeRun } from "./_helpers.ts";
import type { WandbRun } from "../lib/wandb/run.ts";
import type { ArtifactVersion } from "../lib/wandb/artifact.ts";
import { compareCandidates } from "../lib/review/baseline_comparison.ts";
import {
  evaluateGates,
  type GateOptions,
  judgedCandidates,
} from "../lib/review/gates.ts";
import { metricGoals } from "../lib/review/metric_goals.ts";
import { countRuns } from "../lib/review/run_counts.ts";
import { noEvidence, type RunEvidence } from "../lib/review/evidence.ts";
import { judgeRuns } from "../lib/review/judge_runs.ts";
import type { HistoryPoint } from "../lib/wandb/sampled_history.ts";

const NONE: GateOptions = {
  thresholds: [],
  failOnRegression: [],
  tolerance: { kind: "absolute", value: 0 },
  requireComplete: false,
};

const candidate = makeRun({
  runId: "cand0001",
  displayName: "dashing-leaf-4",
  summary: { loss: 0.3, acc: 0.9 },
});
const baseline = makeRun({
  runId: "base0001",
  displayName: "dandy-river-1",
  tags: ["baseline"],
  summary: { loss: 0.4, acc: 0.85 },
});

function dataset(
  collection: string,
  versionIndex: number,
  digest: string,
  type = "dataset",
): ArtifactVersion {
  return { collection, versionIndex, type, digest };
}

function judge(
  evidence: RunEvidence,
  options: Partial<GateOptions>,
  runs: { candidates: WandbRun[]; baselines: WandbRun[] } = {
    candidates: [candidate],
    baselines: [baseline],
  },
) {
  const analysis = compareCandidates(runs, {
    goals: metricGoals(["loss"]),
    aggregate: "best",
  });
  return evaluateGates(
    judgedCandidates(runs.candidates, analysis.comparisons),
    {
      counts: countRuns(runs),
      options: { ...NONE, ...options },
      evidence: {
        baselines: runs.baselines,
        records: evidence,
        directions: new Map([["loss", "min" as const]]),
      },
    },
  );
}

/** A loss that falls from 2 to a floor of 0.3 over `steps` steps. */
function fallingCurve(steps = 60): HistoryPoint[] {
  return Array.from({ length: steps }, (_, step) => ({
    step,
    value: 0.3 + 1.7 * Math.exp(-step / 6),
  }));
}

Deno.test("the convergence gate", async (t) => {
  const withCurve = (points: HistoryPoint[]) => ({
    ...noEvidence(),
    historyMetrics: ["loss"],
    history: new Map([["cand0001", new Map([["loss", points]])]]),
  });

  await t.step("a falling-then-flat loss passes", () => {
    const gate = judge(withCurve(fallingCurve()), { convergence: ["loss"] });
    assert.deepEqual(gate.failures, []);
    assert.equal(gate.enabled, true);
    assert.equal(gate.passed, true);
  });

  await t.step("a rising loss fails, naming the run and the metric", () => {
    const rising = fallingCurve().map(({ step }) => ({
      step,
      value: 0.3 + step / 20,
    }));
    const [failure] = judge(withCurve(rising), { convergence: ["loss"] })
      .failures;
    assert.equal(failure.kind, "convergence");
    assert.equal(failure.runId, "cand0001");
    assert.equal(failure.metric, "loss");
    assert.match(
      failure.message,
      /^dashing-leaf-4 \(cand0001\): loss did not converge: it /,
    );
  });

  await t.step("a NaN in the curve fails and names its step", () => {
    const points = fallingCurve();
    points[40] = { step: 40, value: NaN };
    const [failure] = judge(withCurve(points), { convergence: ["loss"] })
      .failures;
    assert.match(failure.message, /NaN/);
    assert.match(failure.message, /step 40/);
  });

  await t.step(
    "a run without history fails: nothing shows it converged",
    () => {
      const [failure] = judge(
        { ...noEvidence(), historyMetrics: ["loss"] },
        { convergence: ["loss"] },
      ).failures;
      assert.equal(
        failure.message,
        "dashing-leaf-4 (cand0001): logged no history of loss, so its convergence cannot be judged",
      );
    },
  );

  await t.step("unset, no curve is judged", () => {
    const rising = [{ step: 0, value: 1 }, { step: 1, value: 2 }];
    const gate = judge(withCurve(rising), {});
    assert.equal(gate.enabled, false);
    assert.deepEqual(gate.failures, []);
  });
});

Deno.test("the same-data gate", async (t) => {
  const train1 = dataset("issues-train", 1, "b1b1b1b1c2c2");
  const train0 = dataset("issues-train", 0, "a0a0a0a0f9f9");
  const test0 = dataset("issues-test", 0, "7e57d00d0000");
  const glove = dataset("glove", 2, "91043333", "embeddings");
  const lineage = (inputs: [string, ArtifactVersion[]][]): RunEvidence => ({
    ...noEvidence(),
    dataTypes: ["dataset"],
    inputs: new Map(inputs),
  });

  await t.step("the same versions pass; other types do not count", () => {
    const gate = judge(
      lineage([
        ["cand0001", [train1, test0]],
        ["base0001", [test0, train1, glove]],
      ]),
      { requireSameData: true },
    );
    assert.deepEqual(gate.failures, []);
    assert.equal(gate.passed, true);
  });

  await t.step("another version of a dataset fails with both versions", () => {
    const [failure, ...rest] = judge(
      lineage([["cand0001", [train0, test0]], ["base0001", [train1, test0]]]),
      { requireSameData: true },
    ).failures;
    assert.deepEqual(rest, []);
    assert.equal(failure.kind, "same-data");
    assert.equal(
      failure.message,
      "dashing-leaf-4 (cand0001): trained on dataset issues-train:v0 (a0a0a0a0) but its baseline dandy-river-1 (base0001) used issues-train:v1 (b1b1b1b1): a comparison on different data is not evidence",
    );
  });

  await t.step("a dataset the baseline did not use fails", () => {
    const [failure] = judge(
      lineage([["cand0001", [train1, test0]], ["base0001", [train1]]]),
      { requireSameData: true },
    ).failures;
    assert.match(
      failure.message,
      /issues-test:v0 \(7e57d00d\), which its baseline dandy-river-1 \(base0001\) did not use/,
    );
  });

  await t.step("a dataset only the baseline used fails", () => {
    const [failure] = judge(
      lineage([["cand0001", [train1]], ["base0001", [train1, test0]]]),
      { requireSameData: true },
    ).failures;
    assert.match(
      failure.message,
      /did not use dataset issues-test:v0 \(7e57d00d\), which its baseline/,
    );
  });

  await t.step("a candidate with no dataset input fails", () => {
    const [failure] = judge(
      lineage([["cand0001", [glove]], ["base0001", [train1]]]),
      { requireSameData: true },
    ).failures;
    assert.equal(
      failure.message,
      "dashing-leaf-4 (cand0001): recorded no dataset input, so it cannot be shown to use its baseline's data",
    );
  });

  await t.step("only the compared baseline counts", () => {
    // The best loss is base0001's; another baseline on other data is not compared.
    const other = makeRun({
      runId: "base0002",
      displayName: "silver-oak-2",
      tags: ["baseline"],
      summary: { loss: 0.9 },
    });
    const gate = judge(
      lineage([
        ["cand0001", [train1]],
        ["base0001", [train1]],
        ["base0002", [train0]],
      ]),
      { requireSameData: true },
      { candidates: [candidate], baselines: [baseline, other] },
    );
    assert.deepEqual(gate.failures, []);
  });
});

Deno.test("the expected-data gate", async (t) => {
  const train1 = dataset("issues-train", 1, "b1b1b1b1c2c2");
  const train0 = dataset("issues-train", 0, "a0a0a0a0f9f9");
  const expecting = (inputs: ArtifactVersion[]): RunEvidence => ({
    ...noEvidence(),
    dataTypes: ["dataset"],
    inputs: new Map([["cand0001", inputs]]),
    expected: [{ alias: "issues-train:latest", version: train1 }],
  });

  await t.step("the version the alias points to passes", () => {
    const gate = judge(expecting([train1]), {});
    assert.equal(gate.enabled, true);
    assert.deepEqual(gate.failures, []);
  });

  await t.step("an older version fails with both versions", () => {
    const [failure] = judge(expecting([train0]), {}).failures;
    assert.equal(failure.kind, "expected-data");
    assert.equal(
      failure.message,
      "dashing-leaf-4 (cand0001): used issues-train:v0 (a0a0a0a0) but issues-train:latest is issues-train:v1 (b1b1b1b1) now",
    );
  });

  await t.step("not using the collection at all fails", () => {
    const [failure] = judge(expecting([]), {}).failures;
    assert.equal(
      failure.message,
      "dashing-leaf-4 (cand0001): did not use issues-train:latest (issues-train:latest is issues-train:v1 (b1b1b1b1) now)",
    );
  });
});

Deno.test("the production aggregate compares with the production run alone", () => {
  const production = makeRun({
    runId: "prod0001",
    displayName: "gentle-fire-8",
    summary: { loss: 0.35 },
  });
  const judged = judgeRuns({
    candidates: [candidate],
    baselines: [baseline, production],
  }, {
    goals: metricGoals(["loss"]),
    aggregate: "production",
    gates: { ...NONE, failOnRegression: ["loss"], significance: 0.05 },
    evidence: {
      ...noEvidence(),
      production: {
        runId: "prod0001",
        alias: "wandb-registry-model/issue-labeler:production",
        version: dataset("model-prod0001", 0, "9d4f", "model"),
      },
    },
  });
  const [comparison] = judged.analysis.comparisons.get("cand0001")!;
  assert.deepEqual(comparison.baseline, {
    value: 0.35,
    runId: "prod0001",
    runs: 1,
  });
  assert.equal(comparison.verdict, "better");
  // A test needs two runs on each side; the production baseline is one.
  assert.deepEqual(judged.noise, [{
    metric: "loss",
    tested: false,
    reason: "only 1 finished candidate has loss",
  }]);
});

Deno.test("evidence gates asked for without evidence fail rather than pass unrun", () => {
  const run = makeRun({
    runId: "cand0001",
    displayName: "dashing-leaf-4",
    summary: { loss: 0.3 },
  });
  const gate = evaluateGates([{ run, comparisons: [] }], {
    counts: countRuns({ candidates: [run], baselines: [] }),
    options: { ...NONE, convergence: ["loss"], requireSameData: true },
  });
  assert.equal(gate.passed, false);
  assert.deepEqual(gate.failures.map((failure) => failure.kind), [
    "convergence",
    "same-data",
  ]);
});

Deno.test("with the production aggregate, data is checked against the production run alone", () => {
  // It logged no loss, so no comparison names it: still the only baseline compared.
  const production = makeRun({
    runId: "prod0001",
    displayName: "gentle-fire-8",
    summary: {},
  });
  const judged = judgeRuns({
    candidates: [candidate],
    baselines: [baseline, production],
  }, {
    goals: metricGoals(["loss"]),
    aggregate: "production",
    gates: { ...NONE, requireSameData: true },
    evidence: {
      ...noEvidence(),
      dataTypes: ["dataset"],
      production: {
        runId: "prod0001",
        alias: "wandb-registry-model/labeler:production",
        version: dataset("model-prod0001", 0, "9d4f", "model"),
      },
      inputs: new Map([
        ["cand0001", [dataset("issues-train", 1, "b1b1b1b1")]],
        // The other baseline used other data: not compared, so no failure.
        ["base0001", [dataset("issues-train", 0, "a0a0a0a0")]],
        ["prod0001", [dataset("issues-train", 1, "b1b1b1b1")]],
      ]),
    },
  });
  assert.deepEqual(judged.gate.failures, []);
});
