import assert from "node:assert/strict";
import { compileFilter, FilterError, matchesFilter } from "./filters.ts";
import type { FakeRun } from "./server.ts";

const SHA = "86edd034aaba1498dbae6465cf994de90be6a4b2";

const tagged: FakeRun = {
  name: "15u8cbod",
  displayName: "happy-frog-3",
  state: "finished",
  tags: ["baseline", "test"],
  config: {
    github_sha: SHA,
    num_layers: 3,
    learning_rate: 0.001,
    optimizer: { name: "adam" },
  },
  summaryMetrics: {
    acc: 0.8805969953536987,
    "val/acc": 0.5,
    eval: { f1: 0.88 },
    note: "ok",
  },
  sweepName: "q8w2e4r6",
  createdAt: "2020-03-03T09:00:56",
};

const bare: FakeRun = {
  name: "p9f3k7ra",
  displayName: "silver-oak-2",
  state: "running",
  createdAt: "2020-03-01T09:32:27",
};

function assertFilterError(filter: unknown, status: number, message?: string) {
  assert.throws(() => compileFilter(filter), (error: unknown) => {
    assert.ok(error instanceof FilterError);
    assert.equal(error.status, status);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

Deno.test("matchesFilter reads config values with and without .value", async (t) => {
  await t.step("an empty filter matches every run", () => {
    assert.equal(matchesFilter(tagged, {}), true);
    assert.equal(matchesFilter(bare, {}), true);
  });
  await t.step(
    "config.K and config.K.value compare against the config value",
    () => {
      assert.equal(matchesFilter(tagged, { "config.github_sha": SHA }), true);
      assert.equal(
        matchesFilter(tagged, { "config.github_sha.value": SHA }),
        true,
      );
      assert.equal(
        matchesFilter(tagged, { "config.github_sha": "other" }),
        false,
      );
      assert.equal(matchesFilter(tagged, { "config.num_layers": 3 }), true);
      assert.equal(matchesFilter(tagged, { "config.num_layers": "3" }), false);
    },
  );
  await t.step(
    "a path after config.K(.value) reads into a nested value",
    () => {
      assert.equal(
        matchesFilter(tagged, { "config.optimizer.value.name": "adam" }),
        true,
      );
      assert.equal(
        matchesFilter(tagged, { "config.optimizer.name": "adam" }),
        true,
      );
    },
  );
  await t.step(
    "summary_metrics.K reads top-level and dotted nested summary values",
    () => {
      assert.equal(
        matchesFilter(tagged, { "summary_metrics.acc": { $gt: 0.88 } }),
        true,
      );
      assert.equal(
        matchesFilter(tagged, { "summary_metrics.val/acc": 0.5 }),
        true,
      );
      assert.equal(
        matchesFilter(tagged, { "summary_metrics.eval.f1": { $gte: 0.88 } }),
        true,
      );
      assert.equal(
        matchesFilter(tagged, {
          "summary_metrics.eval.f2": { $exists: false },
        }),
        true,
      );
    },
  );
});

Deno.test("matchesFilter implements every equality and ordering operator", async (t) => {
  await t.step("$eq and $ne", () => {
    assert.equal(
      matchesFilter(tagged, { "config.num_layers": { $eq: 3 } }),
      true,
    );
    assert.equal(
      matchesFilter(tagged, { "config.num_layers": { $eq: 4 } }),
      false,
    );
    assert.equal(
      matchesFilter(tagged, { "config.num_layers": { $ne: 4 } }),
      true,
    );
    assert.equal(
      matchesFilter(tagged, { "config.num_layers": { $ne: 3 } }),
      false,
    );
  });
  await t.step("$gt, $gte, $lt, $lte on numbers and on strings", () => {
    const acc = (condition: unknown) =>
      matchesFilter(tagged, { "summary_metrics.acc": condition });
    assert.deepEqual([
      acc({ $gt: 0.8 }),
      acc({ $gt: 0.8805969953536987 }),
      acc({ $gt: 0.9 }),
    ], [true, false, false]);
    assert.deepEqual([acc({ $gte: 0.8805969953536987 }), acc({ $gte: 0.9 })], [
      true,
      false,
    ]);
    assert.deepEqual([
      acc({ $lt: 0.9 }),
      acc({ $lt: 0.8805969953536987 }),
      acc({ $lt: 0.8 }),
    ], [true, false, false]);
    assert.deepEqual([acc({ $lte: 0.8805969953536987 }), acc({ $lte: 0.8 })], [
      true,
      false,
    ]);
    assert.equal(
      matchesFilter(tagged, { displayName: { $gt: "happy", $lt: "happz" } }),
      true,
    );
  });
  await t.step("comparing a number with a string is false", () => {
    assert.equal(
      matchesFilter(tagged, { "summary_metrics.acc": { $gt: "0" } }),
      false,
    );
    assert.equal(
      matchesFilter(tagged, { "summary_metrics.note": { $lt: 1 } }),
      false,
    );
  });
  await t.step("several operators in one condition are an AND", () => {
    assert.equal(
      matchesFilter(tagged, { "summary_metrics.acc": { $gt: 0.8, $lt: 0.9 } }),
      true,
    );
    assert.equal(
      matchesFilter(tagged, { "summary_metrics.acc": { $gt: 0.8, $lt: 0.85 } }),
      false,
    );
  });
});

Deno.test("matchesFilter implements every set, presence and pattern operator", async (t) => {
  await t.step("$in and $nin", () => {
    assert.equal(
      matchesFilter(tagged, { state: { $in: ["running", "finished"] } }),
      true,
    );
    assert.equal(matchesFilter(tagged, { state: { $in: ["running"] } }), false);
    assert.equal(matchesFilter(tagged, { state: { $in: [] } }), false);
    assert.equal(matchesFilter(tagged, { state: { $nin: ["running"] } }), true);
    assert.equal(
      matchesFilter(tagged, { state: { $nin: ["finished"] } }),
      false,
    );
  });
  await t.step("$exists", () => {
    assert.equal(
      matchesFilter(tagged, { "config.github_sha": { $exists: true } }),
      true,
    );
    assert.equal(
      matchesFilter(tagged, { "config.github_sha": { $exists: false } }),
      false,
    );
    assert.equal(
      matchesFilter(bare, { "config.github_sha": { $exists: true } }),
      false,
    );
    assert.equal(
      matchesFilter(bare, { "config.github_sha": { $exists: false } }),
      true,
    );
  });
  await t.step(
    "$regex matches strings only (JS RegExp standing in for RE2)",
    () => {
      assert.equal(
        matchesFilter(tagged, { displayName: { $regex: "^happy-" } }),
        true,
      );
      assert.equal(
        matchesFilter(tagged, { displayName: { $regex: "frog$" } }),
        false,
      );
      assert.equal(
        matchesFilter(tagged, { "config.num_layers": { $regex: "3" } }),
        false,
      );
    },
  );
});

Deno.test("matchesFilter treats a missing key as SQL does", async (t) => {
  await t.step(
    "every comparison with a missing config or summary key is false, $ne and $nin included",
    () => {
      for (
        const condition of [
          SHA,
          { $eq: SHA },
          { $ne: SHA },
          { $in: [SHA] },
          { $nin: [SHA] },
          { $gt: "" },
          {
            $lte: "z",
          },
          { $regex: "." },
          { $exists: true },
        ]
      ) {
        assert.equal(
          matchesFilter(bare, { "config.github_sha": condition }),
          false,
          JSON.stringify(condition),
        );
        assert.equal(
          matchesFilter(bare, { "summary_metrics.acc": condition }),
          false,
          JSON.stringify(condition),
        );
      }
    },
  );
  await t.step("only $exists: false matches a missing key", () => {
    assert.equal(
      matchesFilter(bare, { "summary_metrics.acc": { $exists: false } }),
      true,
    );
  });
  await t.step("a run without a sweep matches no sweep comparison", () => {
    assert.equal(matchesFilter(bare, { sweep: { $ne: "q8w2e4r6" } }), false);
    assert.equal(matchesFilter(bare, { sweep: { $exists: false } }), true);
  });
  await t.step(
    "the original action's baseline filter needs its $exists: false branch",
    () => {
      const other: FakeRun = {
        ...tagged,
        name: "cqigzoxc",
        config: { github_sha: "other" },
      };
      const notThisSha = { "config.github_sha": { $ne: SHA } };
      const baseline = {
        $and: [{ tags: { $in: ["baseline"] } }, {
          $or: [notThisSha, { "config.github_sha": { $exists: false } }],
        }],
      };
      const unshaBaseline: FakeRun = { ...bare, tags: ["baseline"] };
      assert.equal(matchesFilter(unshaBaseline, notThisSha), false);
      assert.deepEqual(
        [tagged, other, unshaBaseline].map((run) =>
          matchesFilter(run, baseline)
        ),
        [false, true, true],
      );
    },
  );
});

Deno.test("matchesFilter combines filters with $and, $or, $nor and multi-key objects", async (t) => {
  await t.step("a multi-key object is an AND", () => {
    assert.equal(
      matchesFilter(tagged, { state: "finished", "config.num_layers": 3 }),
      true,
    );
    assert.equal(
      matchesFilter(tagged, { state: "finished", "config.num_layers": 4 }),
      false,
    );
  });
  await t.step("$and, $or, $nor", () => {
    const finished = { state: "finished" };
    const running = { state: "running" };
    assert.deepEqual(
      [{ $and: [finished, running] }, { $or: [finished, running] }, {
        $nor: [running],
      }, { $nor: [finished] }]
        .map((filter) => matchesFilter(tagged, filter)),
      [false, true, true, false],
    );
  });
  await t.step("an empty or non-list $and/$or/$nor is a 400", () => {
    assertFilterError({ $and: [] }, 400);
    assertFilterError({ $or: { state: "finished" } }, 400);
  });
});

Deno.test("matchesFilter reads tags the ways W&B does", async (t) => {
  await t.step('{"tags": "x"} and $eq mean "has tag x"', () => {
    assert.equal(matchesFilter(tagged, { tags: "baseline" }), true);
    assert.equal(matchesFilter(tagged, { tags: { $eq: "test" } }), true);
    assert.equal(matchesFilter(tagged, { tags: "reference" }), false);
    assert.equal(matchesFilter(bare, { tags: "baseline" }), false);
  });
  await t.step("$in means has any, $nin has none, $ne lacks", () => {
    assert.equal(
      matchesFilter(tagged, { tags: { $in: ["reference", "test"] } }),
      true,
    );
    assert.equal(
      matchesFilter(tagged, { tags: { $in: ["reference"] } }),
      false,
    );
    assert.equal(
      matchesFilter(tagged, { tags: { $nin: ["reference"] } }),
      true,
    );
    assert.equal(
      matchesFilter(tagged, { tags: { $nin: ["reference", "test"] } }),
      false,
    );
    assert.equal(matchesFilter(tagged, { tags: { $ne: "baseline" } }), false);
    assert.equal(matchesFilter(bare, { tags: { $ne: "baseline" } }), true);
    assert.equal(matchesFilter(bare, { tags: { $nin: ["baseline"] } }), true);
  });
  await t.step("a bare list is a 500, as W&B's backend fails on it", () => {
    assertFilterError(
      { tags: ["baseline"] },
      500,
      "unsupported type []interface {}",
    );
    assertFilterError(
      { "config.github_sha": { $eq: [SHA] } },
      500,
      "unsupported type []interface {}",
    );
  });
});

Deno.test("matchesFilter knows W&B's run keys", async (t) => {
  await t.step("name is the run id", () => {
    assert.equal(matchesFilter(tagged, { name: "15u8cbod" }), true);
    assert.equal(
      matchesFilter(tagged, { name: { $in: ["e6lo523p", "15u8cbod"] } }),
      true,
    );
    assert.equal(matchesFilter(tagged, { name: "happy-frog-3" }), false);
  });
  await t.step("state, displayName and display_name", () => {
    assert.equal(matchesFilter(tagged, { state: "finished" }), true);
    assert.equal(matchesFilter(tagged, { displayName: "happy-frog-3" }), true);
    assert.equal(matchesFilter(tagged, { display_name: "happy-frog-3" }), true);
  });
  await t.step("sweep is the sweep id", () => {
    assert.equal(matchesFilter(tagged, { sweep: "q8w2e4r6" }), true);
    assert.equal(matchesFilter(bare, { sweep: "q8w2e4r6" }), false);
  });
  await t.step(
    "created_at compares times; a timestamp without offset is UTC",
    () => {
      assert.equal(
        matchesFilter(tagged, { created_at: { $gt: "2020-03-03T09:00:00Z" } }),
        true,
      );
      assert.equal(
        matchesFilter(tagged, {
          created_at: { $gt: "2020-03-03T10:00:57+01:00" },
        }),
        false,
      );
      assert.equal(
        matchesFilter(tagged, { created_at: "2020-03-03T09:00:56" }),
        true,
      );
      assertFilterError({ created_at: { $gt: "yesterday" } }, 400);
    },
  );
});

Deno.test("compileFilter refuses what W&B refuses, even before looking at a run", async (t) => {
  await t.step("summary.K is a 400 (W&B wants summary_metrics.K)", () => {
    assertFilterError({ "summary.acc": { $gt: 0 } }, 400);
  });
  await t.step("unknown keys are a 400, including id and commit", () => {
    for (
      const key of [
        "id",
        "commit",
        "config",
        "summary_metrics",
        "heartbeat_at",
        "foo",
      ]
    ) {
      assertFilterError({ [key]: "x" }, 400);
    }
  });
  await t.step("unknown operators are a 400", () => {
    assertFilterError({ $not: { state: "finished" } }, 400);
    assertFilterError({ state: { $size: 1 } }, 400);
    assertFilterError({ displayName: { $regex: "a", $options: "i" } }, 400);
  });
  await t.step("malformed operands are a 400", () => {
    assertFilterError({ state: { $in: "finished" } }, 400);
    assertFilterError({ state: { $exists: "yes" } }, 400);
    assertFilterError({ state: { $regex: "(" } }, 400);
    assertFilterError(["state"], 400);
  });
  await t.step(
    "an error inside an $or branch is found even when another branch would match",
    () => {
      assertFilterError(
        { $or: [{ state: "finished" }, { "summary.acc": 1 }] },
        400,
      );
    },
  );
});
