/**
 * Golden JSON reports: the whole document `REPORT_JSON` writes (schema
 * version 1), serialised as the job serialises it, compared byte for byte
 * with `testdata/*.json`. Run with `UPDATE_GOLDEN=1` to rewrite the files
 * after an intended change, and bump `JSON_REPORT_VERSION` when the change is
 * incompatible.
 */
import assert from "node:assert/strict";
import { makeRun } from "./_helpers.ts";
import {
  type BaselineAggregate,
  compareCandidates,
} from "../lib/review/baseline_comparison.ts";
import type { CategorisedRuns } from "../lib/review/categorise.ts";
import { evaluateGates, type GateOptions } from "../lib/review/gates.ts";
import { metricGoals } from "../lib/review/metric_goals.ts";
import { countRuns } from "../lib/review/run_counts.ts";
import { JSON_REPORT_VERSION, jsonReport } from "../lib/report/json.ts";
import type { MarkdownReportContext } from "../lib/report/markdown.ts";
import type { WandbRun } from "../lib/wandb/run.ts";
import { stringifyExactJson } from "../lib/wandb/exact_json.ts";

const GOLDEN = new URL("./testdata/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";
const SHA = "86edd034aaba1498dbae6465cf994de90be6a4b2";

const NO_GATES: GateOptions = {
  thresholds: [],
  failOnRegression: [],
  tolerance: { kind: "absolute", value: 0 },
  requireComplete: false,
};

/** A run created `minute` minutes into 2026, named after its id. */
function run(
  runId: string,
  state: string,
  minute: number,
  fields: Pick<Partial<WandbRun>, "summary" | "config" | "tags"> = {},
): WandbRun {
  return makeRun({
    runId,
    displayName: `run-${runId}`,
    state,
    config: { learning_rate: 0.001 },
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    ...fields,
  });
}

/** The JSON report's text, built as the job builds it: runs analysed, gates judged, then written with 2-space indent and a final newline. */
function reportText(
  runs: CategorisedRuns,
  options: {
    selection?: MarkdownReportContext["selection"];
    metrics?: string[];
    configVars?: string[];
    aggregate?: BaselineAggregate;
    gates?: GateOptions;
  } = {},
): string {
  const goals = metricGoals(options.metrics ?? ["acc", "val_loss"]);
  const aggregate = options.aggregate ?? "best";
  const analysis = compareCandidates(runs, { goals, aggregate });
  const counts = countRuns(runs);
  const gate = evaluateGates(
    runs.candidates.filter((each) => each.state === "finished").map((each) => ({
      run: each,
      comparisons: analysis.comparisons.get(each.runId) ?? [],
    })),
    { counts, options: options.gates ?? NO_GATES },
  );
  const document = jsonReport(runs, {
    appUrl: "https://wandb.ai",
    entity: "github",
    project: "predict-issue-labels",
    selection: options.selection ?? { githubSha: SHA },
    goals,
    configVars: options.configVars ?? ["learning_rate"],
    aggregate,
    analysis,
    counts,
    gate,
  });
  assert.equal(document.version, 2, "these goldens are schema version 2");
  assert.equal(document.version, JSON_REPORT_VERSION);
  return `${stringifyExactJson(document, 2)}\n`;
}

async function assertGolden(name: string, actual: string): Promise<void> {
  const file = new URL(name, GOLDEN);
  if (UPDATE) await Deno.writeTextFile(file, actual);
  assert.equal(actual, await Deno.readTextFile(file));
}

Deno.test("the JSON report of several candidates and baselines with a failing gate is the golden document", async () => {
  await assertGolden(
    "several_each_failing_gate.json",
    reportText({
      candidates: [
        run("cand0001", "finished", 1, {
          summary: { acc: 0.93, val_loss: 0.41 },
          tags: ["candidate", "lr-sweep"],
        }),
        run("cand0002", "finished", 2, {
          summary: { acc: 0.88, val_loss: 0.47 },
          config: { learning_rate: 0.0005 },
        }),
        run("cand0003", "crashed", 3, { summary: { acc: 0.5 } }),
      ],
      baselines: [
        run("base0001", "finished", 4, {
          summary: { acc: 0.9, val_loss: 0.45 },
          tags: ["baseline"],
        }),
        run("base0002", "finished", 5, {
          summary: { acc: 0.92, val_loss: 0.4 },
          tags: ["baseline"],
        }),
        run("base0003", "crashed", 6, {
          summary: { acc: 0.99, val_loss: 0.1 },
          tags: ["baseline"],
        }),
      ],
    }, {
      selection: { githubSha: SHA, secondarySha: "d1e2f3a4" },
      gates: {
        ...NO_GATES,
        thresholds: [{ metric: "acc", operator: ">=", value: 0.92 }],
        failOnRegression: ["val_loss"],
        tolerance: { kind: "relative", value: 0.05 },
      },
    }),
  );
});

Deno.test("the JSON report when nothing matched is the golden document: zero counts, no runs, gates passed", async () => {
  await assertGolden(
    "nothing_matched.json",
    reportText({ candidates: [], baselines: [] }),
  );
});

Deno.test("the JSON report of one run by id keeps nested metrics, big integers exactly and missing values as null", async () => {
  await assertGolden(
    "one_run_by_id.json",
    reportText({
      candidates: [
        run("e6lo523p", "finished", 1, {
          summary: {
            acc: 0.8962264060974121,
            eval: { f1: 0.8812154696132597 },
          },
          config: { learning_rate: 0.0005, seed: 12345678901234567890n },
        }),
      ],
      baselines: [
        run("base0001", "finished", 2, {
          summary: { acc: 0.9, "eval.f1": 0.85 },
          tags: ["baseline"],
          config: {},
        }),
      ],
    }, {
      selection: { runId: "e6lo523p" },
      metrics: ["acc", "eval.f1", "val_loss"],
      configVars: ["learning_rate", "seed"],
      aggregate: "mean",
    }),
  );
});
