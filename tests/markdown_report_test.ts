import { makeRun } from "./_helpers.ts";
import assert from "node:assert/strict";
import {
  analyseRuns,
  type BaselineAggregate,
} from "../lib/baseline_comparison.ts";
import type { CategorisedRuns } from "../lib/categorise.ts";
import { evaluateGates, type GateOptions } from "../lib/gates.ts";
import { escapeMarkdown, markdownReport } from "../lib/markdown_report.ts";
import { metricGoals } from "../lib/metric_goals.ts";
import { countRuns } from "../lib/run_counts.ts";

const GOLDEN = new URL("./testdata/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

let clock = 0;
function run(
  runId: string,
  state: string,
  summary: Record<string, unknown>,
  config: Record<string, unknown> = { learning_rate: 0.001 },
) {
  clock++;
  return makeRun({
    runId,
    displayName: `run-${runId}`,
    state,
    summary,
    config,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, clock)).toISOString(),
  });
}

const NO_GATES: GateOptions = {
  thresholds: [],
  failOnRegression: [],
  tolerance: { kind: "absolute", value: 0 },
  requireComplete: false,
};

function report(
  runs: CategorisedRuns,
  options: {
    metrics?: string[];
    aggregate?: BaselineAggregate;
    gates?: GateOptions;
    charts?: boolean;
    maxLength?: number;
  } = {},
): string {
  const goals = metricGoals(options.metrics ?? ["acc", "val_loss"]);
  const aggregate = options.aggregate ?? "best";
  const analysis = analyseRuns(runs, { goals, aggregate });
  const counts = countRuns(runs);
  const gate = options.gates === undefined ? undefined : evaluateGates(
    runs.candidates.filter((each) => each.state === "finished").map((each) => ({
      run: each,
      comparisons: analysis.comparisons.get(each.runId)!,
    })),
    { counts, options: options.gates },
  );
  return markdownReport(runs, {
    appUrl: "https://wandb.ai",
    entity: "github",
    project: "predict-issue-labels",
    selection: { githubSha: "86edd034aaba1498dbae6465cf994de90be6a4b2" },
    goals,
    configVars: ["learning_rate"],
    aggregate,
    analysis,
    counts,
    gate,
    charts: options.charts ?? true,
    csvName: "wandb_report.csv",
    maxLength: options.maxLength,
  });
}

async function assertGolden(name: string, actual: string) {
  const file = new URL(name, GOLDEN);
  if (UPDATE) await Deno.writeTextFile(file, actual);
  assert.equal(actual, await Deno.readTextFile(file));
}

Deno.test("golden reports", async (t) => {
  await t.step("one candidate against one baseline", async () => {
    await assertGolden(
      "one_candidate_one_baseline.md",
      report({
        candidates: [run("cand0001", "finished", { acc: 0.91, val_loss: 0.5 })],
        baselines: [run("base0001", "finished", { acc: 0.9, val_loss: 0.45 })],
      }),
    );
  });
  await t.step(
    "several candidates and baselines, best per metric",
    async () => {
      await assertGolden(
        "several_each.md",
        report({
          candidates: [
            run("cand0001", "finished", { acc: 0.93, val_loss: 0.41 }),
            run("cand0002", "finished", { acc: 0.88, val_loss: 0.39 }),
            run("cand0003", "crashed", { acc: 0.5 }),
          ],
          baselines: [
            run("base0001", "finished", { acc: 0.9, val_loss: 0.45 }),
            run("base0002", "finished", { acc: 0.92, val_loss: 0.4 }),
            run("base0003", "crashed", { acc: 0.99, val_loss: 0.1 }),
          ],
        }),
      );
    },
  );
  await t.step("no baselines", async () => {
    await assertGolden(
      "no_baselines.md",
      report({
        candidates: [run("cand0001", "finished", { acc: 0.91, val_loss: 0.5 })],
        baselines: [],
      }),
    );
  });
  await t.step("nothing matched", async () => {
    await assertGolden(
      "nothing_matched.md",
      report({ candidates: [], baselines: [] }),
    );
  });
  await t.step("runs still running", async () => {
    await assertGolden(
      "still_running.md",
      report({
        candidates: [
          run("cand0001", "finished", { acc: 0.91, val_loss: 0.5 }),
          run("cand0002", "running", { acc: 0.7 }),
        ],
        baselines: [run("base0001", "finished", { acc: 0.9, val_loss: 0.45 })],
      }),
    );
  });
  await t.step("a failing gate", async () => {
    await assertGolden(
      "failing_gate.md",
      report({
        candidates: [
          run("cand0001", "finished", { acc: 0.91, val_loss: 0.5 }),
          run("cand0002", "finished", { acc: 0.95 }),
        ],
        baselines: [run("base0001", "finished", { acc: 0.9, val_loss: 0.45 })],
      }, {
        gates: {
          ...NO_GATES,
          thresholds: [{ metric: "acc", operator: ">=", value: 0.92 }],
          failOnRegression: ["val_loss"],
          tolerance: { kind: "relative", value: 0.05 },
        },
      }),
    );
  });
});

Deno.test("every aggregate picks its baseline value", async (t) => {
  const runs = {
    candidates: [run("cand0001", "finished", { acc: 0.91, val_loss: 0.5 })],
    baselines: [
      run("base0001", "finished", { acc: 0.8, val_loss: 0.3 }),
      run("base0002", "finished", { acc: 0.9, val_loss: 0.6 }),
      run("base0003", "finished", { acc: 0.85, val_loss: 0.45 }),
      run("base0004", "killed", { acc: 0.99, val_loss: 0.01 }),
    ],
  };
  const goals = metricGoals(["acc", "val_loss"]);
  const cases: [BaselineAggregate, number, number, string | undefined][] = [
    ["best", 0.9, 0.3, "base0002"],
    ["mean", (0.8 + 0.9 + 0.85) / 3, (0.3 + 0.6 + 0.45) / 3, undefined],
    ["latest", 0.85, 0.45, "base0003"],
  ];
  for (const [aggregate, acc, loss, accRun] of cases) {
    await t.step(aggregate, () => {
      const { baselineValues, comparisons } = analyseRuns(runs, {
        goals,
        aggregate,
      });
      assert.equal(baselineValues.get("acc")?.value, acc);
      assert.equal(baselineValues.get("acc")?.runId, accRun);
      assert.equal(baselineValues.get("val_loss")?.value, loss);
      assert.equal(
        baselineValues.get("acc")?.runs,
        3,
        "the killed baseline is not used",
      );
      const [accComparison, lossComparison] = comparisons.get("cand0001")!;
      assert.equal(accComparison.verdict, 0.91 > acc ? "better" : "worse");
      assert.equal(lossComparison.verdict, 0.5 < loss ? "better" : "worse");
    });
  }
});

Deno.test("hostile names render as text", () => {
  const hostile = "a|b<img src=x onerror=alert(1)>\n| injected | row |";
  const candidate = run("cand0001", "finished", { acc: 0.9 });
  candidate.displayName = hostile;
  const text = report({ candidates: [candidate], baselines: [] }, {
    metrics: ["acc"],
  });
  assert.ok(!text.includes("<img"), "no raw HTML");
  assert.ok(!text.includes("\n| injected"), "no new table row");
  assert.match(
    text,
    /\[a\\\|b&lt;img src=x onerror=alert\\\(1\\\)&gt; \\\| injected \\\| row \\\|\]/,
  );
  assert.equal(
    escapeMarkdown("**bold** [link](javascript:x) `code`"),
    "\\*\\*bold\\*\\* \\[link\\]\\(javascript:x\\) \\`code\\`",
  );
  const chartLine = text.split("\n").find((line) =>
    line.startsWith("  x-axis")
  );
  assert.equal(
    chartLine,
    '  x-axis ["abimg srcx onerroralert1 injected  row"]',
  );
});

Deno.test("past the size limit, charts go first, then rows, with a line saying how many", () => {
  const candidates = Array.from(
    { length: 400 },
    (_, index) =>
      run(`c${String(index).padStart(7, "0")}`, "finished", {
        acc: 0.5 + index / 1000,
        val_loss: 1 - index / 1000,
      }),
  );
  const baselines = [run("base0001", "finished", { acc: 0.6, val_loss: 0.7 })];
  const full = report({ candidates, baselines }, { maxLength: 10_000_000 });
  assert.ok(full.includes("```mermaid"));
  const limited = report({ candidates, baselines }, { maxLength: 20_000 });
  assert.ok(limited.length <= 20_000);
  assert.ok(!limited.includes("```mermaid"));
  const shown =
    limited.split("\n").filter((line) => line.startsWith("| [")).length;
  assert.ok(shown > 10 && shown < 401);
  // As many rows as fit: the next one would not (give or take the digits of
  // the left-out count).
  const rowLines = full.split("\n").filter((line) => line.startsWith("| ["));
  assert.ok(limited.length + rowLines[shown].length + 1 > 20_000 - 3);
  assert.ok(
    limited.includes(
      `_${
        401 - shown
      } of 401 runs left out to stay under GitHub's size limit; every run is in \`wandb\\_report.csv\`._`,
    ),
  );
});
