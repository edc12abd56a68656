/**
 * The reviewer's questions through action.yml's run: step, as GitHub runs it:
 * curves and convergence, data lineage, the production baseline from the
 * model registry, and significance; what each costs in requests; and how a
 * bad input or an alias W&B cannot resolve fails.
 */
import assert from "node:assert/strict";
import { parse as parseCsv } from "csv-parse/sync";
import {
  readOutputsFile,
  readTree,
  startDemoWandb,
  tempFolder,
} from "./_helpers.ts";
import { runActionStep } from "./_action_step.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";

const QUERY = {
  WANDB_API_KEY: DEMO_API_KEY,
  PROJECT_NAME: "github/predict-issue-labels",
  FILTER_GITHUB_SHA: DEMO_SHA,
  BASELINE_TAGS: "baseline",
  DISPLAY_METRICS: "['val_acc', 'val_loss']",
};

const PRODUCTION = "github-org/wandb-registry-model/issue-labeler:production";

Deno.test("the reviewer's four questions through the run: step", async (t) => {
  const fake = startDemoWandb();
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  const run = (inputs: Record<string, string>) =>
    runActionStep(
      { ...QUERY, WANDB_BASE_URL: fake.url, ...inputs },
      workspace,
      { GITHUB_STEP_SUMMARY: `${workspace}/summary.md` },
    );
  try {
    await t.step("unset, nothing more is asked of W&B", async () => {
      fake.requests.length = 0;
      const result = await run({});
      assert.equal(result.code, 0, result.stderr);
      assert.equal(fake.requests.length, 1);
      const csv = await Deno.readTextFile(`${workspace}/wandb_report.csv`);
      assert.doesNotMatch(csv.split("\n")[0], /data_artifacts/);
    });

    await t.step(
      "every question asked: two more requests, four gates judged, exit 3",
      async () => {
        fake.requests.length = 0;
        const result = await run({
          HISTORY_METRICS: "['loss', 'val_loss']",
          CONVERGENCE: "val_loss",
          DATA_ARTIFACT_TYPES: "dataset",
          REQUIRE_SAME_DATA: "true",
          EXPECTED_DATA: "issues-train:latest",
          BASELINE_ARTIFACT: PRODUCTION,
          SIGNIFICANCE: "0.05",
          FAIL_ON_REGRESSION: "val_loss",
          FAIL_ON_GATE: "true",
          REPORT_JSON: "report.json",
        });
        assert.equal(result.code, 3, result.stderr);
        assert.equal(
          fake.requests.length,
          3,
          "the runs, the aliases, the records",
        );
        const files = await readTree(workspace);
        const outputs = readOutputsFile(files[`${workspace}/github_output`]);
        assert.equal(outputs.BOOL_PASSED, "False");
        assert.deepEqual(
          outputs.GATE_FAILURES.split("\n").map((line) =>
            line.replace(/: it .*/, ": it …")
          ),
          [
            "proud-star-9 (v6q1n4ts): val_loss did not converge: it …",
            "happy-frog-3 (15u8cbod): trained on dataset issues-train:v0 (832feeec) but its baseline gentle-fire-8 (j5x2m8cw) used issues-train:v1 (842ff07f): a comparison on different data is not evidence",
            "happy-frog-3 (15u8cbod): used issues-train:v0 (832feeec) but issues-train:latest is issues-train:v1 (842ff07f) now",
          ],
        );
        // Workflow commands encode "%" as "%25".
        for (const line of outputs.GATE_FAILURES.split("\n")) {
          assert.match(
            result.stderr,
            new RegExp(
              `^::error::Gate: ${RegExp.escape(line.replaceAll("%", "%25"))}$`,
              "m",
            ),
          );
        }
        // The production run joins the baselines though it is not tagged `baseline`.
        const rows: string[][] = parseCsv(
          files[`${workspace}/wandb_report.csv`],
        );
        const header = rows[0];
        assert.deepEqual(header.slice(-2), [
          "data_artifacts",
          "__eval.category",
        ]);
        const gentle = rows.find((row) => row[3] === "j5x2m8cw")!;
        assert.equal(gentle.at(-1), "baseline");
        assert.equal(
          gentle.at(-2),
          "['issues-train:v1@842ff07f', 'issues-test:v0@eeadfa52']",
        );
        const summary = files[`${workspace}/summary.md`];
        assert.match(summary, /^Production baseline: run `j5x2m8cw`/m);
        assert.match(
          summary,
          /^<details><summary>Training curves: loss, val_loss<\/summary>$/m,
        );
        assert.match(summary, /^<details><summary>More than noise\? /m);
        const json = JSON.parse(files[`${workspace}/report.json`]);
        assert.equal(json.version, 2);
        assert.deepEqual(
          json.gate.failures.map((f: { kind: string }) => f.kind),
          [
            "convergence",
            "same-data",
            "expected-data",
          ],
        );
        assert.equal(json.significance.level, 0.05);
        const valLoss = json.significance.tests.find((
          test: { metric: string },
        ) => test.metric === "val_loss");
        assert.equal(valLoss.tested, true);
        assert.ok(valLoss.pValue > 0.05, "within noise: no regression failure");
      },
    );

    await t.step(
      "BASELINE_AGGREGATE production compares with the production run alone",
      async () => {
        const result = await run({
          BASELINE_ARTIFACT: PRODUCTION,
          BASELINE_AGGREGATE: "production",
          REPORT_JSON: "report.json",
        });
        assert.equal(result.code, 0, result.stderr);
        const json = JSON.parse(
          await Deno.readTextFile(`${workspace}/report.json`),
        );
        for (const metric of json.metrics) {
          assert.equal(metric.baseline.runId, "j5x2m8cw", metric.metric);
        }
        const markdown = await Deno.readTextFile(
          `${workspace}/wandb_report.md`,
        );
        assert.match(
          markdown,
          /compared with the production baseline per metric/,
        );
      },
    );

    for (
      const [name, inputs, message] of [
        [
          "a missing alias",
          {
            BASELINE_ARTIFACT:
              "github-org/wandb-registry-model/issue-labeler:prod",
          },
          '::error::BASELINE_ARTIFACT: W&B has no version issue-labeler:prod in "github-org/wandb-registry-model" (no such collection or alias)',
        ],
        [
          "a version a user logged, not a run",
          {
            BASELINE_ARTIFACT:
              "github-org/wandb-registry-model/issue-labeler:manual",
          },
          "::error::BASELINE_ARTIFACT: github-org/wandb-registry-model/issue-labeler:manual (issue-labeler-hand-tuned) was not logged by a run this API key can read: a user logged it, or the run's project is hidden from the key",
        ],
        [
          "an expected version that does not exist",
          { EXPECTED_DATA: "issues-train:gold" },
          '::error::EXPECTED_DATA: W&B has no version issues-train:gold in "github/predict-issue-labels" (no such collection or alias)',
        ],
      ] as const
    ) {
      await t.step(
        `${name}: exit 1, the input named, no file written`,
        async () => {
          await Deno.remove(`${workspace}/wandb_report.csv`).catch(() => {});
          const result = await run(inputs);
          assert.equal(result.code, 1, result.stderr);
          assert.equal(result.stderr.trim().split("\n").at(-1), message);
          const files = await readTree(workspace);
          assert.equal(files[`${workspace}/wandb_report.csv`], undefined);
          assert.deepEqual(
            Object.keys(files).filter((path) => path.endsWith(".partial")),
            [],
          );
        },
      );
    }

    await t.step("a malformed input: exit 2 before W&B is asked", async () => {
      fake.requests.length = 0;
      const result = await run({
        HISTORY_METRICS: "loss",
        HISTORY_SAMPLES: "many",
      });
      assert.equal(result.code, 2);
      assert.match(
        result.stderr.trim().split("\n").at(-1)!,
        /^::error::HISTORY_SAMPLES: /,
      );
      assert.equal(fake.requests.length, 0);
    });
  } finally {
    await fake.close();
    await parent.remove();
  }
});
