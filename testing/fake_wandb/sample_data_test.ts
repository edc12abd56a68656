import assert from "node:assert/strict";
import {
  DEMO_API_KEY,
  DEMO_ENTITY,
  DEMO_ORG_ENTITY,
  DEMO_OVERFITTING_RUN,
  DEMO_PRODUCTION_ALIAS,
  DEMO_PRODUCTION_RUN,
  DEMO_REGISTRY_PROJECT,
  DEMO_SECONDARY_SHA,
  DEMO_SHA,
  DEMO_STALE_DATA_RUN,
  demoArchiveProject,
  demoOrganizations,
  demoProject,
  demoRegistryProject,
  demoWandbOptions,
  generateRuns,
} from "./sample_data.ts";
import { validateFakeData } from "./server.ts";

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

Deno.test("the demo runs' histories end on their summaries", async (t) => {
  const runs = demoProject().runs;
  const byId = new Map(runs.map((run) => [run.name, run]));
  const values = (runId: string, key: string) =>
    byId.get(runId)!.history!.filter((row) => key in row).map((row) =>
      row[key] as number
    );

  await t.step("every run with metrics has a history from step 0", () => {
    for (const run of runs) {
      const metrics = Object.keys(run.summaryMetrics ?? {}).filter((key) =>
        !key.startsWith("_")
      );
      if (metrics.length === 0) {
        assert.equal(run.history, undefined, run.name);
        continue;
      }
      const steps = run.history!.map((row) => row._step);
      assert.deepEqual(
        steps,
        [...Array((run.summaryMetrics!._step as number) + 1).keys()],
        run.name,
      );
    }
  });
  await t.step("finished runs log at least 40 rows", () => {
    for (const run of runs.filter((run) => run.state === "finished")) {
      assert.ok(run.history!.length >= 40, run.name);
    }
  });
  await t.step("the last row equals the summary, key by key", () => {
    for (const run of runs.filter((run) => run.history !== undefined)) {
      const last = run.history!.at(-1)!;
      const { _wandb: _, ...summary } = run.summaryMetrics!;
      assert.deepEqual(
        Object.keys(last).sort(),
        Object.keys(summary).sort(),
        run.name,
      );
      for (const [key, value] of Object.entries(summary)) {
        assert.ok(
          Object.is(last[key], value) ||
            JSON.stringify(last[key]) === JSON.stringify(value),
          `${run.name} ${key}: ${last[key]} vs ${value}`,
        );
      }
    }
  });
  await t.step("misty-moon-6's loss diverges to NaN", () => {
    const loss = values("w2h7d5qe", "loss");
    assert.ok(Number.isNaN(loss.at(-1)));
    assert.ok(loss.includes(Infinity));
  });
  await t.step("losses fall and accuracies rise, then level off", () => {
    for (const run of runs.filter((run) => run.state === "finished")) {
      for (const key of ["loss", "val_loss", "acc", "val_acc"]) {
        if (run.name === DEMO_OVERFITTING_RUN && key === "val_loss") continue;
        const series = values(run.name, key);
        const rising = key.endsWith("acc");
        const gain = rising
          ? series.at(-1)! - series[0]
          : series[0] - series.at(-1)!;
        assert.ok(gain >= 0, `${run.name} ${key} moves the right way`);
        const lastThird = series.slice(Math.floor(series.length * 2 / 3));
        const spread = Math.max(...lastThird) - Math.min(...lastThird);
        const range = Math.max(...series) - Math.min(...series);
        assert.ok(
          spread <= 0.25 * range,
          `${run.name} ${key} is flat in its last third`,
        );
      }
    }
  });
  await t.step(
    "proud-star-9's val_loss falls, then rises in its last third",
    () => {
      const valLoss = values(DEMO_OVERFITTING_RUN, "val_loss");
      const lowest = valLoss.indexOf(Math.min(...valLoss));
      assert.ok(lowest < valLoss.length * 2 / 3, "the minimum comes early");
      assert.ok(valLoss[lowest] < valLoss[0] - 0.1, "it fell first");
      assert.ok(valLoss.at(-1)! > valLoss[lowest] + 0.05, "then rose");
      const lastThird = valLoss.slice(Math.floor(valLoss.length * 2 / 3));
      assert.ok(lastThird.at(-1)! > lastThird[0]);
    },
  );
});

Deno.test("the demo's artifacts and registry", async (t) => {
  const project = demoProject();
  const uses = (runId: string) =>
    project.runs.find((run) => run.name === runId)!.usedArtifacts!.map((
      use,
    ) => `${use.collection}:v${use.version}`);

  await t.step("happy-frog-3 used the stale issues-train:v0", () => {
    assert.deepEqual(uses(DEMO_STALE_DATA_RUN), [
      "issues-train:v0",
      "issues-test:v0",
    ]);
    assert.deepEqual(uses("j5x2m8cw"), ["issues-train:v1", "issues-test:v0"]);
    for (const runId of ["cqigzoxc", "p9f3k7ra", "e6lo523p", "v6q1n4ts"]) {
      assert.deepEqual(uses(runId), [
        "issues-train:v1",
        "issues-test:v0",
        "glove-embeddings:v2",
      ]);
    }
  });
  await t.step("every finished run logged model-<run id> v0", () => {
    const collections = project.artifactCollections ?? [];
    for (const run of project.runs.filter((run) => run.state === "finished")) {
      const model = collections.find((collection) =>
        collection.name === `model-${run.name}`
      );
      assert.equal(model?.kind, "sequence", run.name);
      assert.equal(model.type, "model");
      assert.deepEqual(model.versions.map((version) => version.createdBy), [
        { run: run.name },
      ]);
    }
  });
  await t.step("production links to gentle-fire-8, not a baseline", () => {
    const registry = demoRegistryProject();
    assert.equal(registry.entity, DEMO_ORG_ENTITY);
    assert.equal(registry.name, DEMO_REGISTRY_PROJECT);
    const portfolio = registry.artifactCollections![0];
    assert.equal(portfolio.kind, "portfolio");
    const production = portfolio.versions.find((link) =>
      link.aliases?.includes(DEMO_PRODUCTION_ALIAS)
    )!;
    assert.equal(production.source.collection, `model-${DEMO_PRODUCTION_RUN}`);
    const run = project.runs.find((run) => run.name === DEMO_PRODUCTION_RUN)!;
    assert.ok(!run.tags?.includes("baseline"));
  });
  await t.step("the demo's data is consistent, all served together", () => {
    const { projects, organizations } = demoWandbOptions();
    validateFakeData(projects, organizations!);
    assert.deepEqual(demoOrganizations()[0].teamEntities, [DEMO_ENTITY]);
    assert.equal(demoArchiveProject().hiddenFromKey, true);
  });
  await t.step(
    "demoProject alone is consistent too (serveDemo serves it)",
    () => {
      validateFakeData([demoProject()], []);
    },
  );
});
