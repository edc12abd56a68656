import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { parseInputs, type RawInputs } from "../lib/action/inputs.ts";
import { runJob } from "../lib/action/job.ts";
import {
  captureLog,
  DEMO_SHA_OUTPUTS,
  readOutputsFile,
  readTree,
  startDemoWandb,
  tempFolder,
} from "./_helpers.ts";
import {
  DEMO_API_KEY,
  DEMO_SECONDARY_SHA,
  DEMO_SHA,
  generateRuns,
} from "../testing/fake_wandb/sample_data.ts";
import type { FakeFault, FakeWandb } from "../testing/fake_wandb/server.ts";

const HEADER = [
  "run.url",
  "run.name",
  "run.tags",
  "run.id",
  "run.entity",
  "run.project",
  "github_sha",
  "run.description",
];

interface Scenario {
  outputs: Record<string, string>;
  csv: string[][] | undefined;
  lines: string[];
  sleeps: number[];
  fake: FakeWandb;
  files: Record<string, string>;
  error?: Error;
}

/** Runs the job as the action would, against the demo fake, in a temp workspace. */
async function runScenario(
  raw: RawInputs,
  options: { faults?: FakeFault[]; previousCsv?: string } = {},
): Promise<Scenario> {
  const fake = startDemoWandb();
  const workspace = await tempFolder();
  try {
    fake.failNext(...options.faults ?? []);
    const csvPath = `${workspace.path}/wandb_report.csv`;
    const outputPath = `${workspace.path}/github_output`;
    await Deno.writeTextFile(outputPath, "");
    if (options.previousCsv !== undefined) {
      await Deno.writeTextFile(csvPath, options.previousCsv);
    }
    const { log, lines } = captureLog({ githubActions: true, debug: true });
    const sleeps: number[] = [];
    let error: Error | undefined;
    try {
      const { inputs } = parseInputs({
        WANDB_API_KEY: DEMO_API_KEY,
        PROJECT_NAME: "github/predict-issue-labels",
        WANDB_BASE_URL: fake.url,
        ...raw,
      }, { githubWorkspace: workspace.path });
      await runJob(inputs, {
        log,
        githubOutputPath: outputPath,
        printOutputs: () =>
          assert.fail("outputs go to GITHUB_OUTPUT in Actions"),
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        random: () => 0,
      });
    } catch (caught) {
      error = caught as Error;
    }
    const files = await readTree(workspace.path);
    const csvText = files[csvPath];
    return {
      outputs: readOutputsFile(files[outputPath]),
      csv: csvText === undefined ? undefined : parse(csvText),
      lines,
      sleeps,
      fake,
      files,
      error,
    };
  } finally {
    await fake.close();
    await workspace.remove();
  }
}

function assertNoKeyAnywhere(scenario: Scenario) {
  const everything = [
    ...scenario.lines,
    ...Object.values(scenario.files),
    scenario.error?.message ?? "",
  ].join("\n");
  assert.ok(!everything.includes(DEMO_API_KEY), "the API key leaked");
}

function url(fake: FakeWandb, runId: string) {
  return `${fake.url}/github/predict-issue-labels/runs/${runId}`;
}

/** The CSV the original action wrote for the demo project by SHA, baselines ['baseline', 'reference'], every metric and two config vars. */
function demoShaCsv(fake: FakeWandb): string[][] {
  const other = "1b7e4d2f9c03a8e5b6d1f4a7c2e9b0d3f5a8c6e1";
  const digest =
    "sha256:4c1e2a0f9d7b3e5a6c8d0f1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";
  const project = ["github", "predict-issue-labels"];
  return [
    [
      ...HEADER,
      "acc",
      "loss",
      "val_acc",
      "val_loss",
      "_docker_digest",
      "_learning_rate",
      "__eval.category",
    ],
    [
      url(fake, "15u8cbod"),
      "happy-frog-3",
      "['baseline', 'test']",
      "15u8cbod",
      ...project,
      DEMO_SHA,
      'Re-run of the baseline, "frozen" embeddings\nsecond line of the description',
      "0.8805969953536987",
      "0.6051486134529114",
      "0.5",
      "1.0803697109222412",
      "",
      "0.001",
      "candidate",
    ],
    [
      url(fake, "e6lo523p"),
      "dashing-leaf-4",
      "[]",
      "e6lo523p",
      ...project,
      DEMO_SHA,
      "",
      "0.8962264060974121",
      "0.5400477123260498",
      "1",
      "1.0541656017303467",
      "",
      "0.0005",
      "candidate",
    ],
    [
      url(fake, "v6q1n4ts"),
      "proud-star-9",
      "[]",
      "v6q1n4ts",
      ...project,
      DEMO_SHA,
      "",
      "0.9029850959777832",
      "0.5132960081100464",
      "0.875",
      "1.0227680206298828",
      digest,
      "0.0005",
      "candidate",
    ],
    [
      url(fake, "cqigzoxc"),
      "dandy-river-1",
      "['baseline']",
      "cqigzoxc",
      ...project,
      other,
      "",
      "0.9253731369972229",
      "0.44147372245788574",
      "0.375",
      "1.0953259468078613",
      "",
      "0.001",
      "baseline",
    ],
    [
      url(fake, "p9f3k7ra"),
      "silver-oak-2",
      "['baseline']",
      "p9f3k7ra",
      ...project,
      "",
      "Baseline trained by hand, before github_sha was logged",
      "0.9104477763175964",
      "0.4721580445766449",
      "0.625",
      "1.0712043046951294",
      "",
      "0.002",
      "baseline",
    ],
    [
      url(fake, "j5x2m8cw"),
      "gentle-fire-8",
      "['reference']",
      "j5x2m8cw",
      ...project,
      other,
      "",
      "0.9402984976768494",
      "0.3907356560230255",
      "0.75",
      "0.9927386045455933",
      "",
      "0.001",
      "baseline",
    ],
  ];
}

Deno.test("original scenario: by SHA with baselines ['baseline', 'reference']", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    BASELINE_TAGS: "['baseline', 'reference']",
    DISPLAY_METRICS: "['acc', 'loss', 'val_acc', 'val_loss']",
    DISPLAY_CONFIG_VARS: "['docker_digest', 'learning_rate']",
  });
  assert.equal(scenario.error, undefined);
  assert.deepEqual(scenario.outputs, DEMO_SHA_OUTPUTS);
  const { fake } = scenario;
  assert.deepEqual(scenario.csv, demoShaCsv(fake));
  assert.equal(fake.requests.length, 1, "both sets travel in one request");
  assertNoKeyAnywhere(scenario);
});

Deno.test("original scenario: by run id with baselines", async () => {
  const scenario = await runScenario({
    RUN_ID: "e6lo523p",
    BASELINE_TAGS: "['baseline']",
    DISPLAY_METRICS: "['acc', 'eval.f1']",
  });
  assert.equal(scenario.error, undefined);
  assert.deepEqual(scenario.outputs, {
    BOOL_COMPLETE: "True",
    BOOL_SINGLE_RUN: "True",
    NUM_FINISHED: "1",
    NUM_RUNNING: "0",
    NUM_CRASHED: "0",
    NUM_ABORTED: "0",
    NUM_BASELINES: "3",
    NUM_CANDIDATES: "1",
    NUM_FAILED: "0",
    NUM_PENDING: "0",
    NUM_PREEMPTED: "0",
    NUM_UNKNOWN: "0",
    BOOL_PASSED: "True",
    GATE_FAILURES: "",
  });
  assert.deepEqual(
    scenario.csv?.map((row) => [row[3], row.at(-3), row.at(-2), row.at(-1)]),
    [
      ["run.id", "acc", "eval.f1", "__eval.category"],
      ["e6lo523p", "0.8962264060974121", "0.8812154696132597", "candidate"],
      ["cqigzoxc", "0.9253731369972229", "", "baseline"],
      ["p9f3k7ra", "0.9104477763175964", "", "baseline"],
      ["15u8cbod", "0.8805969953536987", "", "baseline"],
    ],
  );
  assertNoKeyAnywhere(scenario);
});

Deno.test("original scenario: by SHA and secondary SHA", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    FILTER_SECONDARY_SHA: DEMO_SECONDARY_SHA,
    BASELINE_TAGS: "baseline",
    DISPLAY_METRICS: "acc",
  });
  assert.equal(scenario.error, undefined);
  assert.equal(scenario.outputs.BOOL_COMPLETE, "True");
  assert.equal(scenario.outputs.BOOL_SINGLE_RUN, "True");
  assert.equal(scenario.outputs.NUM_FINISHED, "1");
  assert.equal(scenario.outputs.NUM_BASELINES, "3");
  assert.deepEqual(
    scenario.csv?.slice(1).map((row) => [row[3], row.at(-1)]),
    [
      ["v6q1n4ts", "candidate"],
      ["cqigzoxc", "baseline"],
      ["p9f3k7ra", "baseline"],
      ["15u8cbod", "baseline"],
    ],
  );
});

Deno.test("a run that matches the SHA and carries a baseline tag is a candidate, once", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    BASELINE_TAGS: "['baseline']",
  });
  const rows = scenario.csv!.filter((row) => row[3] === "15u8cbod");
  assert.deepEqual(rows.map((row) => row.at(-1)), ["candidate"]);
});

Deno.test("nothing matched: a header-only CSV and zero counts", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: "0000000000000000000000000000000000000000",
    DISPLAY_METRICS: "acc",
  });
  assert.equal(scenario.error, undefined);
  assert.deepEqual(scenario.csv, [[...HEADER, "acc", "__eval.category"]]);
  assert.equal(scenario.outputs.BOOL_COMPLETE, "False");
  assert.equal(scenario.outputs.NUM_CANDIDATES, "0");
});

/** Runs the demo query by SHA with `faults` queued, over a workspace holding an earlier CSV. */
async function runWithWandbFaults(faults: FakeFault[]): Promise<Scenario> {
  return await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    BASELINE_TAGS: "baseline",
  }, { faults, previousCsv: "previous,report\n" });
}

/** W&B failures worth retrying, each with the waits taken before the answer that succeeds. */
const RETRIED_FAULTS: {
  name: string;
  faults: FakeFault[];
  sleeps: number[];
}[] = [
  {
    name: "429 with Retry-After, then success",
    faults: [{ kind: "status", status: 429, retryAfter: "3" }],
    sleeps: [3000],
  },
  {
    name: "503 twice, then success",
    faults: [{ kind: "status", status: 503 }, {
      kind: "status",
      status: 503,
    }],
    sleeps: [2000, 4000],
  },
  {
    name: "a body that is not JSON, then success",
    faults: [{
      kind: "rawBody",
      body: "<html><body>Bad gateway</body></html>",
      contentType: "text/html",
    }],
    sleeps: [2000],
  },
];

Deno.test("W&B failures worth retrying are retried with backoff, then the job succeeds", async (t) => {
  for (const { name, faults, sleeps } of RETRIED_FAULTS) {
    await t.step(name, async () => {
      const scenario = await runWithWandbFaults(faults);
      assert.deepEqual(scenario.sleeps, sleeps);
      assertNoKeyAnywhere(scenario);
      assert.equal(scenario.error, undefined);
      assert.equal(scenario.outputs.NUM_FINISHED, "3");
      assert.equal(scenario.csv?.length, 6);
    });
  }
});

/** W&B failures that end the job: the waits taken first, and the error it ends with. */
const FAILING_FAULTS: {
  name: string;
  faults: FakeFault[];
  sleeps: number[];
  message: RegExp;
}[] = [
  {
    name: "401: no retry",
    faults: [{
      kind: "status",
      status: 401,
      body: JSON.stringify({
        errors: [{ message: "permission denied" }],
      }),
    }],
    sleeps: [],
    message:
      /^WANDB_API_KEY: W&B refused the API key \(HTTP 401: permission denied\)/,
  },
  {
    name: "GraphQL errors with HTTP 200",
    faults: [{
      kind: "graphqlErrors",
      errors: [{ message: "query cost exceeded" }],
      data: { project: null },
    }],
    sleeps: [],
    message: /^W&B answered with an error: query cost exceeded$/,
  },
  {
    name: "a run node missing its state",
    faults: [{
      kind: "transform",
      transform: (body) => {
        delete body.data.project.candidates.edges[0].node.state;
        return body;
      },
    }],
    sleeps: [],
    message:
      /^W&B answered malformed data for run "15u8cbod" at data\.project\.candidates\.edges\.0\.node\.state: /,
  },
  {
    name: "500 on every attempt",
    faults: Array(5).fill({ kind: "status", status: 500 }),
    sleeps: [2000, 4000, 8000, 16000],
    message: /^W&B answered HTTP 500: .*\(gave up after 5 attempts/,
  },
];

Deno.test("W&B failures not worth retrying, or retried to the limit, end in one clear line, no outputs and the previous CSV untouched", async (t) => {
  for (const { name, faults, sleeps, message } of FAILING_FAULTS) {
    await t.step(name, async () => {
      const scenario = await runWithWandbFaults(faults);
      assert.deepEqual(scenario.sleeps, sleeps);
      assertNoKeyAnywhere(scenario);
      assert.match(scenario.error?.message ?? "", message);
      assert.ok(!scenario.error!.message.includes("\n"));
      assert.deepEqual(scenario.outputs, {}, "no outputs on failure");
      assert.deepEqual(scenario.csv, [["previous", "report"]], "CSV untouched");
      assert.equal(
        Object.keys(scenario.files).filter((path) => path.endsWith(".partial"))
          .length,
        0,
      );
    });
  }
});

Deno.test("a project that does not exist gets its own message", async () => {
  const scenario = await runScenario({
    PROJECT_NAME: "github/no-such-project",
    FILTER_GITHUB_SHA: DEMO_SHA,
  });
  assert.match(
    scenario.error?.message ?? "",
    /^PROJECT_NAME: W&B has no project "github\/no-such-project" at http:\/\/127\.0\.0\.1:\d+ that this API key can see$/,
  );
  assert.equal(scenario.csv, undefined);
});

Deno.test("a run id that does not exist gets its own message", async () => {
  const scenario = await runScenario({ RUN_ID: "nosuchid" });
  assert.equal(
    scenario.error?.message,
    'RUN_ID: W&B has no run "nosuchid" in project "github/predict-issue-labels"',
  );
  assert.equal(scenario.csv, undefined);
});

Deno.test("a wrong API key is refused without retries", async () => {
  const fake = startDemoWandb();
  const workspace = await tempFolder();
  try {
    const wrongKey = "wrong-" + "0".repeat(40);
    const { inputs } = parseInputs({
      WANDB_API_KEY: wrongKey,
      PROJECT_NAME: "github/predict-issue-labels",
      FILTER_GITHUB_SHA: DEMO_SHA,
      WANDB_BASE_URL: fake.url,
      OUTPUT_PATH: `${workspace.path}/out.csv`,
    });
    const { log } = captureLog();
    await assert.rejects(
      runJob(inputs, { log, printOutputs: () => {} }),
      (error: Error) =>
        error.message.startsWith(
          "WANDB_API_KEY: W&B refused the API key (HTTP 401",
        ) && !error.message.includes(wrongKey),
    );
    assert.equal(fake.requests.length, 1);
    assert.deepEqual(await readTree(workspace.path), {});
  } finally {
    await fake.close();
    await workspace.remove();
  }
});

Deno.test("a threshold on a metric that is not displayed is still judged", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    DISPLAY_METRICS: "acc",
    THRESHOLDS: "loss<=1",
  });
  assert.equal(scenario.error, undefined, scenario.error?.message);
  assert.equal(scenario.outputs.GATE_FAILURES, "");
  assert.equal(scenario.outputs.BOOL_PASSED, "True");
  assert.deepEqual(scenario.fake.requests[0].variables.summaryKeys, [
    "acc",
    "loss",
  ]);
  assert.deepEqual(scenario.csv?.[0].slice(8), ["acc", "__eval.category"]);
});

Deno.test("FAIL_ON_REGRESSION on a metric that is not displayed is fetched and judged, like a threshold", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    BASELINE_TAGS: "baseline",
    DISPLAY_METRICS: "acc",
    FAIL_ON_REGRESSION: "loss",
  });
  assert.equal(scenario.error, undefined, scenario.error?.message);
  assert.deepEqual(scenario.fake.requests[0].variables.summaryKeys, [
    "acc",
    "loss",
  ]);
  assert.equal(scenario.outputs.BOOL_PASSED, "False");
  // Every finished candidate lost more than the best baseline (cqigzoxc, 0.4415).
  assert.deepEqual(scenario.outputs.GATE_FAILURES.split("\n"), [
    "happy-frog-3 (15u8cbod): loss = 0.6051 is worse than the baseline 0.4415 by 0.1637 (tolerance 0)",
    "dashing-leaf-4 (e6lo523p): loss = 0.54 is worse than the baseline 0.4415 by 0.09857 (tolerance 0)",
    "proud-star-9 (v6q1n4ts): loss = 0.5133 is worse than the baseline 0.4415 by 0.07182 (tolerance 0)",
  ]);
  // Judged, not shown: the CSV's columns are those of DISPLAY_METRICS.
  assert.deepEqual(scenario.csv?.[0].slice(8), ["acc", "__eval.category"]);
});

Deno.test("WANDB_APP_URL sets where run links point, in the CSV and the report", async () => {
  const scenario = await runScenario({
    RUN_ID: "e6lo523p",
    WANDB_APP_URL: "https://wandb.corp.example",
    BASELINE_AGGREGATE: "best",
  });
  assert.equal(scenario.error, undefined, scenario.error?.message);
  const link =
    "https://wandb.corp.example/github/predict-issue-labels/runs/e6lo523p";
  assert.equal(scenario.csv?.[1][0], link);
  const report = Object.entries(scenario.files).find(([path]) =>
    path.endsWith(".md")
  )?.[1];
  assert.ok(report?.includes(`(${link})`));
});

Deno.test("the closing line counts every state a candidate is in", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    BASELINE_TAGS: "['baseline', 'reference']",
  });
  assert.equal(scenario.error, undefined, scenario.error?.message);
  const closing = scenario.lines.find((line) =>
    line.includes("candidate run(s)")
  );
  assert.match(
    closing ?? "",
    /^6 candidate run\(s\) \(3 finished, 1 running, 1 crashed, 1 killed\) and 3 baseline run\(s\) in github\/predict-issue-labels; CSV written to .*wandb_report\.csv in 1 request\(s\)$/,
  );
});

Deno.test("the closing line of an empty result lists no states", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: "0".repeat(40),
  });
  assert.ok(
    scenario.lines.some((line) =>
      line.startsWith("0 candidate run(s) and 0 baseline run(s) in ")
    ),
    scenario.lines.join("\n"),
  );
});

Deno.test("a short FILTER_GITHUB_SHA that matched nothing gets a warning saying why", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA.slice(0, 7),
    BASELINE_TAGS: "baseline",
  });
  assert.equal(scenario.error, undefined, scenario.error?.message);
  assert.equal(scenario.outputs.NUM_CANDIDATES, "0");
  assert.deepEqual(
    scenario.lines.filter((line) => line.startsWith("::warning::")),
    [
      `::warning::FILTER_GITHUB_SHA: no run has config github_sha "${
        DEMO_SHA.slice(0, 7)
      }" (7 characters); W&B compares the whole value, and training jobs usually log the full 40-character SHA: pass the full SHA`,
    ],
  );
});

Deno.test("a short FILTER_GITHUB_SHA that runs logged as it is still matches, without a warning", async () => {
  const short = "86edd03";
  const fake = startDemoWandb([{
    entity: "github",
    name: "short-shas",
    runs: generateRuns(2, { sha: short }),
  }]);
  const workspace = await tempFolder();
  try {
    const { log, lines } = captureLog({ githubActions: true });
    const { inputs } = parseInputs({
      WANDB_API_KEY: DEMO_API_KEY,
      PROJECT_NAME: "github/short-shas",
      FILTER_GITHUB_SHA: short,
      WANDB_BASE_URL: fake.url,
    }, { githubWorkspace: workspace.path });
    const result = await runJob(inputs, { log, printOutputs: () => {} });
    assert.equal(result.outputs.NUM_CANDIDATES, "2");
    assert.deepEqual(
      lines.filter((line) => line.startsWith("::warning::")),
      [],
    );
  } finally {
    await fake.close();
    await workspace.remove();
  }
});

Deno.test("a full SHA that matched nothing gets no warning", async () => {
  const scenario = await runScenario({ FILTER_GITHUB_SHA: "0".repeat(40) });
  assert.deepEqual(
    scenario.lines.filter((line) => line.startsWith("::warning::")),
    [],
  );
});

Deno.test("BASELINE_TAGS written as a YAML list finds the baselines", async () => {
  const scenario = await runScenario({
    FILTER_GITHUB_SHA: DEMO_SHA,
    BASELINE_TAGS: "- baseline\n- reference\n",
  });
  assert.equal(scenario.error, undefined, scenario.error?.message);
  assert.deepEqual(scenario.outputs, DEMO_SHA_OUTPUTS);
  assert.deepEqual(
    JSON.parse(scenario.fake.requests[0].variables.baselinesFilters as string)
      .$and[0],
    { tags: { $in: ["baseline", "reference"] } },
  );
});
