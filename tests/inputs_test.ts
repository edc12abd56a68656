import assert from "node:assert/strict";
import { InputError } from "../lib/errors.ts";
import {
  parseBaseUrl,
  parseInputs,
  type RawInputs,
} from "../lib/action/inputs.ts";

const KEY = "k".repeat(40);
const BASE: RawInputs = {
  WANDB_API_KEY: KEY,
  PROJECT_NAME: "github/predict-issue-labels",
  FILTER_GITHUB_SHA: "86edd034aaba1498dbae6465cf994de90be6a4b2",
};

function inputError(input: string, fragment: string) {
  return (error: unknown) =>
    error instanceof InputError && error.input === input &&
    error.message.includes(fragment) && !error.message.includes(KEY);
}

Deno.test("parseInputs fills the original's defaults", () => {
  const { inputs, notices } = parseInputs(BASE);
  assert.deepEqual(inputs, {
    apiKey: KEY,
    entity: "github",
    project: "predict-issue-labels",
    githubSha: "86edd034aaba1498dbae6465cf994de90be6a4b2",
    baselineTags: [],
    metrics: [],
    configVars: [],
    debug: false,
    baseUrl: "https://api.wandb.ai",
    appUrl: "https://wandb.ai",
    outputPath: "./wandb_report.csv",
    pageSize: 1000,
    report: {
      jobSummary: false,
      goals: [],
      comparedGoals: [],
      aggregate: "best",
      charts: true,
    },
    gates: {
      thresholds: [],
      failOnRegression: [],
      tolerance: { kind: "absolute", value: 0 },
      requireComplete: false,
    },
    failOnGate: false,
    evidence: {},
  });
  assert.deepEqual(notices, []);
});

Deno.test("parseInputs puts the CSV in GITHUB_WORKSPACE unless OUTPUT_PATH says otherwise", () => {
  assert.equal(
    parseInputs(BASE, { githubWorkspace: "/home/runner/work/repo/" }).inputs
      .outputPath,
    "/home/runner/work/repo/wandb_report.csv",
  );
  assert.equal(
    parseInputs({ ...BASE, OUTPUT_PATH: "out/runs.csv" }, {
      githubWorkspace: "/w",
    }).inputs.outputPath,
    "out/runs.csv",
  );
});

Deno.test("RUN_ID wins over the SHAs and says so", () => {
  const { inputs, notices } = parseInputs({
    ...BASE,
    RUN_ID: "e6lo523p",
    FILTER_SECONDARY_SHA: "data-v2",
  });
  assert.equal(inputs.runId, "e6lo523p");
  assert.equal(inputs.githubSha, undefined);
  assert.equal(inputs.secondarySha, undefined);
  assert.deepEqual(notices, [
    "RUN_ID is set, so FILTER_GITHUB_SHA and FILTER_SECONDARY_SHA are ignored",
  ]);
});

Deno.test("DEBUG is a strict switch", async (t) => {
  for (const word of ["true", "TRUE", "1", "yes", "On"]) {
    await t.step(`${word} is on`, () => {
      assert.equal(parseInputs({ ...BASE, DEBUG: word }).inputs.debug, true);
    });
  }
  for (const word of ["", "false", "False", "0", "no", "off"]) {
    await t.step(`${JSON.stringify(word)} is off`, () => {
      assert.equal(parseInputs({ ...BASE, DEBUG: word }).inputs.debug, false);
    });
  }
  await t.step("anything else is an error", () => {
    assert.throws(
      () => parseInputs({ ...BASE, DEBUG: "verbose" }),
      inputError(
        "DEBUG",
        'expected true or false (also 1/0, yes/no, on/off), got "verbose"',
      ),
    );
  });
});

Deno.test("each bad input is named in its error", async (t) => {
  const cases: [RawInputs, string, string][] = [
    [{ ...BASE, WANDB_API_KEY: "" }, "WANDB_API_KEY", "required"],
    [{ ...BASE, WANDB_API_KEY: "short" }, "WANDB_API_KEY", "at least 40"],
    [{ ...BASE, WANDB_API_KEY: `${KEY} x` }, "WANDB_API_KEY", "white space"],
    [{ ...BASE, PROJECT_NAME: undefined }, "PROJECT_NAME", "required"],
    [
      { ...BASE, PROJECT_NAME: "predict-issue-labels" },
      "PROJECT_NAME",
      'expected "entity/project", got "predict-issue-labels"',
    ],
    [{ ...BASE, PROJECT_NAME: "a/b/c" }, "PROJECT_NAME", "entity/project"],
    [
      { ...BASE, WANDB_APP_URL: "wandb.example" },
      "WANDB_APP_URL",
      "http(s) URL",
    ],
    [
      { ...BASE, WANDB_APP_URL: "https://u:secret@wandb.example" },
      "WANDB_APP_URL",
      "without credentials",
    ],
    [
      { ...BASE, WANDB_APP_URL: "javascript:alert(1)" },
      "WANDB_APP_URL",
      "http(s)",
    ],
    [{ ...BASE, PROJECT_NAME: "a/ b" }, "PROJECT_NAME", "entity/project"],
    [
      { ...BASE, FILTER_GITHUB_SHA: "" },
      "RUN_ID",
      "one of RUN_ID or FILTER_GITHUB_SHA is required",
    ],
    [
      { ...BASE, FILTER_GITHUB_SHA: undefined, FILTER_SECONDARY_SHA: "d1" },
      "FILTER_SECONDARY_SHA",
      "needs FILTER_GITHUB_SHA",
    ],
    [{ ...BASE, FILTER_GITHUB_SHA: "a b" }, "FILTER_GITHUB_SHA", "white space"],
    [
      { ...BASE, BASELINE_TAGS: "__import__('os').system('id')" },
      "BASELINE_TAGS",
      "expected a list",
    ],
    [
      { ...BASE, DISPLAY_METRICS: "['acc'" },
      "DISPLAY_METRICS",
      "expected a list",
    ],
    [
      { ...BASE, DISPLAY_CONFIG_VARS: "`id`" },
      "DISPLAY_CONFIG_VARS",
      "expected a list",
    ],
    [
      { ...BASE, WANDB_BASE_URL: "ftp://api.wandb.ai" },
      "WANDB_BASE_URL",
      "http(s)",
    ],
    [{ ...BASE, WANDB_BASE_URL: "not a url" }, "WANDB_BASE_URL", "http(s)"],
    [
      { ...BASE, WANDB_BASE_URL: "https://u:p@api.wandb.ai" },
      "WANDB_BASE_URL",
      "credentials",
    ],
    [
      { ...BASE, WANDB_BASE_URL: "http://wandb.example.com" },
      "WANDB_BASE_URL",
      "unencrypted",
    ],
    [{ ...BASE, PAGE_SIZE: "0" }, "PAGE_SIZE", 'got "0"'],
    [{ ...BASE, PAGE_SIZE: "many" }, "PAGE_SIZE", 'got "many"'],
    [{ ...BASE, HISTORY_SAMPLES: "1" }, "HISTORY_SAMPLES", 'got "1"'],
    [
      { ...BASE, HISTORY_METRICS: "`id`" },
      "HISTORY_METRICS",
      "expected a list",
    ],
    [{ ...BASE, CONVERGENCE: "['loss'" }, "CONVERGENCE", "expected a list"],
    [
      { ...BASE, DATA_ARTIFACT_TYPES: "$(id)" },
      "DATA_ARTIFACT_TYPES",
      "expected a list",
    ],
    [
      { ...BASE, REQUIRE_SAME_DATA: "always" },
      "REQUIRE_SAME_DATA",
      "true or false",
    ],
    [{ ...BASE, EXPECTED_DATA: "mnist" }, "EXPECTED_DATA", "has no alias"],
    [
      { ...BASE, BASELINE_ARTIFACT: "model" },
      "BASELINE_ARTIFACT",
      'got "model"',
    ],
    [{ ...BASE, SIGNIFICANCE: "0.5%" }, "SIGNIFICANCE", 'got "0.5%"'],
    [
      { ...BASE, BASELINE_AGGREGATE: "production" },
      "BASELINE_AGGREGATE",
      "needs BASELINE_ARTIFACT",
    ],
  ];
  for (const [raw, input, fragment] of cases) {
    await t.step(`${input}: ${fragment}`, () => {
      assert.throws(() => parseInputs(raw), inputError(input, fragment));
    });
  }
});

Deno.test("parseBaseUrl strips trailing slashes and allows plain http only on loopback", () => {
  assert.equal(parseBaseUrl("https://api.wandb.ai/"), "https://api.wandb.ai");
  assert.equal(
    parseBaseUrl("https://wandb.acme.io/api//"),
    "https://wandb.acme.io/api",
  );
  assert.equal(parseBaseUrl("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  assert.equal(parseBaseUrl("http://localhost:8080/"), "http://localhost:8080");
});

Deno.test("run links use WANDB_APP_URL when given, else the app derived from the API", () => {
  const app = (raw: RawInputs) =>
    parseInputs({ ...BASE, ...raw }).inputs.appUrl;
  assert.equal(app({}), "https://wandb.ai");
  assert.equal(
    app({ WANDB_BASE_URL: "https://api.acme.example" }),
    "https://app.acme.example",
  );
  assert.equal(
    app({
      WANDB_BASE_URL: "https://wandb-api.corp.example",
      WANDB_APP_URL: "https://wandb.corp.example/",
    }),
    "https://wandb.corp.example",
  );
  assert.throws(
    () => app({ WANDB_APP_URL: "https://u:secret@wandb.corp.example" }),
    (error: Error) => !error.message.includes("secret"),
  );
});

Deno.test("every list input takes a YAML list written in a block scalar", () => {
  const { inputs } = parseInputs({
    ...BASE,
    BASELINE_TAGS: "- baseline\n- reference\n",
    DISPLAY_METRICS: "- acc\n- loss\n",
    DISPLAY_CONFIG_VARS: "- learning_rate\n",
    FAIL_ON_REGRESSION: "  - loss\n",
    THRESHOLDS: "- acc>=0.5\n- loss <= 1\n",
    METRIC_GOALS: "- acc:max\n- loss:min\n",
    HISTORY_METRICS: "- loss\n- eval.f1\n",
    CONVERGENCE: "- val_loss\n",
    DATA_ARTIFACT_TYPES: "- dataset\n- raw_data\n",
    EXPECTED_DATA: "- mnist-test:latest\n- 'data/mnist-train:v3'\n",
  });
  assert.deepEqual(inputs.baselineTags, ["baseline", "reference"]);
  assert.deepEqual(inputs.metrics, ["acc", "loss"]);
  assert.deepEqual(inputs.configVars, ["learning_rate"]);
  assert.deepEqual(inputs.gates.failOnRegression, ["loss"]);
  assert.deepEqual(inputs.gates.thresholds, [
    { metric: "acc", operator: ">=", value: 0.5 },
    { metric: "loss", operator: "<=", value: 1 },
  ]);
  assert.deepEqual(
    inputs.report.goals.map((goal) => [goal.metric, goal.inferred]),
    [["acc", false], ["loss", false]],
  );
  assert.deepEqual(inputs.evidence.history?.metrics, [
    "loss",
    "eval.f1",
    "val_loss",
  ]);
  assert.deepEqual(inputs.evidence.history?.convergence, ["val_loss"]);
  assert.deepEqual(inputs.evidence.lineage?.types, ["dataset", "raw_data"]);
  assert.deepEqual(inputs.evidence.lineage?.expected, [
    { collection: "mnist-test", alias: "latest" },
    { project: "data", collection: "mnist-train", alias: "v3" },
  ]);
});

Deno.test("THRESHOLDS and METRIC_GOALS refuse a '- ' list mixed with other lines", async (t) => {
  for (
    const [input, text] of [
      ["THRESHOLDS", "- acc>=0.5\nloss<=1"],
      ["THRESHOLDS", "acc>=0.5, - loss<=1"],
      ["METRIC_GOALS", "- acc:max\nloss:min"],
    ] as const
  ) {
    await t.step(`${input}: ${JSON.stringify(text)}`, () => {
      assert.throws(
        () =>
          parseInputs({ ...BASE, DISPLAY_METRICS: "acc, loss", [input]: text }),
        inputError(input, "expected"),
      );
    });
  }
});

Deno.test("a short API key's message names the prefix it skipped and both counts", async (t) => {
  const cases: [string, string][] = [
    [
      "local-abcdefg",
      'WANDB_API_KEY: expected at least 40 characters after the prefix "local-", got 7 (13 in all)',
    ],
    [
      "abc",
      "WANDB_API_KEY: expected a W&B API key of at least 40 characters, got 3",
    ],
    // A "prefix" that is not a word may be part of the key: its length only.
    [
      "0123ab-cdef",
      'WANDB_API_KEY: expected at least 40 characters after the first "-" (a prefix of 7 characters, not shown), got 4 (11 in all)',
    ],
  ];
  for (const [key, message] of cases) {
    await t.step(message, () => {
      assert.throws(
        () => parseInputs({ ...BASE, WANDB_API_KEY: key }),
        (error: unknown) =>
          error instanceof InputError && error.message === message,
      );
    });
  }
  await t.step("a long enough key after its prefix is accepted", () => {
    assert.equal(
      parseInputs({ ...BASE, WANDB_API_KEY: `local-${KEY}` }).inputs.apiKey,
      `local-${KEY}`,
    );
  });
});

Deno.test("two outputs may not share a path", async (t) => {
  const cases: [RawInputs, string, string][] = [
    [
      { OUTPUT_PATH: "out/runs.csv", REPORT_MARKDOWN: "out/runs.csv" },
      "REPORT_MARKDOWN",
      'the same file as OUTPUT_PATH ("out/runs.csv")',
    ],
    [
      { OUTPUT_PATH: "./report", REPORT_JSON: "report" },
      "REPORT_JSON",
      'the same file as OUTPUT_PATH ("./report")',
    ],
    [
      { REPORT_MARKDOWN: "r.md", REPORT_JSON: "r.md" },
      "REPORT_JSON",
      'the same file as REPORT_MARKDOWN ("r.md")',
    ],
  ];
  for (const [raw, input, fragment] of cases) {
    await t.step(`${input}: ${fragment}`, () => {
      assert.throws(
        () => parseInputs({ ...BASE, ...raw }),
        inputError(input, fragment),
      );
    });
  }
});
