import assert from "node:assert/strict";
import { parse as parseCsv } from "csv-parse/sync";
import { ENVIRONMENT_VARIABLES } from "../cli.ts";
import { INPUT_NAMES } from "../lib/action/inputs.ts";
import { countRuns, countsAsOutputs } from "../lib/review/run_counts.ts";
import { gateOutputs } from "../lib/review/gates.ts";
import {
  DEMO_SHA_OUTPUTS,
  readOutputsFile,
  readTree,
  startDemoWandb,
  tempFolder,
} from "./_helpers.ts";
import { action, ACTION_TEXT, runActionStep, runStep } from "./_action_step.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";
import { startFakeGithub } from "../testing/fake_github/server.ts";

Deno.test("action.yml is a composite action with the original's inputs and more", () => {
  assert.equal(action.runs.using, "composite");
  assert.deepEqual(Object.keys(action.inputs), [...INPUT_NAMES]);
  assert.equal(action.inputs.WANDB_API_KEY.required, true);
  assert.equal(action.inputs.PROJECT_NAME.required, true);
});

Deno.test("every input reaches the program through env:, never through ${{ }} in run:", () => {
  assert.ok(!runStep.run!.includes("${{"), "no expression inside run:");
  assert.equal(runStep.shell, "bash");
  assert.deepEqual(runStep.env, {
    DENO_DIR: "${{ runner.temp }}/wandb-runs-deno-dir",
    ...Object.fromEntries(
      INPUT_NAMES.map((name) => [`INPUT_${name}`, `\${{ inputs.${name} }}`]),
    ),
  });
  for (const step of action.runs.steps) {
    if (step.run !== undefined) assert.ok(step.shell, "every run: has shell:");
  }
});

Deno.test("third-party actions are pinned to a full commit SHA with the version in a comment", () => {
  const usesLines = ACTION_TEXT.split("\n").filter((line) =>
    /^\s*-?\s*uses:/.test(line)
  );
  assert.ok(usesLines.length > 0);
  for (const line of usesLines) {
    assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  }
});

Deno.test("every output is declared, from the report step, in the CLI's order", () => {
  const expected = Object.keys({
    ...countsAsOutputs(countRuns({ candidates: [], baselines: [] })),
    ...gateOutputs({ enabled: false, passed: true, failures: [] }),
  });
  assert.deepEqual(Object.keys(action.outputs), expected);
  for (const [name, output] of Object.entries(action.outputs)) {
    assert.equal(output.value, `\${{ steps.report.outputs.${name} }}`);
    assert.ok(output.description.length > 10);
  }
  assert.equal(runStep.id, "report");
});

Deno.test("the run: step grants exactly the environment variables the CLI reads", () => {
  const match = runStep.run!.match(/env_names="([^"]+)"/);
  assert.ok(match);
  assert.deepEqual(
    match[1].split(",").sort(),
    [...ENVIRONMENT_VARIABLES].sort(),
  );
  assert.match(runStep.run!, /--allow-net="\$net"/);
  assert.doesNotMatch(runStep.run!, /--allow-all|-A\b|--allow-run|--allow-ffi/);
});

Deno.test("the run: step works as GitHub runs it, with only the permissions it grants", async (t) => {
  const fake = startDemoWandb();
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  try {
    await t.step("a query by SHA writes the CSV and the outputs", async () => {
      const result = await runActionStep({
        WANDB_API_KEY: DEMO_API_KEY,
        PROJECT_NAME: "github/predict-issue-labels",
        FILTER_GITHUB_SHA: DEMO_SHA,
        BASELINE_TAGS: "['baseline', 'reference']",
        DISPLAY_METRICS: "['acc', 'loss']",
        DISPLAY_CONFIG_VARS: "['learning_rate']",
        WANDB_BASE_URL: fake.url,
      }, workspace);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.split("\n")[0], `::add-mask::${DEMO_API_KEY}`);
      const files = await readTree(workspace);
      assert.deepEqual(
        readOutputsFile(files[`${workspace}/github_output`]),
        DEMO_SHA_OUTPUTS,
      );
      const rows: string[][] = parseCsv(files[`${workspace}/wandb_report.csv`]);
      assert.equal(rows.length, 7);
      assert.deepEqual(rows[0].slice(8), [
        "acc",
        "loss",
        "_learning_rate",
        "__eval.category",
      ]);
      const everything = [
        result.stdout.replaceAll(`::add-mask::${DEMO_API_KEY}`, ""),
        result.stderr,
        ...Object.values(files),
      ].join("\n");
      assert.ok(!everything.includes(DEMO_API_KEY), "the key leaked");
    });

    await t.step(
      "a bad input fails with exit 2, an ::error:: and no CSV",
      async () => {
        await Deno.remove(`${workspace}/wandb_report.csv`).catch(() => {});
        const result = await runActionStep({
          WANDB_API_KEY: DEMO_API_KEY,
          PROJECT_NAME: "predict-issue-labels",
          FILTER_GITHUB_SHA: DEMO_SHA,
          WANDB_BASE_URL: fake.url,
        }, workspace);
        assert.equal(result.code, 2);
        assert.equal(
          result.stderr.trim().split("\n").at(-1),
          '::error::PROJECT_NAME: expected "entity/project", got "predict-issue-labels"',
        );
        const files = await readTree(workspace);
        assert.equal(files[`${workspace}/wandb_report.csv`], undefined);
        assert.equal(files[`${workspace}/github_output`], "");
      },
    );

    await t.step(
      "a custom OUTPUT_PATH in a new folder is created and granted",
      async () => {
        const result = await runActionStep({
          WANDB_API_KEY: DEMO_API_KEY,
          PROJECT_NAME: "github/predict-issue-labels",
          RUN_ID: "e6lo523p",
          WANDB_BASE_URL: fake.url,
          OUTPUT_PATH: "reports/runs.csv",
        }, workspace);
        assert.equal(result.code, 0, result.stderr);
        const csv = await Deno.readTextFile(`${workspace}/reports/runs.csv`);
        assert.equal(csv.trim().split("\n").length, 2);
      },
    );
  } finally {
    await fake.close();
    await parent.remove();
  }
});

Deno.test("report and gates through the run: step: files and summary first, then exit 3", async () => {
  const fake = startDemoWandb();
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  const summary = `${workspace}/step_summary.md`;
  await Deno.writeTextFile(summary, "earlier step\n");
  try {
    const result = await runActionStep(
      {
        WANDB_API_KEY: DEMO_API_KEY,
        PROJECT_NAME: "github/predict-issue-labels",
        FILTER_GITHUB_SHA: DEMO_SHA,
        BASELINE_TAGS: "baseline",
        DISPLAY_METRICS: "acc, val_loss",
        WANDB_BASE_URL: fake.url,
        THRESHOLDS: "acc>=0.89",
        FAIL_ON_GATE: "true",
        REPORT_JSON: "out/report.json",
      },
      workspace,
      { GITHUB_STEP_SUMMARY: summary },
    );
    assert.equal(result.code, 3, result.stderr);
    assert.match(
      result.stderr,
      /^::error::Gate: happy-frog-3 \(15u8cbod\): acc = 0\.8806, needs acc >= 0\.89$/m,
    );
    const files = await readTree(workspace);
    const outputs = readOutputsFile(files[`${workspace}/github_output`]);
    assert.equal(outputs.BOOL_PASSED, "False");
    assert.equal(
      outputs.GATE_FAILURES,
      "happy-frog-3 (15u8cbod): acc = 0.8806, needs acc >= 0.89",
    );
    const markdown = files[`${workspace}/wandb_report.md`];
    assert.match(markdown, /^\*\*❌ 1 gate failure\*\* · /m);
    assert.ok(files[summary].startsWith(`earlier step\n${markdown}`));
    const json = JSON.parse(files[`${workspace}/out/report.json`]);
    assert.equal(json.gate.passed, false);
    assert.deepEqual(
      json.runs.filter((run: { gateFailures: string[] }) =>
        run.gateFailures.length > 0
      ).map((run: { runId: string }) => run.runId),
      ["15u8cbod"],
    );
  } finally {
    await fake.close();
    await parent.remove();
  }
});

const COMMENT_TOKEN = "ghs_" + "t".repeat(36);

/**
 * What COMMENT through the run: step needs: the demo W&B, a GitHub whose
 * pull request 7 already holds 75 unrelated comments (three pages), a
 * workspace, and the runner's event file holding `event`.
 */
async function startCommentFixture(event: unknown) {
  const fake = startDemoWandb();
  const existing = Array.from({ length: 75 }, (_, index) => ({
    id: index + 1,
    body: `unrelated comment ${index + 1}`,
  }));
  const github = startFakeGithub({
    token: COMMENT_TOKEN,
    repository: "octo/model",
    pullNumber: 7,
    comments: existing,
    maxPerPage: 30,
  });
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  const eventPath = `${parent.path}/event.json`;
  await Deno.writeTextFile(eventPath, JSON.stringify(event));
  return {
    github,
    parent: parent.path,
    workspace,
    inputs: {
      WANDB_API_KEY: DEMO_API_KEY,
      PROJECT_NAME: "github/predict-issue-labels",
      FILTER_GITHUB_SHA: DEMO_SHA,
      BASELINE_TAGS: "baseline",
      DISPLAY_METRICS: "acc",
      WANDB_BASE_URL: fake.url,
      COMMENT: "true",
      GITHUB_TOKEN: COMMENT_TOKEN,
    },
    runnerEnv: {
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "octo/model",
    },
    async close() {
      await fake.close();
      await github.close();
      await parent.remove();
    },
  };
}

Deno.test("COMMENT through the run: step posts one sticky comment, and the rerun updates it in place", async () => {
  const { github, workspace, inputs, runnerEnv, close } =
    await startCommentFixture({ pull_request: { number: 7 } });
  try {
    for (const _ of [1, 2]) {
      const result = await runActionStep(inputs, workspace, runnerEnv);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(!`${result.stdout}${result.stderr}`.includes(COMMENT_TOKEN));
    }
    assert.equal(github.comments.length, 76);
    const ours = github.comments.filter((comment) =>
      comment.body.includes("<!-- wandb-runs-report:default -->")
    );
    assert.equal(ours.length, 1);
    assert.match(ours[0].body, /### W&B runs in/);
    const posts = github.requests.filter((request) =>
      request.method === "POST"
    );
    const patches = github.requests.filter((request) =>
      request.method === "PATCH"
    );
    assert.deepEqual([posts.length, patches.length], [1, 1]);
  } finally {
    await close();
  }
});

Deno.test("COMMENT outside a pull request only warns, naming where the report is", async (t) => {
  const { parent, workspace, inputs, runnerEnv, close } =
    await startCommentFixture({ ref: "main" });
  const withSummary = {
    ...runnerEnv,
    GITHUB_STEP_SUMMARY: `${parent}/step_summary.md`,
  };
  try {
    await t.step("a push event only warns", async () => {
      const result = await runActionStep(inputs, workspace, withSummary);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stderr,
        /^::warning::COMMENT: this run is not for a pull request, so no comment was posted; the report is in the job summary$/m,
      );
    });
    await t.step(
      "with JOB_SUMMARY off, the warning names the Markdown file instead",
      async () => {
        const result = await runActionStep(
          { ...inputs, JOB_SUMMARY: "false" },
          workspace,
          withSummary,
        );
        assert.equal(result.code, 0, result.stderr);
        const warning = result.stderr.split("\n").find((line) =>
          line.startsWith("::warning::COMMENT:")
        );
        assert.equal(
          warning,
          `::warning::COMMENT: this run is not for a pull request, so no comment was posted; the report is in ${workspace}/wandb_report.md`,
        );
      },
    );
  } finally {
    await close();
  }
});

Deno.test("COMMENT with a fork's read-only token warns and still writes everything", async () => {
  const fake = startDemoWandb();
  const token = "ghs_" + "r".repeat(36);
  const github = startFakeGithub({
    token,
    repository: "octo/model",
    readOnly: true,
  });
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  const eventPath = `${parent.path}/event.json`;
  await Deno.writeTextFile(
    eventPath,
    JSON.stringify({ pull_request: { number: 1 } }),
  );
  try {
    const result = await runActionStep(
      {
        WANDB_API_KEY: DEMO_API_KEY,
        PROJECT_NAME: "github/predict-issue-labels",
        FILTER_GITHUB_SHA: DEMO_SHA,
        WANDB_BASE_URL: fake.url,
        COMMENT: "true",
        GITHUB_TOKEN: token,
      },
      workspace,
      {
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: "octo/model",
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^::warning::COMMENT: .*read-only GITHUB_TOKEN/m,
    );
    const files = await readTree(workspace);
    assert.ok(files[`${workspace}/wandb_report.csv`]);
    assert.ok(files[`${workspace}/wandb_report.md`]);
    assert.equal(
      readOutputsFile(files[`${workspace}/github_output`]).NUM_FINISHED,
      "3",
    );
  } finally {
    await fake.close();
    await github.close();
    await parent.remove();
  }
});
