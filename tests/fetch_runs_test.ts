import assert from "node:assert/strict";
import { categoriseRuns } from "../lib/categorise.ts";
import { fetchRuns, projectionKeys } from "../lib/fetch_runs.ts";
import { buildQueryPlan } from "../lib/query_plan.ts";
import { startDemoWandb } from "./_helpers.ts";
import {
  DEMO_API_KEY,
  DEMO_SHA,
  generateRuns,
} from "./fake_wandb/sample_data.ts";

const PROJECT = { entity: "paging", name: "many-runs" };

function plan(githubSha: string, baselineTags: string[] = []) {
  return buildQueryPlan({
    entity: PROJECT.entity,
    project: PROJECT.name,
    githubSha,
    baselineTags,
  });
}

Deno.test("1,234 matching runs arrive in 13 pages of 100 overlapping by one, each run once, oldest first", async () => {
  const runs = [
    ...generateRuns(1234, { sha: "abc" }),
    ...generateRuns(50, { sha: "other", startIndex: 5000 }),
  ];
  const fake = startDemoWandb([{ ...PROJECT, runs }]);
  try {
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      pageSize: 100,
    });
    assert.equal(fetched.candidates.length, 1234);
    assert.equal(
      new Set(fetched.candidates.map((run) => run.runId)).size,
      1234,
    );
    assert.deepEqual(
      fetched.candidates.map((run) => run.runId),
      runs.slice(0, 1234).map((run) => run.name),
    );
    assert.equal(fetched.requests, 13);
    assert.equal(fake.requests.length, 13);
    const cursors = fake.requests.map((request) =>
      request.variables.candidatesCursor
    );
    assert.equal(cursors[0], null);
    // Each page starts at the last run of the page before: 99 new runs a page.
    assert.equal(cursors[1], btoa("arrayconnection:98"));
    assert.equal(cursors[12], btoa("arrayconnection:1187"));
  } finally {
    await fake.close();
  }
});

Deno.test("a run pushed into the next page by a concurrent insert appears once", async () => {
  const runs = generateRuns(250, { sha: "abc", startIndex: 10 });
  const fake = startDemoWandb([{ ...PROJECT, runs: [...runs] }], {
    onRequest: (index, server) => {
      // Before the second page, an older run appears: offsets shift by one,
      // so the last run of page one is served again at the top of page two.
      if (index === 1) {
        server.projects[0].runs.unshift(...generateRuns(1, { sha: "abc" }));
      }
    },
  });
  try {
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      pageSize: 100,
    });
    const ids = fetched.candidates.map((run) => run.runId);
    assert.equal(ids.length, new Set(ids).size, "no run twice");
    assert.deepEqual(ids, runs.map((run) => run.name));
    assert.equal(fake.requests.length, 3);
  } finally {
    await fake.close();
  }
});

Deno.test("candidates and baselines share requests while both have pages left", async () => {
  const runs = [
    ...generateRuns(150, { sha: "abc" }),
    ...generateRuns(30, { sha: "old", tags: ["baseline"], startIndex: 1000 }),
  ];
  const fake = startDemoWandb([{ ...PROJECT, runs }]);
  try {
    const fetched = await fetchRuns(plan("abc", ["baseline"]), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      pageSize: 100,
    });
    assert.equal(fetched.candidates.length, 150);
    assert.equal(fetched.baselines.length, 30);
    assert.equal(fake.requests.length, 2);
    assert.match(fake.requests[0].query, /candidates: runs\(/);
    assert.match(fake.requests[0].query, /baselines: runs\(/);
    assert.doesNotMatch(
      fake.requests[1].query,
      /baselines: runs\(/,
      "the finished set is not asked again",
    );
  } finally {
    await fake.close();
  }
});

Deno.test("only the wanted summary and config keys are asked for and received", async () => {
  const fake = startDemoWandb();
  try {
    const fetched = await fetchRuns(
      buildQueryPlan({
        entity: "github",
        project: "predict-issue-labels",
        githubSha: DEMO_SHA,
        baselineTags: [],
      }),
      {
        baseUrl: fake.url,
        apiKey: DEMO_API_KEY,
        metrics: ["acc", "eval.f1"],
        configVars: ["learning_rate"],
      },
    );
    const request = fake.requests[0];
    assert.deepEqual(request.variables.summaryKeys, ["acc", "eval.f1", "eval"]);
    assert.deepEqual(request.variables.configKeys, [
      "github_sha",
      "learning_rate",
    ]);
    assert.equal(request.variables.order, "+created_at");
    const leaf = fetched.candidates.find((run) => run.runId === "e6lo523p")!;
    assert.deepEqual(leaf.summary, {
      acc: 0.8962264060974121,
      eval: { f1: 0.8812154696132597 },
    });
    assert.deepEqual(leaf.config, {
      github_sha: DEMO_SHA,
      learning_rate: 0.0005,
    });
    assert.ok(!request.query.includes("systemMetrics"));
  } finally {
    await fake.close();
  }
});

Deno.test("without metrics the summary is not downloaded at all", async () => {
  const fake = startDemoWandb();
  try {
    await fetchRuns(
      buildQueryPlan({
        entity: "github",
        project: "predict-issue-labels",
        githubSha: DEMO_SHA,
        baselineTags: [],
      }),
      { baseUrl: fake.url, apiKey: DEMO_API_KEY },
    );
    assert.ok(!fake.requests[0].query.includes("summaryMetrics"));
  } finally {
    await fake.close();
  }
});

Deno.test("the request carries Basic auth api:<key>", async () => {
  const fake = startDemoWandb();
  try {
    await fetchRuns(plan("abc"), { baseUrl: fake.url, apiKey: DEMO_API_KEY })
      .catch(() => {});
    assert.equal(
      fake.requests[0].headers.authorization,
      `Basic ${btoa(`api:${DEMO_API_KEY}`)}`,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("if W&B returns a run in both sets, categorising keeps it a candidate", async () => {
  const fake = startDemoWandb();
  try {
    const fetched = await fetchRuns({
      entity: "github",
      project: "predict-issue-labels",
      candidateFilter: { "config.github_sha": DEMO_SHA },
      baselineFilter: { tags: { $in: ["baseline"] } },
    }, { baseUrl: fake.url, apiKey: DEMO_API_KEY });
    assert.ok(fetched.baselines.some((run) => run.runId === "15u8cbod"));
    const { candidates, baselines } = categoriseRuns(
      fetched.candidates,
      fetched.baselines,
    );
    assert.equal(
      candidates.filter((run) => run.runId === "15u8cbod").length,
      1,
    );
    assert.ok(!baselines.some((run) => run.runId === "15u8cbod"));
  } finally {
    await fake.close();
  }
});

Deno.test("paging that does not advance is an error, not a loop", async () => {
  const fake = startDemoWandb([{
    ...PROJECT,
    runs: generateRuns(5, { sha: "abc" }),
  }]);
  try {
    fake.failNext({
      kind: "transform",
      transform: (body) => {
        body.data.project.candidates.pageInfo.hasNextPage = true;
        body.data.project.candidates.edges = [];
        return body;
      },
    });
    await assert.rejects(
      fetchRuns(plan("abc"), { baseUrl: fake.url, apiKey: DEMO_API_KEY }),
      /W&B paging of candidates did not advance/,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("projection keys include the first segment of dotted paths", () => {
  assert.deepEqual(projectionKeys(["acc", "eval.f1", "eval.recall", "a.b.c"]), [
    "acc",
    "eval.f1",
    "eval",
    "eval.recall",
    "a.b.c",
    "a",
  ]);
});

Deno.test("a request that hangs past the timeout is abandoned and retried", async () => {
  const fake = startDemoWandb([{
    ...PROJECT,
    runs: generateRuns(3, { sha: "abc" }),
  }]);
  try {
    fake.failNext({ kind: "hang" }, { kind: "closeMidBody" });
    const sleeps: number[] = [];
    const debug: string[] = [];
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      timeoutMs: 200,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0,
      log: (line) => debug.push(line),
    });
    assert.equal(fetched.candidates.length, 3);
    assert.equal(fake.requests.length, 3);
    assert.deepEqual(sleeps, [2000, 4000]);
    assert.match(
      debug[0],
      /^attempt 1 failed: W&B did not finish its request within 0\.2 s/,
    );
    assert.match(debug[1], /^attempt 2 failed: /);
  } finally {
    await fake.close();
  }
});
