/**
 * Integration tests of `lib/wandb/sampled_history.ts`: the specs sent for a
 * run's curves and how W&B's `sampledHistory` rows are read, through
 * `fetchRunRecords` and the fake W&B server over loopback (faults edit its
 * answers where W&B's quirks need showing).
 *
 * @module
 */

import assert from "node:assert/strict";
import { WandbError } from "../lib/errors.ts";
import { fetchRunRecords } from "../lib/wandb/run_records.ts";
import {
  historySpecs,
  readSampledHistory,
} from "../lib/wandb/sampled_history.ts";
import { DEMO_API_KEY } from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeRun,
  type FakeWandb,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";

const ENTITY = "curves";
const PROJECT = "training";

/** 12 steps of `loss`, and `val_loss` every third step only. */
const STEADY_HISTORY = Array.from({ length: 12 }, (_, step) => ({
  _step: step,
  loss: 1 / (step + 1),
  ...(step % 3 === 0 ? { val_loss: 2 - step / 10 } : {}),
}));

/** A run that diverged, and logged a histogram, text and nulls under `loss`. */
const ODD_HISTORY = [
  { _step: 0, loss: 2.5 },
  { _step: 1, loss: Infinity },
  { _step: 2, loss: NaN },
  { _step: 3, loss: -Infinity },
  { _step: 4, loss: { _type: "histogram", values: [1, 2], bins: [0, 1, 2] } },
  { _step: 5, loss: "high" },
  { _step: 6, loss: null },
  { _step: 7, loss: true },
  { _step: 8, loss: [0.5] },
  { _step: 9, loss: 0.75 },
];

function run(name: string, history?: Record<string, unknown>[]): FakeRun {
  return {
    name,
    displayName: `run-${name}`,
    state: "finished",
    createdAt: "2026-05-01T10:00:00",
    ...history === undefined ? {} : { history },
  };
}

function startCurves(): FakeWandb {
  return startFakeWandb({
    projects: [{
      entity: ENTITY,
      name: PROJECT,
      runs: [
        run("st3ady01", STEADY_HISTORY),
        run("0dd1ty02", ODD_HISTORY),
        run("n0h15t03"),
      ],
    }],
    apiKeys: [DEMO_API_KEY],
    historySeed: 7,
  });
}

/** The curves of one run, as `fetchRunRecords` reads them from the fake. */
async function curvesOf(
  fake: FakeWandb,
  runId: string,
  metrics: string[],
  samples = 500,
) {
  const { records } = await fetchRunRecords([{
    entity: ENTITY,
    project: PROJECT,
    runId,
    history: true,
    lineage: false,
    fields: false,
  }], {
    baseUrl: fake.url,
    apiKey: DEMO_API_KEY,
    historyMetrics: metrics,
    samples,
    kept: { metrics: [], configVars: [] },
  });
  const history = records.get(`${ENTITY}/${PROJECT}/${runId}`)?.history;
  assert.ok(history !== undefined, `no history for ${runId}`);
  return history;
}

/** The logged points of one metric, as the fake stores them. */
function logged(history: Record<string, unknown>[], metric: string) {
  return history.flatMap((row) =>
    typeof row[metric] === "number"
      ? [{ step: row._step as number, value: row[metric] as number }]
      : []
  );
}

Deno.test("sampledHistory specs", async (t) => {
  await t.step(
    "one JSON text per metric, keyed on _step and the metric alone",
    () => {
      assert.deepEqual(historySpecs(["loss", "val_loss"], 200), [
        '{"keys":["_step","loss"],"samples":200}',
        '{"keys":["_step","val_loss"],"samples":200}',
      ]);
      assert.deepEqual(historySpecs([], 200), []);
    },
  );

  await t.step(
    "sent as the $specs variable; a sparse metric does not thin a dense one",
    async () => {
      const fake = startCurves();
      try {
        const history = await curvesOf(fake, "st3ady01", ["loss", "val_loss"]);
        assert.equal(fake.requests.length, 1);
        const specs = fake.requests[0].variables.specs as string[];
        assert.deepEqual(specs.map((spec) => JSON.parse(spec)), [
          { keys: ["_step", "loss"], samples: 500 },
          { keys: ["_step", "val_loss"], samples: 500 },
        ]);
        assert.match(
          fake.requests[0].query,
          /sampledHistory\(specs: \$specs\)/,
        );
        // One spec with both keys would give `loss` only the 4 rows with val_loss.
        assert.equal(history.get("loss")!.length, 12);
        assert.equal(history.get("val_loss")!.length, 4);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("samples caps the points per metric", async () => {
    const fake = startCurves();
    try {
      const history = await curvesOf(fake, "st3ady01", ["loss"], 5);
      const points = history.get("loss")!;
      assert.equal(points.length, 5);
      const all = logged(STEADY_HISTORY, "loss");
      for (const point of points) {
        assert.ok(
          all.some((each) =>
            each.step === point.step && each.value === point.value
          ),
        );
      }
    } finally {
      await fake.close();
    }
  });
});

Deno.test("sampledHistory rows as W&B serves them", async (t) => {
  await t.step("rows out of order come back sorted by step", async () => {
    const fake = startCurves();
    const servedSteps: number[] = [];
    fake.failNext({
      kind: "transform",
      transform: (body) => {
        for (const row of body.data.p0.r0.sampledHistory[0]) {
          servedSteps.push(row._step);
        }
        return body;
      },
    });
    try {
      const history = await curvesOf(fake, "st3ady01", ["loss", "val_loss"]);
      // The fake shuffled them (seeded), as W&B promises no order.
      assert.notDeepEqual(servedSteps, servedSteps.toSorted((a, b) => a - b));
      assert.deepEqual(history.get("loss"), logged(STEADY_HISTORY, "loss"));
      assert.deepEqual(
        history.get("val_loss"),
        logged(STEADY_HISTORY, "val_loss"),
      );
    } finally {
      await fake.close();
    }
  });

  await t.step(
    "a _step sent as a float is truncated to its integer step",
    async () => {
      const fake = startCurves();
      fake.failNext({
        kind: "transform",
        transform: (body) => {
          for (const rows of body.data.p0.r0.sampledHistory) {
            for (const row of rows) {
              row._step += row._step % 2 ? 0.5 : 0.0000001;
            }
          }
          return body;
        },
      });
      try {
        const history = await curvesOf(fake, "st3ady01", ["loss", "val_loss"]);
        assert.deepEqual(history.get("loss"), logged(STEADY_HISTORY, "loss"));
        assert.deepEqual(
          history.get("val_loss"),
          logged(STEADY_HISTORY, "val_loss"),
        );
        for (const { step } of history.get("loss")!) {
          assert.ok(Number.isInteger(step), `step ${step} is not an integer`);
        }
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    '"NaN", "Infinity" and "-Infinity" strings are read as numbers',
    async () => {
      const fake = startCurves();
      const servedValues: unknown[] = [];
      fake.failNext({
        kind: "transform",
        transform: (body) => {
          for (const row of body.data.p0.r0.sampledHistory[0]) {
            servedValues.push(row.loss);
          }
          return body;
        },
      });
      try {
        const history = await curvesOf(fake, "0dd1ty02", ["loss"]);
        // On the wire they are strings, as W&B writes them.
        for (const text of ["NaN", "Infinity", "-Infinity"]) {
          assert.ok(servedValues.includes(text), `${text} was not served`);
        }
        const points = history.get("loss")!;
        assert.deepEqual(points.slice(0, 4), [
          { step: 0, value: 2.5 },
          { step: 1, value: Infinity },
          { step: 2, value: NaN },
          { step: 3, value: -Infinity },
        ]);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    "values that are not numbers (a histogram, text, null, a list) are no points",
    async () => {
      const fake = startCurves();
      try {
        const history = await curvesOf(fake, "0dd1ty02", ["loss"]);
        assert.deepEqual(history.get("loss")!.map(({ step }) => step), [
          0,
          1,
          2,
          3,
          9,
        ]);
        assert.deepEqual(history.get("loss")!.at(-1), { step: 9, value: 0.75 });
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    "a run without history, or a null answer, has no points",
    async () => {
      const fake = startCurves();
      try {
        const empty = await curvesOf(fake, "n0h15t03", ["loss", "val_loss"]);
        assert.deepEqual([...empty], [["loss", []], ["val_loss", []]]);
        fake.failNext({
          kind: "transform",
          transform: (body) => {
            body.data.p0.r0.sampledHistory = null;
            return body;
          },
        });
        const nulled = await curvesOf(fake, "st3ady01", ["loss", "val_loss"]);
        assert.deepEqual([...nulled], [["loss", []], ["val_loss", []]]);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    "a wrong number of row lists is an error naming the run",
    async () => {
      const fake = startCurves();
      fake.failNext({
        kind: "transform",
        transform: (body) => {
          body.data.p0.r0.sampledHistory.pop();
          return body;
        },
      });
      try {
        await assert.rejects(
          () => curvesOf(fake, "st3ady01", ["loss", "val_loss"]),
          (error: unknown) => {
            assert.ok(error instanceof WandbError);
            assert.equal(
              error.message,
              'W&B answered malformed history for run "st3ady01": expected 2 row lists (one per spec), got 1',
            );
            return true;
          },
        );
      } finally {
        await fake.close();
      }
    },
  );
});

Deno.test("readSampledHistory on answers W&B's schema allows or breaks", async (t) => {
  await t.step("null rows are skipped, a null list has no points", () => {
    const history = readSampledHistory(
      [[null, { _step: 2, loss: 0.5 }, { _step: 1, loss: 0.7 }], null],
      ["loss", "acc"],
    );
    assert.deepEqual(history.get("loss"), [
      { step: 1, value: 0.7 },
      { step: 2, value: 0.5 },
    ]);
    assert.deepEqual(history.get("acc"), []);
  });

  await t.step("a row without a numeric _step is no point", () => {
    const history = readSampledHistory(
      [[{ loss: 0.5 }, { _step: "3", loss: 0.4 }, { _step: 4, loss: 0.3 }]],
      ["loss"],
    );
    assert.deepEqual(history.get("loss"), [{ step: 4, value: 0.3 }]);
  });

  await t.step(
    "an answer that is not lists of rows is a TypeError saying where",
    () => {
      assert.throws(
        () => readSampledHistory("[[]]", ["loss"]),
        {
          name: "TypeError",
          message:
            /^expected a list of row lists, one per spec: .* at sampledHistory$/,
        },
      );
      assert.throws(
        () => readSampledHistory([[{ _step: 0 }], [7]], ["loss", "acc"]),
        { name: "TypeError", message: /at sampledHistory\.1\.0$/ },
      );
      assert.throws(
        () => readSampledHistory([[], [], []], ["loss", "acc"]),
        {
          name: "TypeError",
          message: "expected 2 row lists (one per spec), got 3",
        },
      );
    },
  );
});
