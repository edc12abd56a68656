/** The evidence inputs: training curves, data lineage, the production baseline and significance. */
import assert from "node:assert/strict";
import { InputError } from "../lib/errors.ts";
import {
  type InputName,
  parseInputs,
  type RawInputs,
} from "../lib/action/inputs.ts";

const BASE: RawInputs = {
  WANDB_API_KEY: "k".repeat(40),
  PROJECT_NAME: "github/predict-issue-labels",
  FILTER_GITHUB_SHA: "86edd034aaba1498dbae6465cf994de90be6a4b2",
};

const LIST_EXPECTED =
  `expected a list like ['acc', 'loss'], a JSON array, comma-separated names or one "- name" per line`;
const ARTIFACT_EXPECTED =
  "expected entity/project/name:alias, project/name:alias or [org/]wandb-registry-<registry>/name:alias";

function evidenceOf(raw: RawInputs) {
  return parseInputs({ ...BASE, ...raw }).inputs.evidence;
}

/** Asserts that `raw` is refused with exactly `message`, an InputError naming `input`. */
function assertRefused(raw: RawInputs, input: InputName, message: string) {
  assert.throws(
    () => parseInputs({ ...BASE, ...raw }),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.input, input);
      assert.equal(error.message, message);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    },
  );
}

Deno.test("unset, or at action.yml's defaults, the evidence inputs ask for nothing", async (t) => {
  for (
    const [name, raw] of [
      ["unset", {}],
      ["action.yml's defaults", {
        HISTORY_SAMPLES: "200",
        REQUIRE_SAME_DATA: "false",
      }],
      ["empty", {
        HISTORY_METRICS: "",
        HISTORY_SAMPLES: " ",
        CONVERGENCE: "",
        DATA_ARTIFACT_TYPES: "",
        REQUIRE_SAME_DATA: "",
        EXPECTED_DATA: "",
        BASELINE_ARTIFACT: "  ",
        SIGNIFICANCE: "",
      }],
    ] as [string, RawInputs][]
  ) {
    await t.step(name, () => {
      const { inputs } = parseInputs({ ...BASE, ...raw });
      assert.deepEqual(inputs.evidence, {});
      assert.equal(inputs.report.markdownPath, undefined, "no report asked");
    });
  }
});

Deno.test("HISTORY_METRICS: a list of history keys, sampled 200 points each unless HISTORY_SAMPLES says otherwise", async (t) => {
  await t.step("the issue's example", () => {
    assert.deepEqual(evidenceOf({ HISTORY_METRICS: "['loss', 'val_loss']" }), {
      history: { metrics: ["loss", "val_loss"], samples: 200, convergence: [] },
    });
  });
  await t.step(
    "every list spelling, a dotted key kept whole, each once",
    () => {
      for (
        const text of [
          '["loss", "eval.f1", "loss"]',
          "loss, eval.f1, loss",
          "- loss\n- eval.f1\n- loss\n",
        ]
      ) {
        assert.deepEqual(
          evidenceOf({ HISTORY_METRICS: text }).history?.metrics,
          ["loss", "eval.f1"],
          text,
        );
      }
    },
  );
  await t.step("HISTORY_SAMPLES from 2 to 10000", () => {
    for (
      const [text, samples] of [["2", 2], [" 500 ", 500], [
        "10000",
        10000,
      ]] as const
    ) {
      assert.equal(
        evidenceOf({ HISTORY_METRICS: "loss", HISTORY_SAMPLES: text }).history
          ?.samples,
        samples,
      );
    }
  });
  await t.step("an empty list is unset", () => {
    assert.deepEqual(evidenceOf({ HISTORY_METRICS: "[]" }), {});
  });
});

Deno.test("CONVERGENCE metrics are added to the history metrics", async (t) => {
  await t.step("after HISTORY_METRICS, without repeating one", () => {
    assert.deepEqual(
      evidenceOf({
        HISTORY_METRICS: "loss, val_acc",
        CONVERGENCE: "val_loss, loss",
        HISTORY_SAMPLES: "50",
      }),
      {
        history: {
          metrics: ["loss", "val_acc", "val_loss"],
          samples: 50,
          convergence: ["val_loss", "loss"],
        },
      },
    );
  });
  await t.step("alone, it asks for the history by itself", () => {
    assert.deepEqual(evidenceOf({ CONVERGENCE: "['val_loss']" }), {
      history: {
        metrics: ["val_loss"],
        samples: 200,
        convergence: ["val_loss"],
      },
    });
  });
});

Deno.test("data lineage is asked for by DATA_ARTIFACT_TYPES, REQUIRE_SAME_DATA or EXPECTED_DATA", async (t) => {
  await t.step(
    "DATA_ARTIFACT_TYPES shows the column, its types each once",
    () => {
      assert.deepEqual(
        evidenceOf({
          DATA_ARTIFACT_TYPES: "['dataset', 'raw_data', 'dataset']",
        }),
        {
          lineage: {
            types: ["dataset", "raw_data"],
            showColumn: true,
            requireSameData: false,
            expected: [],
          },
        },
      );
    },
  );
  await t.step("REQUIRE_SAME_DATA alone: dataset, no column", () => {
    assert.deepEqual(evidenceOf({ REQUIRE_SAME_DATA: "true" }), {
      lineage: {
        types: ["dataset"],
        showColumn: false,
        requireSameData: true,
        expected: [],
      },
    });
  });
  await t.step("REQUIRE_SAME_DATA takes the switch words", () => {
    for (const word of ["TRUE", "1", "yes", "On"]) {
      assert.equal(
        evidenceOf({ REQUIRE_SAME_DATA: word }).lineage?.requireSameData,
        true,
      );
    }
    for (const word of ["false", "0", "no", "OFF"]) {
      assert.equal(evidenceOf({ REQUIRE_SAME_DATA: word }).lineage, undefined);
    }
  });
});

Deno.test("EXPECTED_DATA alone asks for lineage, each artifact path kept as written", () => {
  assert.deepEqual(
    evidenceOf({
      EXPECTED_DATA:
        "['mnist-test:latest', 'data/mnist-train:v3', 'acme/data/labels:gold', 'wandb-registry-dataset/mnist:production']",
    }),
    {
      lineage: {
        types: ["dataset"],
        showColumn: false,
        requireSameData: false,
        expected: [
          { collection: "mnist-test", alias: "latest" },
          { project: "data", collection: "mnist-train", alias: "v3" },
          {
            entity: "acme",
            project: "data",
            collection: "labels",
            alias: "gold",
          },
          {
            project: "wandb-registry-dataset",
            collection: "mnist",
            alias: "production",
          },
        ],
      },
    },
  );
});

Deno.test("the three lineage inputs together", () => {
  assert.deepEqual(
    evidenceOf({
      DATA_ARTIFACT_TYPES: "- raw_data\n",
      REQUIRE_SAME_DATA: "yes",
      EXPECTED_DATA: "- mnist-test:latest\n",
    }).lineage,
    {
      types: ["raw_data"],
      showColumn: true,
      requireSameData: true,
      expected: [{ collection: "mnist-test", alias: "latest" }],
    },
  );
});

Deno.test("BASELINE_ARTIFACT: a project's artifact or a W&B Registry's, kept as written", async (t) => {
  const cases: [string, object][] = [
    ["acme/models/issue-labeler:production", {
      entity: "acme",
      project: "models",
      collection: "issue-labeler",
      alias: "production",
    }],
    ["models/issue-labeler:production", {
      project: "models",
      collection: "issue-labeler",
      alias: "production",
    }],
    ["wandb-registry-model/issue-labeler:production", {
      project: "wandb-registry-model",
      collection: "issue-labeler",
      alias: "production",
    }],
    ["acme-org/wandb-registry-model/issue-labeler:production", {
      entity: "acme-org",
      project: "wandb-registry-model",
      collection: "issue-labeler",
      alias: "production",
    }],
    ["models/issue-labeler:release/2026:q3", {
      project: "models",
      collection: "issue-labeler",
      alias: "release/2026:q3",
    }],
    [" models/issue-labeler:v12 ", {
      project: "models",
      collection: "issue-labeler",
      alias: "v12",
    }],
  ];
  for (const [text, path] of cases) {
    await t.step(text, () => {
      assert.deepEqual(evidenceOf({ BASELINE_ARTIFACT: text }), {
        productionArtifact: path,
      });
    });
  }
});

Deno.test("BASELINE_AGGREGATE production compares with BASELINE_ARTIFACT's run, so it needs one", async (t) => {
  await t.step("with BASELINE_ARTIFACT, in any case", () => {
    const { inputs } = parseInputs({
      ...BASE,
      BASELINE_AGGREGATE: "Production",
      BASELINE_ARTIFACT: "wandb-registry-model/issue-labeler:production",
    });
    assert.equal(inputs.report.aggregate, "production");
    assert.equal(
      inputs.evidence.productionArtifact?.collection,
      "issue-labeler",
    );
  });
  await t.step("without it, refused naming both inputs", () => {
    assertRefused(
      { BASELINE_AGGREGATE: "production" },
      "BASELINE_AGGREGATE",
      "BASELINE_AGGREGATE: production needs BASELINE_ARTIFACT, the production artifact such as entity/project/model:production",
    );
  });
  await t.step("an unknown word lists production among the choices", () => {
    assertRefused(
      { BASELINE_AGGREGATE: "median" },
      "BASELINE_AGGREGATE",
      'BASELINE_AGGREGATE: expected best, mean, latest or production, got "median"',
    );
  });
  await t.step("BASELINE_ARTIFACT with another aggregate is kept", () => {
    const { inputs } = parseInputs({
      ...BASE,
      BASELINE_AGGREGATE: "mean",
      BASELINE_ARTIFACT: "acme/models/labeler:production",
    });
    assert.equal(inputs.report.aggregate, "mean");
    assert.equal(inputs.evidence.productionArtifact?.entity, "acme");
  });
});

Deno.test("SIGNIFICANCE: a number strictly between 0 and 1", async (t) => {
  for (
    const [text, level] of [["0.05", 0.05], [".01", 0.01], [" 0.5 ", 0.5], [
      "0.999",
      0.999,
    ]] as const
  ) {
    await t.step(text, () => {
      assert.deepEqual(evidenceOf({ SIGNIFICANCE: text }), {
        significance: level,
      });
    });
  }
});

/** The message for a malformed `HISTORY_SAMPLES`. */
function samples(text: string): string {
  return `HISTORY_SAMPLES: expected a whole number from 2 to 10000, got ${
    JSON.stringify(text)
  }`;
}

/** The message for a malformed `BASELINE_ARTIFACT`. */
function artifact(text: string, reason?: string): string {
  return `BASELINE_ARTIFACT: ${ARTIFACT_EXPECTED}, got ${JSON.stringify(text)}${
    reason === undefined ? "" : `, which ${reason}`
  }`;
}

/** The message for a malformed `SIGNIFICANCE`. */
function significance(text: string): string {
  return `SIGNIFICANCE: expected a number between 0 and 1 (both excluded) such as 0.05, got ${
    JSON.stringify(text)
  }`;
}

/** The message for a malformed `EXPECTED_DATA` entry: its number, text and problem. */
function expectedData(entry: string): string {
  return `EXPECTED_DATA: entry ${entry}: expected name:alias such as mnist-test:latest`;
}

/** Each malformed value with the input named and the whole message. */
const MALFORMED: [RawInputs, InputName, string][] = [
  // Checked even when no history is asked for.
  [{ HISTORY_SAMPLES: "abc" }, "HISTORY_SAMPLES", samples("abc")],
  [
    { HISTORY_METRICS: "loss", HISTORY_SAMPLES: "1" },
    "HISTORY_SAMPLES",
    samples("1"),
  ],
  [
    { HISTORY_METRICS: "loss", HISTORY_SAMPLES: "10001" },
    "HISTORY_SAMPLES",
    samples("10001"),
  ],
  [{ HISTORY_SAMPLES: "2.5" }, "HISTORY_SAMPLES", samples("2.5")],
  [{ HISTORY_SAMPLES: "-5" }, "HISTORY_SAMPLES", samples("-5")],
  [{ HISTORY_SAMPLES: "1e3" }, "HISTORY_SAMPLES", samples("1e3")],
  [{ HISTORY_SAMPLES: "0x10" }, "HISTORY_SAMPLES", samples("0x10")],
  [
    { HISTORY_METRICS: "['loss', '']" },
    "HISTORY_METRICS",
    `HISTORY_METRICS: ${LIST_EXPECTED}; found an empty name`,
  ],
  [
    { HISTORY_METRICS: "__import__('os')" },
    "HISTORY_METRICS",
    `HISTORY_METRICS: ${LIST_EXPECTED}; "__import__('os')" is not a plain name`,
  ],
  [
    { CONVERGENCE: "$(id)" },
    "CONVERGENCE",
    `CONVERGENCE: ${LIST_EXPECTED}; "$(id)" is not a plain name`,
  ],
  [
    { CONVERGENCE: "['val_loss'" },
    "CONVERGENCE",
    `CONVERGENCE: ${LIST_EXPECTED}; cannot read "['val_loss'"`,
  ],
  [
    { DATA_ARTIFACT_TYPES: "- dataset\nmodel" },
    "DATA_ARTIFACT_TYPES",
    `DATA_ARTIFACT_TYPES: ${LIST_EXPECTED}; some lines start with "- " and others do not, such as "model"`,
  ],
  [
    { REQUIRE_SAME_DATA: "maybe" },
    "REQUIRE_SAME_DATA",
    'REQUIRE_SAME_DATA: expected true or false (also 1/0, yes/no, on/off), got "maybe"',
  ],
  [
    { EXPECTED_DATA: "mnist-test:latest, mnist" },
    "EXPECTED_DATA",
    expectedData('2 "mnist" has no alias'),
  ],
  [
    { EXPECTED_DATA: "['mnist-test:']" },
    "EXPECTED_DATA",
    expectedData('1 "mnist-test:" has no alias'),
  ],
  [
    { EXPECTED_DATA: "a/b/c/mnist:latest" },
    "EXPECTED_DATA",
    expectedData(
      '1 "a/b/c/mnist:latest" has more than 3 "/"-separated parts before ":"',
    ),
  ],
  [
    { EXPECTED_DATA: "mnist test:latest" },
    "EXPECTED_DATA",
    expectedData(
      '1 "mnist test:latest" has white space or a control character',
    ),
  ],
  [
    { EXPECTED_DATA: "data//mnist:v1" },
    "EXPECTED_DATA",
    expectedData('1 "data//mnist:v1" has an empty "/"-separated part'),
  ],
  [
    { EXPECTED_DATA: "`id`" },
    "EXPECTED_DATA",
    `EXPECTED_DATA: ${LIST_EXPECTED}; "\`id\`" is not a plain name`,
  ],
  [
    { BASELINE_ARTIFACT: "model" },
    "BASELINE_ARTIFACT",
    artifact("model", "has no alias"),
  ],
  [
    { BASELINE_ARTIFACT: "model:production" },
    "BASELINE_ARTIFACT",
    artifact("model:production"),
  ],
  [
    { BASELINE_ARTIFACT: "acme/models/labeler" },
    "BASELINE_ARTIFACT",
    artifact("acme/models/labeler", "has no alias"),
  ],
  [
    { BASELINE_ARTIFACT: "a/b/c/labeler:production" },
    "BASELINE_ARTIFACT",
    artifact(
      "a/b/c/labeler:production",
      'has more than 3 "/"-separated parts before ":"',
    ),
  ],
  [
    { BASELINE_ARTIFACT: "acme/my models/labeler:v1" },
    "BASELINE_ARTIFACT",
    artifact(
      "acme/my models/labeler:v1",
      "has white space or a control character",
    ),
  ],
  [
    { BASELINE_ARTIFACT: "wandb-registry-/labeler:production" },
    "BASELINE_ARTIFACT",
    artifact(
      "wandb-registry-/labeler:production",
      'names no registry after "wandb-registry-"',
    ),
  ],
  [{ SIGNIFICANCE: "0" }, "SIGNIFICANCE", significance("0")],
  [{ SIGNIFICANCE: "1" }, "SIGNIFICANCE", significance("1")],
  [{ SIGNIFICANCE: "1.5" }, "SIGNIFICANCE", significance("1.5")],
  [{ SIGNIFICANCE: "-0.05" }, "SIGNIFICANCE", significance("-0.05")],
  [{ SIGNIFICANCE: "5%" }, "SIGNIFICANCE", significance("5%")],
  [{ SIGNIFICANCE: "1e-2" }, "SIGNIFICANCE", significance("1e-2")],
  [{ SIGNIFICANCE: "abc" }, "SIGNIFICANCE", significance("abc")],
];

Deno.test("every malformed evidence input: one line naming it and what was expected", async (t) => {
  for (const [raw, input, message] of MALFORMED) {
    await t.step(message, () => assertRefused(raw, input, message));
  }
});

Deno.test("each evidence input asks for the review report, as the report inputs do", async (t) => {
  const asking: RawInputs[] = [
    { HISTORY_METRICS: "loss" },
    { CONVERGENCE: "val_loss" },
    { DATA_ARTIFACT_TYPES: "dataset" },
    { REQUIRE_SAME_DATA: "true" },
    { EXPECTED_DATA: "mnist-test:latest" },
    { BASELINE_ARTIFACT: "acme/models/labeler:production" },
    { SIGNIFICANCE: "0.05" },
  ];
  for (const raw of asking) {
    await t.step(Object.keys(raw)[0], () => {
      const { inputs } = parseInputs({ ...BASE, ...raw }, {
        githubWorkspace: "/w",
      });
      assert.equal(inputs.report.markdownPath, "/w/wandb_report.md");
    });
  }
  await t.step("not HISTORY_SAMPLES, nor REQUIRE_SAME_DATA off", () => {
    const { inputs } = parseInputs({
      ...BASE,
      HISTORY_SAMPLES: "500",
      REQUIRE_SAME_DATA: "false",
    });
    assert.equal(inputs.report.markdownPath, undefined);
  });
});
