import assert from "node:assert/strict";
import { postGraphQL, queryData, withDemoFake } from "./_test_client.ts";
import {
  DEMO_ENTITY,
  DEMO_OVERFITTING_RUN,
  DEMO_PROJECT,
  demoProject,
} from "./sample_data.ts";
import { startFakeWandb } from "./server.ts";

/** The SDK's `run.history(keys=[...])` query (wandb-api-history-artifacts.md, "One run"). */
const RUN_SAMPLED_HISTORY = `
query RunSampledHistory($entity: String!, $project: String!, $name: String!, $specs: [JSONString!]!) {
  project(name: $project, entityName: $entity) { run(name: $name) { sampledHistory(specs: $specs) } }
}`;

/** Several runs through `project.runs` (wandb-api-history-artifacts.md, "Several runs in one request"). */
const RUN_CURVES = `
query RunCurves($entity: String!, $project: String!, $filters: JSONString, $first: Int, $specs: [JSONString!]!) {
  project(name: $project, entityName: $entity) {
    runs(filters: $filters, first: $first) {
      edges { node { name displayName sampledHistory(specs: $specs) } }
      pageInfo { endCursor hasNextPage }
    }
  }
}`;

/** Several runs by aliased `run(name:)` fields, as Weave aliases them. */
const ALIASED_RUNS = `
query AliasedCurves($entity: String!, $project: String!, $specs: [JSONString!]!) {
  project(name: $project, entityName: $entity) {
    r0: run(name: "${DEMO_OVERFITTING_RUN}") { name sampledHistory(specs: $specs) }
    r1: run(name: "e6lo523p") { name sampledHistory(specs: $specs) }
    r2: run(name: "nosuchid") { name sampledHistory(specs: $specs) }
  }
}`;

type Row = Record<string, unknown>;

const DEMO = { entity: DEMO_ENTITY, project: DEMO_PROJECT };

/** A spec as the SDK writes it. */
function spec(keys: string[], samples = 500, extra: object = {}): string {
  return JSON.stringify({ keys, samples, ...extra });
}

/** The stored history of a demo run. */
function storedHistory(runId: string): Row[] {
  const run = demoProject().runs.find((candidate) => candidate.name === runId);
  assert.ok(run?.history, `demo run ${runId} has a history`);
  return run.history;
}

/** Rows sorted by `_step`, as a client must sort them. */
function byStep(rows: Row[]): Row[] {
  return rows.toSorted((a, b) => (a._step as number) - (b._step as number));
}

/** The sampled rows of one run for `specs`. */
async function sampled(
  fake: Parameters<typeof queryData>[0],
  runId: string,
  specs: string[],
): Promise<Row[][]> {
  const data = await queryData(fake, RUN_SAMPLED_HISTORY, {
    ...DEMO,
    name: runId,
    specs,
  });
  return data.project.run.sampledHistory;
}

Deno.test("sampledHistory serves one list per spec, each only of rows holding every key of the spec", async (t) => {
  const history = storedHistory(DEMO_OVERFITTING_RUN);
  await withDemoFake(async (fake) => {
    await t.step(
      "the SDK's two specs: loss and val_loss lists, in specs order",
      async () => {
        const [loss, valLoss] = await sampled(fake, DEMO_OVERFITTING_RUN, [
          spec(["_step", "loss"]),
          spec(["_step", "val_loss"]),
        ]);
        assert.deepEqual(
          byStep(loss),
          history.map((row) => ({ _step: row._step, loss: row.loss })),
        );
        assert.deepEqual(
          byStep(valLoss),
          history.filter((row) => "val_loss" in row).map((row) => ({
            _step: row._step,
            val_loss: row.val_loss,
          })),
        );
        assert.equal(loss.length, 50);
        assert.equal(valLoss.length, 26, "val_loss is logged every other step");
      },
    );
    await t.step(
      "a spec of two metrics returns only the rows with both",
      async () => {
        const [rows] = await sampled(fake, DEMO_OVERFITTING_RUN, [
          spec(["_step", "loss", "val_loss"]),
        ]);
        assert.equal(rows.length, 26);
        for (const row of rows) {
          assert.deepEqual(Object.keys(row).sort(), [
            "_step",
            "loss",
            "val_loss",
          ]);
        }
      },
    );
    await t.step(
      "a key logged once (a final evaluation) gives one row",
      async () => {
        const [rows] = await sampled(fake, "e6lo523p", [
          spec(["_step", "eval"]),
        ]);
        assert.deepEqual(rows, [{
          _step: 49,
          eval: { f1: 0.8812154696132597 },
        }]);
      },
    );
    await t.step(
      "a key never logged, or a run without history, gives an empty list",
      async () => {
        assert.deepEqual(
          await sampled(fake, DEMO_OVERFITTING_RUN, [spec(["_step", "nope"])]),
          [[]],
        );
        assert.deepEqual(
          await sampled(fake, "c4d7g2ms", [spec(["_step", "loss"])]),
          [[]],
        );
      },
    );
    await t.step("minStep and maxStep are both inclusive", async () => {
      const [rows] = await sampled(fake, DEMO_OVERFITTING_RUN, [
        spec(["_step", "loss"], 500, { minStep: 10, maxStep: 20 }),
      ]);
      assert.deepEqual(
        byStep(rows).map((row) => row._step),
        [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
      );
    });
    await t.step(
      "NaN and Infinity come as W&B's strings, steps as numbers",
      async () => {
        const [rows] = await sampled(fake, "w2h7d5qe", [
          spec(["_step", "loss"]),
        ]);
        assert.deepEqual(byStep(rows), [
          { _step: 0, loss: 2.871302 },
          { _step: 1, loss: "Infinity" },
          { _step: 2, loss: "NaN" },
        ]);
      },
    );
    await t.step("a missing run is null, HTTP 200", async () => {
      const answer = await postGraphQL(fake, RUN_SAMPLED_HISTORY, {
        ...DEMO,
        name: "nosuchid",
        specs: [spec(["_step", "loss"])],
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { data: { project: { run: null } } });
    });
  });
});

Deno.test("sampledHistory samples at random and shuffles, seedably", async (t) => {
  const steps = (rows: Row[]) => rows.map((row) => row._step as number);
  await t.step(
    "more rows than samples: that many distinct stored rows",
    () =>
      withDemoFake(async (fake) => {
        const stored = new Set(
          storedHistory(DEMO_OVERFITTING_RUN).map((row) => row._step),
        );
        const [rows] = await sampled(fake, DEMO_OVERFITTING_RUN, [
          spec(["_step", "loss"], 7),
        ]);
        assert.equal(rows.length, 7);
        assert.equal(new Set(steps(rows)).size, 7);
        for (const step of steps(rows)) assert.ok(stored.has(step));
      }, { historySeed: 11 }),
  );
  await t.step(
    "the last row is not always kept: some of 20 samples of 7 lack step 49",
    () =>
      withDemoFake(async (fake) => {
        const answers: number[][] = [];
        for (let request = 0; request < 20; request++) {
          const [rows] = await sampled(fake, DEMO_OVERFITTING_RUN, [
            spec(["_step", "loss"], 7),
          ]);
          answers.push(steps(rows));
        }
        assert.ok(answers.some((answer) => !answer.includes(49)));
        assert.ok(answers.some((answer) => !answer.includes(0)));
      }, { historySeed: 12 }),
  );
  await t.step(
    "fewer rows than samples: all of them, not in step order",
    () =>
      withDemoFake(async (fake) => {
        const [rows] = await sampled(fake, DEMO_OVERFITTING_RUN, [
          spec(["_step", "loss"], 100_000),
        ]);
        const order = steps(rows);
        assert.deepEqual(order.toSorted((a, b) => a - b), [
          ...Array(50).keys(),
        ]);
        assert.notDeepEqual(order, order.toSorted((a, b) => a - b));
      }, { historySeed: 13 }),
  );
  await t.step(
    "the same seed gives the same answers; another seed other ones",
    async () => {
      const firstAnswer = async (historySeed: number) => {
        let rows: Row[] = [];
        await withDemoFake(async (fake) => {
          [rows] = await sampled(fake, DEMO_OVERFITTING_RUN, [
            spec(["_step", "loss"], 10),
          ]);
        }, { historySeed });
        return rows;
      };
      assert.deepEqual(await firstAnswer(5), await firstAnswer(5));
      assert.notDeepEqual(await firstAnswer(5), await firstAnswer(6));
    },
  );
});

Deno.test("sampledHistory works wherever a Run is selected: under project.runs and aliased run(name:)", async (t) => {
  await withDemoFake(async (fake) => {
    const specs = [spec(["_step", "val_loss"]), spec(["_step", "acc"])];
    await t.step("project.runs filtered by name $in", async () => {
      const data = await queryData(fake, RUN_CURVES, {
        ...DEMO,
        filters: JSON.stringify({
          name: { $in: [DEMO_OVERFITTING_RUN, "k3m9p2xq"] },
        }),
        first: 10,
        specs,
      });
      const nodes = data.project.runs.edges.map((edge: { node: unknown }) =>
        edge.node
      );
      assert.deepEqual(
        nodes.map((node: { name: string; sampledHistory: Row[][] }) => [
          node.name,
          node.sampledHistory.map((rows) => rows.length),
        ]),
        [["k3m9p2xq", [0, 4]], [DEMO_OVERFITTING_RUN, [26, 50]]],
        "brisk-wave-5 logged no val_loss yet",
      );
    });
    await t.step("aliased run(name:) fields, a missing run null", async () => {
      const data = await queryData(fake, ALIASED_RUNS, { ...DEMO, specs });
      const { r0, r1, r2 } = data.project;
      assert.deepEqual(r0.sampledHistory.map((rows: Row[]) => rows.length), [
        26,
        50,
      ]);
      assert.deepEqual(r1.sampledHistory.map((rows: Row[]) => rows.length), [
        26,
        50,
      ]);
      assert.equal(r2, null);
    });
  });
});

Deno.test("sampledHistory refuses specs W&B's clients never send, with HTTP 400", async (t) => {
  await withDemoFake(async (fake) => {
    const cases: [string, unknown, RegExp][] = [
      ["not JSON", "{keys: [_step]}", /expected JSON text/],
      ["a JSON list", "[]", /expected a JSON object/],
      [
        "no keys",
        JSON.stringify({ samples: 10 }),
        /keys to be a non-empty list/,
      ],
      ["empty keys", spec([]), /keys to be a non-empty list/],
      [
        "keys not strings",
        JSON.stringify({ keys: [1], samples: 5 }),
        /keys to be a non-empty list/,
      ],
      [
        "keys a string",
        JSON.stringify({ keys: "loss", samples: 5 }),
        /keys to be a non-empty list/,
      ],
      [
        "no samples",
        JSON.stringify({ keys: ["loss"] }),
        /samples to be a positive integer/,
      ],
      [
        "samples 0",
        spec(["loss"], 0),
        /samples to be a positive integer, got 0/,
      ],
      ["samples 2.5", spec(["loss"], 2.5), /samples to be a positive integer/],
      [
        "samples as text",
        JSON.stringify({ keys: ["loss"], samples: "10" }),
        /samples to be a positive integer, got "10"/,
      ],
      [
        "a fractional minStep",
        spec(["loss"], 5, { minStep: 1.5 }),
        /minStep to be an integer/,
      ],
      [
        "an unknown member",
        spec(["loss"], 5, { packVersion: 1 }),
        /unknown member "packVersion"/,
      ],
      ["a number, not JSON text", 7, /expected JSON text, got 7/],
    ];
    for (const [name, bad, message] of cases) {
      await t.step(name, async () => {
        const answer = await postGraphQL(fake, RUN_SAMPLED_HISTORY, {
          ...DEMO,
          name: DEMO_OVERFITTING_RUN,
          specs: [spec(["_step", "loss"]), bad],
        });
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(answer.body.errors.length, 1);
        assert.match(
          answer.body.errors[0].message,
          /^Cannot read sampledHistory spec 1: /,
        );
        assert.match(answer.body.errors[0].message, message);
        assert.deepEqual(answer.body.errors[0].path, [
          "project",
          "run",
          "sampledHistory",
        ]);
      });
    }
  });
});

Deno.test("history fields the fake does not serve are refused, with HTTP 400", async (t) => {
  await withDemoFake(async (fake) => {
    const refused = async (selection: string, message: RegExp) => {
      const answer = await postGraphQL(
        fake,
        `query($entity: String!, $project: String!) {
          project(name: $project, entityName: $entity) { run(name: "${DEMO_OVERFITTING_RUN}") { ${selection} } }
        }`,
        DEMO,
      );
      assert.equal(answer.status, 400);
      assert.match(answer.body.errors[0].message, message);
    };
    await t.step("history(keys:)", () =>
      refused(
        'history(keys: ["loss"])',
        /Cannot query field "history" on type "Run"/,
      ));
    await t.step("sampledHistory without specs", () =>
      refused(
        "sampledHistory",
        /Argument "Run\.sampledHistory\(specs:\)" of type "\[JSONString!\]!" is required/,
      ));
    await t.step("sampledHistory(packVersion:)", () =>
      refused(
        "sampledHistory(specs: [], packVersion: 1)",
        /Unknown argument "packVersion"/,
      ));
    await t.step("a subselection of the JSON scalar", () =>
      refused(
        "sampledHistory(specs: []) { _step }",
        /must not have a selection since type "\[JSON\]" has no subfields/,
      ));
  });
});

Deno.test("historyKeys and historyLineCount describe the stored history", () =>
  withDemoFake(async (fake) => {
    const data = await queryData(
      fake,
      `query($entity: String!, $project: String!) {
        project(name: $project, entityName: $entity) {
          proud: run(name: "${DEMO_OVERFITTING_RUN}") { historyKeys historyLineCount }
          wild: run(name: "c4d7g2ms") { historyKeys historyLineCount }
        }
      }`,
      DEMO,
    );
    const { proud, wild } = data.project;
    assert.equal(proud.historyKeys.lastStep, 49);
    assert.deepEqual(proud.historyKeys.keys.val_loss, {
      typeCounts: [{ type: "number", count: 26 }],
    });
    assert.deepEqual(Object.keys(proud.historyKeys.keys).sort(), [
      "_runtime",
      "_step",
      "_timestamp",
      "acc",
      "loss",
      "val_acc",
      "val_loss",
    ]);
    assert.equal(proud.historyLineCount, 50);
    assert.deepEqual(wild.historyKeys, { keys: {}, lastStep: 0 });
    assert.equal(wild.historyLineCount, null);
  }));

Deno.test("a stored history must have rising integer steps", () => {
  const run = {
    name: "badsteps",
    displayName: "bad",
    state: "finished",
    createdAt: "2026-01-01T00:00:00",
    history: [{ _step: 0, loss: 1 }, { _step: 0, loss: 0.5 }],
  };
  assert.throws(
    () =>
      startFakeWandb({
        projects: [{ entity: "ci", name: "h", runs: [run] }],
        apiKeys: [],
      }),
    /run ci\/h\/badsteps history row 1 needs an integer _step above 0, got 0/,
  );
});
