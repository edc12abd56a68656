/**
 * Integration tests of `lib/wandb/run_records.ts` against the fake W&B
 * server over loopback: many runs' curves and lineage in few requests,
 * projects side by side, missing runs, capped pages of input artifacts, and
 * malformed answers (made by the fake's faults).
 *
 * @module
 */

import assert from "node:assert/strict";
import { WandbError } from "../lib/errors.ts";
import { fetchRuns } from "../lib/wandb/fetch_runs.ts";
import { buildQueryPlan } from "../lib/wandb/query_plan.ts";
import {
  fetchRunRecords,
  type RunRecordsOptions,
  type RunRecordsWanted,
  RUNS_PER_REQUEST,
} from "../lib/wandb/run_records.ts";
import {
  DEMO_API_KEY,
  DEMO_ENTITY,
  DEMO_PROJECT,
  demoProject,
  demoWandbOptions,
  generateRuns,
} from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeArtifactSequence,
  type FakeFault,
  type FakeProject,
  type FakeRun,
  type FakeWandb,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";
import { startDemoWandb } from "./_helpers.ts";

function options(
  fake: FakeWandb,
  more: Partial<RunRecordsOptions> = {},
): RunRecordsOptions {
  return {
    baseUrl: fake.url,
    apiKey: DEMO_API_KEY,
    historyMetrics: ["loss", "val_loss"],
    samples: 500,
    kept: { metrics: [], configVars: [] },
    ...more,
  };
}

function wanted(
  runId: string,
  what: Partial<RunRecordsWanted> = {},
): RunRecordsWanted {
  return {
    entity: DEMO_ENTITY,
    project: DEMO_PROJECT,
    runId,
    history: false,
    lineage: false,
    fields: false,
    ...what,
  };
}

/** A demo run as the fake stores it. */
function demoRun(runId: string): FakeRun {
  const run = demoProject().runs.find((each) => each.name === runId);
  assert.ok(run !== undefined, `no demo run ${runId}`);
  return run;
}

/** The logged numeric points of one metric of a stored history. */
function logged(
  history: Record<string, unknown>[] | undefined,
  metric: string,
) {
  return (history ?? []).flatMap((row) =>
    typeof row[metric] === "number"
      ? [{ step: row._step as number, value: row[metric] as number }]
      : []
  );
}

/** How many runs a records document asks about. */
function runsAsked(query: string): number {
  return query.match(/\br\d+: run\(/g)?.length ?? 0;
}

Deno.test("history of several runs", async (t) => {
  await t.step("three runs' curves in one request, each its own", async () => {
    const fake = startDemoWandb();
    try {
      const ids = ["e6lo523p", "cqigzoxc", "w2h7d5qe"];
      const { records, requests } = await fetchRunRecords(
        ids.map((runId) => wanted(runId, { history: true })),
        options(fake),
      );
      assert.equal(requests, 1);
      assert.equal(fake.requests.length, 1);
      assert.equal(runsAsked(fake.requests[0].query), 3);
      for (const runId of ids) {
        const history = records.get(`github/predict-issue-labels/${runId}`)
          ?.history;
        const stored = demoRun(runId).history;
        assert.deepEqual(history?.get("loss"), logged(stored, "loss"), runId);
        assert.deepEqual(
          history?.get("val_loss"),
          logged(stored, "val_loss"),
          runId,
        );
      }
      // misty-moon-6 crashed before any val_loss: no points, not an error.
      assert.deepEqual(
        records.get("github/predict-issue-labels/w2h7d5qe")?.history?.get(
          "val_loss",
        ),
        [],
      );
    } finally {
      await fake.close();
    }
  });

  await t.step("nothing asked, nothing requested", async () => {
    const fake = startDemoWandb();
    try {
      const { records, requests } = await fetchRunRecords([], options(fake));
      assert.equal(requests, 0);
      assert.equal(records.size, 0);
      assert.equal(fake.requests.length, 0);
    } finally {
      await fake.close();
    }
  });

  await t.step(
    "a run asked twice is asked once, for all that was asked of it",
    async () => {
      const fake = startDemoWandb();
      try {
        const { records, requests } = await fetchRunRecords(
          [
            wanted("e6lo523p", { history: true }),
            wanted("e6lo523p", { lineage: true }),
            wanted("e6lo523p", { history: true }),
          ],
          options(fake),
        );
        assert.equal(requests, 1);
        assert.equal(runsAsked(fake.requests[0].query), 1);
        assert.equal(records.size, 1);
        const record = records.get("github/predict-issue-labels/e6lo523p");
        assert.deepEqual(
          record?.history?.get("loss"),
          logged(demoRun("e6lo523p").history, "loss"),
        );
        assert.deepEqual(
          record?.inputs?.map((input) => input.collection),
          ["issues-train", "issues-test", "glove-embeddings"],
        );
        assert.equal(record?.run, undefined);
      } finally {
        await fake.close();
      }
    },
  );
});

Deno.test(`n runs cost ceil(n / ${RUNS_PER_REQUEST}) requests`, async (t) => {
  const runs = generateRuns(120).map((run) => ({
    ...run,
    history: [
      { _step: 0, loss: 1 },
      { _step: 1, loss: run.summaryMetrics!.loss as number },
    ],
  }));
  const project: FakeProject = { entity: "paging", name: "many", runs };
  for (const count of [1, 50, 51, 120]) {
    await t.step(
      `${count} run(s): ${Math.ceil(count / 50)} request(s)`,
      async () => {
        const fake = startDemoWandb([project]);
        try {
          const { records, requests } = await fetchRunRecords(
            runs.slice(0, count).map((run) => ({
              entity: "paging",
              project: "many",
              runId: run.name,
              history: true,
              lineage: false,
              fields: false,
            })),
            options(fake, { historyMetrics: ["loss"] }),
          );
          assert.equal(requests, Math.ceil(count / 50));
          assert.equal(fake.requests.length, requests);
          for (const request of fake.requests) {
            assert.ok(runsAsked(request.query) <= 50);
          }
          assert.equal(
            fake.requests.reduce((sum, each) => sum + runsAsked(each.query), 0),
            count,
          );
          assert.equal(records.size, count);
          for (const run of runs.slice(0, count)) {
            const points = records.get(`paging/many/${run.name}`)?.history?.get(
              "loss",
            );
            assert.deepEqual(points, [
              { step: 0, value: 1 },
              { step: 1, value: run.summaryMetrics!.loss },
            ], run.name);
          }
        } finally {
          await fake.close();
        }
      },
    );
  }
});

Deno.test("runs of two projects, and runs W&B does not serve", async (t) => {
  const elsewhere: FakeProject = {
    entity: "acme",
    name: "vision",
    runs: [{
      name: "v1s10n01",
      displayName: "far-away-1",
      state: "finished",
      createdAt: "2026-02-01T00:00:00",
      history: [{ _step: 0, loss: 3 }, { _step: 5, loss: 1 }],
    }],
  };

  await t.step("two projects travel in one document", async () => {
    const { projects, organizations } = demoWandbOptions();
    const fake = startFakeWandb({
      projects: [...projects, elsewhere],
      organizations,
      apiKeys: [DEMO_API_KEY],
    });
    try {
      const { records, requests } = await fetchRunRecords([
        wanted("e6lo523p", { history: true }),
        {
          ...wanted("v1s10n01", { history: true }),
          entity: "acme",
          project: "vision",
        },
      ], options(fake, { historyMetrics: ["loss"] }));
      assert.equal(requests, 1);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].query.match(/: project\(/g)?.length, 2);
      assert.deepEqual(
        records.get("acme/vision/v1s10n01")?.history?.get("loss"),
        [{ step: 0, value: 3 }, { step: 5, value: 1 }],
      );
      assert.deepEqual(
        records.get("github/predict-issue-labels/e6lo523p")?.history?.get(
          "loss",
        ),
        logged(demoRun("e6lo523p").history, "loss"),
      );
      // Names travel as variables, never inside the document.
      assert.doesNotMatch(fake.requests[0].query, /acme|vision|e6lo523p/);
    } finally {
      await fake.close();
    }
  });

  await t.step(
    "a missing run, a run in a missing or hidden project: null records",
    async () => {
      const fake = startDemoWandb();
      try {
        const { records, requests } = await fetchRunRecords([
          wanted("e6lo523p", { lineage: true }),
          wanted("zzzzzzzz", { lineage: true, history: true }),
          {
            ...wanted("e6lo523p", { lineage: true }),
            project: "no-such-project",
          },
          {
            ...wanted("a7rc9kd2", { lineage: true, fields: true }),
            project: "issue-labels-archive",
          },
        ], options(fake));
        assert.equal(requests, 1);
        assert.equal(records.get("github/predict-issue-labels/zzzzzzzz"), null);
        assert.equal(records.get("github/no-such-project/e6lo523p"), null);
        assert.equal(records.get("github/issue-labels-archive/a7rc9kd2"), null);
        assert.equal(
          records.get("github/predict-issue-labels/e6lo523p")?.inputs?.length,
          3,
        );
      } finally {
        await fake.close();
      }
    },
  );
});

/** A dataset of five versions, each one shard. */
function shards(): FakeArtifactSequence {
  return {
    kind: "sequence",
    name: "shards",
    type: "dataset",
    versions: Array.from({ length: 5 }, (_, index) => ({
      digest: `d1g35t${index}`.padEnd(32, String(index)),
      aliases: index === 4 ? ["latest"] : [],
      createdAt: `2026-03-0${index + 1}T00:00:00`,
      createdBy: { user: "data-team" },
    })),
  };
}

function lineageProject(): FakeProject {
  const use = (version: number, nullNode = false) => ({
    entity: "lineage",
    project: "wide",
    collection: "shards",
    version,
    ...nullNode ? { nullNode } : {},
  });
  const run = (name: string, used: ReturnType<typeof use>[]): FakeRun => ({
    name,
    displayName: name,
    state: "finished",
    createdAt: "2026-03-10T00:00:00",
    usedArtifacts: used,
  });
  return {
    entity: "lineage",
    name: "wide",
    runs: [
      run("f1v3up01", [0, 1, 2, 3, 4].map((version) => use(version))),
      run("0n3up002", [use(2)]),
      run("b4ckw4rd", [4, 3, 2, 1, 0].map((version) => use(version))),
      run("h0l3y004", [use(0), use(1, true), use(2), use(3, true)]),
      run("n0n3u005", []),
    ],
    artifactCollections: [shards()],
  };
}

function shardVersions(order: number[]) {
  const stored = shards();
  return order.map((index) => ({
    collection: "shards",
    versionIndex: index,
    type: "dataset",
    digest: stored.versions[index].digest,
  }));
}

Deno.test("lineage", async (t) => {
  await t.step(
    "pages capped at 2: every input read, each further page one request",
    async () => {
      const fake = startFakeWandb({
        projects: [lineageProject()],
        apiKeys: [DEMO_API_KEY],
        maxPageSize: 2,
      });
      try {
        const at = (runId: string) => ({
          entity: "lineage",
          project: "wide",
          runId,
          history: false,
          lineage: true,
          fields: false,
        });
        const { records, requests } = await fetchRunRecords(
          ["f1v3up01", "0n3up002", "b4ckw4rd", "n0n3u005"].map(at),
          options(fake),
        );
        // One for all four runs, then two more pages for each run of five inputs.
        assert.equal(requests, 5);
        assert.equal(fake.requests.length, 5);
        assert.deepEqual(
          records.get("lineage/wide/f1v3up01")?.inputs,
          shardVersions([0, 1, 2, 3, 4]),
        );
        assert.deepEqual(
          records.get("lineage/wide/b4ckw4rd")?.inputs,
          shardVersions([4, 3, 2, 1, 0]),
        );
        assert.deepEqual(
          records.get("lineage/wide/0n3up002")?.inputs,
          shardVersions([2]),
        );
        assert.deepEqual(records.get("lineage/wide/n0n3u005")?.inputs, []);
        const followUps = fake.requests.slice(1).map(({ variables }) =>
          `${variables.run} after ${atob(variables.after as string)}`
        );
        assert.deepEqual(followUps, [
          "f1v3up01 after arrayconnection:1",
          "f1v3up01 after arrayconnection:3",
          "b4ckw4rd after arrayconnection:1",
          "b4ckw4rd after arrayconnection:3",
        ]);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("null artifact nodes are skipped", async () => {
    const fake = startFakeWandb({
      projects: [lineageProject()],
      apiKeys: [DEMO_API_KEY],
    });
    try {
      const { records } = await fetchRunRecords([{
        entity: "lineage",
        project: "wide",
        runId: "h0l3y004",
        history: false,
        lineage: true,
        fields: false,
      }], options(fake));
      assert.deepEqual(
        records.get("lineage/wide/h0l3y004")?.inputs,
        shardVersions([0, 2]),
      );
    } finally {
      await fake.close();
    }
  });

  await t.step("the demo's stale-data run used issues-train:v0", async () => {
    const fake = startDemoWandb();
    try {
      const { records } = await fetchRunRecords(
        [wanted("15u8cbod", { lineage: true })],
        options(fake),
      );
      const inputs = records.get("github/predict-issue-labels/15u8cbod")
        ?.inputs;
      assert.deepEqual(
        inputs?.map((input) => `${input.collection}:v${input.versionIndex}`),
        ["issues-train:v0", "issues-test:v0"],
      );
      const stored = demoProject().artifactCollections!.find((collection) =>
        collection.name === "issues-train"
      ) as FakeArtifactSequence;
      assert.equal(inputs?.[0].digest, stored.versions[0].digest);
      assert.equal(inputs?.[0].type, "dataset");
    } finally {
      await fake.close();
    }
  });
});

Deno.test("malformed answers are errors naming the run", async (t) => {
  const expectError = async (
    transform: Extract<FakeFault, { kind: "transform" }>["transform"],
    what: Partial<RunRecordsWanted>,
    message: RegExp,
  ) => {
    const fake = startDemoWandb();
    fake.failNext({ kind: "transform", transform });
    try {
      await assert.rejects(
        () => fetchRunRecords([wanted("e6lo523p", what)], options(fake)),
        (error: unknown) => {
          assert.ok(error instanceof WandbError, String(error));
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
      assert.equal(fake.requests.length, 1);
    } finally {
      await fake.close();
    }
  };

  await t.step("sampledHistory broken into a string", () =>
    expectError(
      (body) => {
        body.data.p0.r0.sampledHistory = JSON.stringify(
          body.data.p0.r0.sampledHistory,
        );
        return body;
      },
      { history: true },
      /^W&B answered malformed history for run "e6lo523p": expected a list of row lists, one per spec: .* at sampledHistory$/,
    ));

  await t.step("an input artifact without a digest", () =>
    expectError(
      (body) => {
        delete body.data.p0.r0.inputArtifacts.edges[1].node.digest;
        return body;
      },
      { lineage: true },
      /^W&B answered a malformed input artifact for run "e6lo523p" at inputArtifacts\.edges\.1\.node\.digest: /,
    ));

  await t.step("inputArtifacts without pageInfo", () =>
    expectError(
      (body) => {
        delete body.data.p0.r0.inputArtifacts.pageInfo;
        return body;
      },
      { lineage: true },
      /^W&B answered malformed input artifacts for run "e6lo523p": .* at inputArtifacts\.pageInfo$/,
    ));

  await t.step("more pages promised without a cursor", () =>
    expectError(
      (body) => {
        body.data.p0.r0.inputArtifacts.pageInfo = {
          hasNextPage: true,
          endCursor: null,
        };
        return body;
      },
      { lineage: true },
      /^W&B paging of input artifacts for run "e6lo523p" did not advance/,
    ));

  await t.step("a run read whole without a creation time", () =>
    expectError(
      (body) => {
        delete body.data.p0.r0.createdAt;
        return body;
      },
      { fields: true },
      /^W&B answered malformed data for run "e6lo523p": .* at createdAt$/,
    ));
});

Deno.test("a run read whole keeps what the main fetch keeps", async (t) => {
  const kept = {
    metrics: ["acc", "eval.f1", "val_loss"],
    configVars: ["learning_rate"],
  };
  // dashing-leaf-4 (nested eval.f1) and dandy-river-1 (legacy config format).
  for (const runId of ["e6lo523p", "cqigzoxc"]) {
    await t.step(runId, async () => {
      const fake = startDemoWandb();
      try {
        const plan = buildQueryPlan({
          entity: DEMO_ENTITY,
          project: DEMO_PROJECT,
          runId,
          baselineTags: [],
        });
        const fetched = await fetchRuns(plan, {
          baseUrl: fake.url,
          apiKey: DEMO_API_KEY,
          metrics: kept.metrics,
          configVars: kept.configVars,
        });
        assert.equal(fetched.candidates.length, 1);
        const { records, requests } = await fetchRunRecords(
          [wanted(runId, { fields: true })],
          options(fake, { kept }),
        );
        assert.equal(requests, 1);
        const run = records.get(`github/predict-issue-labels/${runId}`)?.run;
        assert.deepEqual(run, fetched.candidates[0]);
        const stored = demoRun(runId);
        assert.equal(run?.config.github_sha, stored.config?.github_sha);
        assert.equal(run?.config.learning_rate, stored.config?.learning_rate);
        assert.equal(run?.summary.acc, stored.summaryMetrics?.acc);
        assert.equal(run?.summary.loss, undefined); // not kept
        // Only the top-level keys asked for were sent.
        const variables = fake.requests[1].variables;
        assert.deepEqual(variables.summaryKeys, ["acc", "eval", "val_loss"]);
        assert.deepEqual(variables.configKeys, ["github_sha", "learning_rate"]);
      } finally {
        await fake.close();
      }
    });
  }
});
