import { makeRun } from "./_helpers.ts";
import assert from "node:assert/strict";
import {
  type BaselineAggregate,
  compareCandidates,
} from "../lib/review/baseline_comparison.ts";
import type { CategorisedRuns } from "../lib/review/categorise.ts";
import {
  evaluateGates,
  type GateOptions,
  judgedCandidates,
} from "../lib/review/gates.ts";
import { markdownReport } from "../lib/report/markdown.ts";
import { escapeMarkdown } from "../lib/report/markdown_text.ts";
import {
  COMMENT_LIMIT,
  type SizeLimit,
  SUMMARY_LIMIT,
  textSize,
} from "../lib/github/limits.ts";
import { metricGoals } from "../lib/review/metric_goals.ts";
import { countRuns } from "../lib/review/run_counts.ts";
import type { RunEvidence } from "../lib/review/evidence.ts";
import { judgeRuns } from "../lib/review/judge_runs.ts";

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
    limit?: SizeLimit;
    directionsSetting?: string;
  } = {},
): string {
  const goals = metricGoals(options.metrics ?? ["acc", "val_loss"]);
  const aggregate = options.aggregate ?? "best";
  const analysis = compareCandidates(runs, { goals, aggregate });
  const counts = countRuns(runs);
  const gate = options.gates === undefined ? undefined : evaluateGates(
    judgedCandidates(runs.candidates, analysis.comparisons),
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
    // As the job renders the file on disk, unless a test says otherwise.
    limit: "limit" in options ? options.limit : COMMENT_LIMIT,
    directionsSetting: "directionsSetting" in options
      ? options.directionsSetting
      : "METRIC_GOALS",
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
      const { baselineValues, comparisons } = compareCandidates(runs, {
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
  const text = report({
    candidates: [candidate],
    baselines: [run("base0001", "finished", { acc: 0.8 })],
  }, { metrics: ["acc"] });
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
    '  x-axis ["abimg srcx onerroralert… cand0001", "run-base0001"]',
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
  const full = report({ candidates, baselines }, {
    limit: { max: 10_000_000, unit: "characters" },
  });
  assert.ok(full.includes("```mermaid"));
  const limited = report({ candidates, baselines }, {
    limit: { max: 20_000, unit: "characters" },
  });
  // Characters as GitHub counts them: "🟢" is one, though two in `length`.
  const characters = (text: string) => textSize(text, "characters");
  assert.ok(characters(limited) <= 20_000);
  assert.ok(limited.length > 20_000, "the emoji count once each");
  assert.ok(!limited.includes("```mermaid"));
  const shown =
    limited.split("\n").filter((line) => line.startsWith("| [")).length;
  assert.ok(shown > 10 && shown < 401);
  // As many rows as fit: the next one would not (give or take the digits of
  // the left-out count).
  const rowLines = full.split("\n").filter((line) => line.startsWith("| ["));
  assert.ok(
    characters(limited) + characters(rowLines[shown]) + 1 > 20_000 - 3,
  );
  assert.ok(
    limited.includes(
      `_${
        401 - shown
      } of 401 runs left out to stay under GitHub's size limit; every run is in \`wandb\\_report.csv\`._`,
    ),
  );
});

Deno.test("the job summary limit counts UTF-8 bytes, as GitHub's runner does", () => {
  // Names of CJK characters: three bytes each in UTF-8, one character.
  const candidates = Array.from({ length: 600 }, (_, index) => {
    const candidate = run(`c${String(index).padStart(7, "0")}`, "finished", {
      acc: 0.5 + index / 1000,
      val_loss: 1 - index / 1000,
    });
    candidate.displayName = `学習実行${"結果".repeat(20)}${index}`;
    return candidate;
  });
  const limit: SizeLimit = { max: 60_000, unit: "bytes" };
  const text = report({ candidates, baselines: [] }, { limit });
  const bytes = new TextEncoder().encode(text).length;
  assert.ok(bytes <= 60_000, `${bytes} bytes`);
  assert.ok(bytes > 55_000, `only ${bytes} bytes used of 60,000`);
  assert.ok(text.length < 45_000, `${text.length} characters`);
  assert.match(
    text,
    /_\d+ of 600 runs left out to stay under GitHub's size limit/,
  );
  assert.equal(textSize(text, "bytes"), bytes);
  assert.deepEqual(SUMMARY_LIMIT, { max: 1_048_576, unit: "bytes" });
});

Deno.test("the comment limit counts characters as code points: an emoji is one", () => {
  assert.equal(textSize("🟢 better", "characters"), 8);
  assert.equal("🟢 better".length, 9);
  assert.equal(textSize("🟢 better", "bytes"), 11);
  // A lone surrogate (broken text from outside) is one character, 3 bytes.
  assert.equal(textSize("\ud800", "characters"), 1);
  assert.equal(textSize("\ud800", "bytes"), 3);
});

Deno.test("one very long name is cut in its cell, and every other row stays", () => {
  const candidates = Array.from(
    { length: 30 },
    (_, index) =>
      run(`c${String(index).padStart(7, "0")}`, "finished", {
        acc: 0.5 + index / 100,
        val_loss: 1 - index / 100,
      }),
  );
  candidates[7].displayName = "x".repeat(100_000);
  candidates[8].config = { learning_rate: "🟢".repeat(50_000) };
  const text = report({ candidates, baselines: [] });
  assert.ok(textSize(text, "characters") <= 65_536);
  assert.doesNotMatch(text, /runs left out to stay/);
  const rows = text.split("\n").filter((line) => line.startsWith("| ["));
  assert.equal(rows.length, 30);
  assert.match(rows[7], /^\| \[x{119}…\]\(https:/);
  assert.match(rows[8], /\| (?:🟢){119}… \|$/u);
});

Deno.test("mentions and issue references from W&B data notify nobody", () => {
  const candidate = run("cand0001", "finished", { acc: 0.5 });
  candidate.displayName = "@octocat, @acme/ml-team: fixes #123 and acme/app#7";
  const text = report({ candidates: [candidate], baselines: [] }, {
    metrics: ["acc"],
    gates: {
      ...NO_GATES,
      thresholds: [{ metric: "acc", operator: ">=", value: 0.9 }],
    },
  });
  assert.match(
    text,
    /acc = 0\.5, needs acc &gt;= 0\.9/,
    "the gate line is there",
  );
  // Every "@", and every "#" before a digit, is followed by a zero-width space.
  const rendered = text.replaceAll("&#8203;", "\u200b");
  assert.doesNotMatch(rendered, /@[^\u200b]/);
  assert.doesNotMatch(rendered, /#\d/);
  assert.equal(
    text.match(/@&#8203;octocat/g)?.length,
    3,
    "summary table, run table and gate line",
  );
  assert.match(text, /@&#8203;acme\/ml-team/);
  assert.match(text, /acme\/app#&#8203;7/);
});

Deno.test("charts stay legible for 100 runs: the best candidates and the compared baseline", async (t) => {
  const candidates = Array.from(
    { length: 90 },
    (_, index) =>
      run(`c${String(index).padStart(7, "0")}`, "finished", {
        acc: 0.5 + index / 1000,
        val_loss: 1 - index / 1000,
      }),
  );
  candidates[3].displayName =
    "a-very-long-run-name-that-would-crowd-the-axis-3";
  candidates[89].displayName = "train";
  candidates[88].displayName = "train";
  const baselines = Array.from(
    { length: 10 },
    (_, index) =>
      run(`b${String(index).padStart(7, "0")}`, "finished", {
        acc: 0.55 + index / 100,
        val_loss: 0.95 - index / 100,
      }),
  );
  await t.step(
    "best per metric: at most 12 bars, the compared baseline among them",
    () => {
      const text = report({ candidates, baselines });
      const blocks = text.split("```mermaid").slice(1);
      assert.equal(blocks.length, 2);
      for (const block of blocks) {
        const labels: string[] = JSON.parse(
          block.match(/x-axis (\[.*\])/)![1],
        );
        assert.equal(labels.length, 12);
        assert.equal(new Set(labels).size, 12, "no two bars share a label");
        for (const label of labels) assert.ok(label.length <= 45, label);
        // The compared baseline is the best: b0000009 for both metrics.
        assert.deepEqual(labels.filter((label) => label.startsWith("run-b")), [
          "run-b0000009",
        ]);
      }
      // acc is higher-is-better: candidates 79 to 89 are the best 11.
      const accLabels: string[] = JSON.parse(
        blocks[0].match(/x-axis (\[.*\])/)![1],
      );
      assert.deepEqual(accLabels.slice(0, 9), [
        "run-c0000079",
        "run-c0000080",
        "run-c0000081",
        "run-c0000082",
        "run-c0000083",
        "run-c0000084",
        "run-c0000085",
        "run-c0000086",
        "run-c0000087",
      ]);
      assert.deepEqual(accLabels.slice(9, 11), [
        "train c0000088",
        "train c0000089",
      ]);
      assert.match(
        text,
        /_acc chart: the 11 best of 90 finished candidates and the compared baseline; 88 runs left out of it, every run is in the table\._/,
      );
    },
  );
  await t.step("a long name is cut and keeps its run id", () => {
    const text = report({ candidates: candidates.slice(0, 5), baselines: [] });
    assert.match(text, /"a-very-long-run-name-th… c0000003"/);
  });
  await t.step("with the baselines' mean, the mean is one bar", () => {
    const text = report({ candidates, baselines }, { aggregate: "mean" });
    const labels: string[] = JSON.parse(text.match(/x-axis (\[.*\])/)![1]);
    assert.equal(labels.length, 12);
    assert.equal(labels.at(-1), "baseline mean of 10 runs");
    assert.match(
      text,
      /the 11 best of 90 finished candidates and the baselines' mean; 89 runs left out/,
    );
  });
});

Deno.test("without a limit nothing is left out; the limit is the caller's to give", () => {
  const candidates = Array.from(
    { length: 2_000 },
    (_, index) =>
      run(`c${String(index).padStart(7, "0")}`, "finished", {
        acc: index / 2_000,
        val_loss: 1 - index / 2_000,
      }),
  );
  const unlimited = report({ candidates, baselines: [] }, {
    limit: undefined,
    charts: false,
  });
  assert.ok(textSize(unlimited, "characters") > COMMENT_LIMIT.max);
  assert.doesNotMatch(unlimited, /runs left out/);
  const limited = report({ candidates, baselines: [] }, { charts: false });
  assert.ok(textSize(limited, "characters") <= COMMENT_LIMIT.max);
  assert.match(limited, /runs left out to stay under GitHub's size limit/);
});

Deno.test("inferred directions name where to change them only when the caller names it", () => {
  const runs = {
    candidates: [run("cand0001", "finished", { acc: 0.9, val_loss: 0.3 })],
    baselines: [],
  };
  assert.match(
    report(runs),
    /Inferred directions come from the metric's name; set `METRIC_GOALS` to change them\.$/m,
  );
  const plain = report(runs, { directionsSetting: undefined });
  assert.match(plain, /Inferred directions come from the metric's name\.$/m);
  assert.doesNotMatch(plain, /METRIC_GOALS/);
});

/** Evidence for the golden report: a production run, curves, data of two versions, significance. */
function evidenceReport(hostileCollection = "issues-train"): string {
  const runs = {
    candidates: [
      run("cand0001", "finished", { acc: 0.91, val_loss: 0.41 }),
      run("cand0002", "finished", { acc: 0.92, val_loss: 0.4 }),
      run("cand0003", "running", { acc: 0.5 }),
    ],
    baselines: [
      run("base0001", "finished", { acc: 0.9, val_loss: 0.45 }),
      run("prod0001", "finished", { acc: 0.93, val_loss: 0.42 }),
    ],
  };
  const version = (collection: string, index: number, digest: string) => ({
    collection,
    versionIndex: index,
    type: "dataset",
    digest,
  });
  const curve = (floor: number) =>
    Array.from({ length: 20 }, (_, step) => ({
      step: step * 10,
      value: floor + Math.exp(-step / 4),
    }));
  const evidence: RunEvidence = {
    production: {
      runId: "prod0001",
      alias: "wandb-registry-model/labeler:production",
      version: { ...version("model-prod0001", 0, "9d4f01aa77"), type: "model" },
    },
    historyMetrics: ["val_loss"],
    history: new Map(
      ["cand0001", "cand0002", "base0001", "prod0001"].map((id, index) => [
        id,
        new Map([["val_loss", curve(0.4 + index / 100)]]),
      ]),
    ),
    dataTypes: ["dataset"],
    inputs: new Map([
      ["cand0001", [version(hostileCollection, 1, "b1b1b1b1c2")]],
      ["cand0002", [version(hostileCollection, 0, "a0a0a0a0f9")]],
      ["cand0003", [version(hostileCollection, 1, "b1b1b1b1c2")]],
      ["base0001", [version(hostileCollection, 1, "b1b1b1b1c2")]],
      ["prod0001", [version(hostileCollection, 1, "b1b1b1b1c2")]],
    ]),
    expected: [{
      alias: `${hostileCollection}:latest`,
      version: version(hostileCollection, 1, "b1b1b1b1c2"),
    }],
  };
  const goals = metricGoals(["acc", "val_loss"]);
  const judged = judgeRuns(runs, {
    goals,
    aggregate: "best",
    gates: {
      ...NO_GATES,
      failOnRegression: ["val_loss"],
      significance: 0.05,
      convergence: ["val_loss"],
      requireSameData: true,
    },
    evidence,
  });
  return markdownReport(judged.runs, {
    appUrl: "https://wandb.ai",
    entity: "github",
    project: "predict-issue-labels",
    selection: { githubSha: "86edd034aaba1498dbae6465cf994de90be6a4b2" },
    goals,
    configVars: [],
    aggregate: "best",
    analysis: judged.analysis,
    counts: judged.counts,
    gate: judged.gate,
    charts: true,
    csvName: "wandb_report.csv",
    limit: COMMENT_LIMIT,
    evidence,
    noise: judged.noise,
    significance: 0.05,
  });
}

Deno.test("the production baseline, data, noise and curves in the report", async (t) => {
  const text = evidenceReport();
  await t.step("golden", async () => {
    await assertGolden("with_evidence.md", text);
  });
  await t.step("above the folds: verdict, metrics, data, failed gates", () => {
    const unfolded = text.slice(0, text.indexOf("<details>"));
    assert.match(unfolded, /\(production, best of 2\)/);
    assert.match(
      unfolded,
      /^\*\*Data\*\* \(dataset\): 4 runs used issues-train:v1 \\\(b1b1b1b1\\\); run-cand0002 used issues-train:v0 \\\(a0a0a0a0\\\)\.$/m,
    );
    assert.match(unfolded, /\| More than noise\? \(p < 0\.05\) \|$/m);
    assert.match(
      unfolded,
      /^- run-cand0002 \\\(cand0002\\\): trained on dataset issues-train:v0/m,
    );
  });
  await t.step("folded: the production line, data, tests and curves", () => {
    const summaries = [
      ...text.matchAll(/^<details><summary>(.*)<\/summary>$/gm),
    ]
      .map((match) => match[1]);
    assert.deepEqual(summaries, [
      "All 5 runs: values and changes against the baseline",
      "Training data (dataset): 2 sets of inputs",
      "More than noise? Welch's t-test of candidates against baselines, level 0.05",
      "Charts: acc, val_loss",
      "Training curves: val_loss",
    ]);
    assert.match(
      text,
      /^Production baseline: run `prod0001`, which logged `model-prod0001:v0`, the version `wandb-registry-model\/labeler:production` points to\.$/m,
    );
    assert.equal(text.match(/^xychart-beta$/gm)?.length, 1, "one line chart");
    assert.equal(
      text.match(/^xychart-beta horizontal$/gm)?.length,
      2,
      "a bar chart per metric",
    );
    assert.match(
      text,
      /^🟫 production run-prod0001 · ⬛ baseline run-base0001 · 🟦 candidate run-cand0001 · 🟧 candidate run-cand0002$/m,
    );
    assert.match(text, /^🟦 candidate · ⬛ baseline · 🟫 production$/m);
  });
  await t.step("artifact names from W&B are escaped everywhere", () => {
    const hostile = evidenceReport("x|y<img src=x onerror=alert(1)>@octocat");
    // Inside code spans (the aliases), GitHub shows HTML and mentions as text.
    const outsideCode = hostile.replace(/`[^`\n]*`/g, "");
    assert.ok(!outsideCode.includes("<img"), "no raw HTML");
    assert.ok(!outsideCode.includes("@octocat"), "no mention");
    assert.match(
      hostile,
      /x\\\|y&lt;img src=x onerror=alert\\\(1\\\)&gt;@&#8203;octocat:v1/,
    );
  });
});

Deno.test("a metric with fewer than two values gets no chart", () => {
  const text = report({
    candidates: [run("cand0001", "finished", { acc: 0.91, val_loss: 0.5 })],
    baselines: [run("base0001", "finished", { acc: 0.9 })],
  });
  // acc has two values (a chart), val_loss one (none).
  assert.deepEqual(
    [...text.matchAll(/^ {2}title "(.*)"$/gm)].map((match) => match[1]),
    ["acc"],
  );
  assert.match(text, /^<details><summary>Charts: acc<\/summary>$/m);
});
