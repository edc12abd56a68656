import assert from "node:assert/strict";
import {
  DEMO_API_KEY,
  DEMO_SECONDARY_SHA,
  DEMO_SHA,
  demoProject,
  generateRuns,
} from "./sample_data.ts";

Deno.test("demoProject holds the seed's example runs", async (t) => {
  const project = demoProject();
  const byId = new Map(project.runs.map((run) => [run.name, run]));

  await t.step("run ids are distinct 8-character ids", () => {
    assert.equal(byId.size, project.runs.length);
    for (const run of project.runs) assert.match(run.name, /^[a-z0-9]{8}$/);
  });
  await t.step("the seed's three runs, by id, name, tags and SHA", () => {
    const seed = ["e6lo523p", "15u8cbod", "cqigzoxc"].map((id) => byId.get(id));
    assert.deepEqual(seed.map((run) => run?.displayName), [
      "dashing-leaf-4",
      "happy-frog-3",
      "dandy-river-1",
    ]);
    assert.deepEqual(seed.map((run) => run?.tags), [[], ["baseline", "test"], [
      "baseline",
    ]]);
    assert.deepEqual(seed.map((run) => run?.config?.github_sha === DEMO_SHA), [
      true,
      true,
      false,
    ]);
  });
  await t.step("one candidate per unusual state, and one secondary SHA", () => {
    const candidates = project.runs.filter((run) =>
      run.config?.github_sha === DEMO_SHA
    );
    assert.deepEqual(
      ["running", "crashed", "killed"].map((state) =>
        candidates.filter((run) => run.state === state).length
      ),
      [1, 1, 1],
    );
    assert.deepEqual(
      project.runs.filter((run) =>
        run.config?.secondary_sha === DEMO_SECONDARY_SHA
      ).map((run) => run.name),
      ["v6q1n4ts"],
    );
  });
  await t.step("runs are in creation order", () => {
    const times = project.runs.map((run) => run.createdAt);
    assert.deepEqual(times, times.toSorted());
  });
  await t.step("each call returns a fresh copy", () => {
    project.runs.length = 0;
    assert.equal(demoProject().runs.length, 11);
  });
  await t.step("the API key is a fake 40-hex-digit key with a prefix", () => {
    assert.match(DEMO_API_KEY, /^demo-[0-9a-f]{40}$/);
  });
});

Deno.test("generateRuns makes deterministic, distinct runs", async (t) => {
  await t.step(
    "ids are 8 lowercase characters, distinct across start indices",
    () => {
      const runs = [
        ...generateRuns(1500),
        ...generateRuns(10, { startIndex: 1500 }),
      ];
      assert.equal(new Set(runs.map((run) => run.name)).size, 1510);
      for (const run of runs) assert.match(run.name, /^[a-z0-9]{8}$/);
    },
  );
  await t.step("createdAt increases with the index", () => {
    const times = generateRuns(100, { startIndex: 7 }).map((run) =>
      Date.parse(`${run.createdAt}Z`)
    );
    for (let index = 1; index < times.length; index++) {
      assert.ok(times[index] > times[index - 1]);
    }
  });
  await t.step(
    "the same arguments give the same runs; options apply to all",
    () => {
      const options = { sha: DEMO_SHA, tags: ["baseline"], state: "running" };
      const runs = generateRuns(3, options);
      assert.deepEqual(runs, generateRuns(3, options));
      for (const run of runs) {
        assert.equal(run.config?.github_sha, DEMO_SHA);
        assert.deepEqual(run.tags, ["baseline"]);
        assert.equal(run.state, "running");
      }
      assert.equal(generateRuns(1)[0].config?.github_sha, undefined);
    },
  );
});
