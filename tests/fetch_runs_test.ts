import assert from "node:assert/strict";
import { categoriseRuns } from "../lib/review/categorise.ts";
import { csvRows } from "../lib/report/csv.ts";
import { valueAt } from "../lib/wandb/run.ts";
import {
  DEFAULT_PAGE_SIZE,
  fetchRuns,
  projectionKeys,
} from "../lib/wandb/fetch_runs.ts";
import { buildQueryPlan } from "../lib/wandb/query_plan.ts";
import { countRuns } from "../lib/review/run_counts.ts";
import { startDemoWandb } from "./_helpers.ts";
import {
  DEMO_API_KEY,
  DEMO_SHA,
  generateRuns,
} from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeRun,
  type FakeWandbOptions,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";

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
    assert.deepEqual(request.variables.summaryKeys, ["acc", "eval"]);
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

Deno.test("projection keys are top-level keys only: a dotted path sends its first segment", () => {
  assert.deepEqual(projectionKeys(["eval.f1", "acc"]), ["eval", "acc"]);
  assert.deepEqual(projectionKeys(["acc", "eval.f1", "eval.recall", "a.b.c"]), [
    "acc",
    "eval",
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

/** Starts the fake with `runs` in the paging project, and options such as a page cap. */
function startPagingWandb(
  runs: FakeRun[],
  options: Partial<FakeWandbOptions> = {},
) {
  return startFakeWandb({
    projects: [{ ...PROJECT, runs }],
    apiKeys: [DEMO_API_KEY],
    ...options,
  });
}

/** The offset each request's candidate cursor points at (-1 for the first page). */
function candidateOffsets(requests: { variables: Record<string, unknown> }[]) {
  return requests.map(({ variables }) => {
    const cursor = variables.candidatesCursor;
    if (cursor === null) return -1;
    return Number(atob(cursor as string).replace("arrayconnection:", ""));
  });
}

Deno.test("a server capped at 50 runs a page: 1,000 asked, 2,500 candidates and 120 baselines each arrive once in 51 requests", async () => {
  const candidates = generateRuns(2500, { sha: "abc" });
  const baselines = generateRuns(120, {
    sha: "old",
    tags: ["baseline"],
    startIndex: 10_000,
  });
  const fake = startPagingWandb([...candidates, ...baselines], {
    maxPageSize: 50,
  });
  try {
    const fetched = await fetchRuns(plan("abc", ["baseline"]), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
    });
    assert.equal(DEFAULT_PAGE_SIZE, 1000);
    assert.ok(
      fake.requests.every(({ variables }) => variables.perPage === 1000),
    );
    assert.deepEqual(
      fetched.candidates.map((run) => run.runId),
      candidates.map((run) => run.name),
    );
    assert.deepEqual(
      fetched.baselines.map((run) => run.runId),
      baselines.map((run) => run.name),
    );
    // 50 runs, then 49 new runs a page (each page overlaps the last by one).
    assert.equal(fetched.requests, 51);
    assert.equal(fake.requests.length, 51);
    const withBaselines = fake.requests.filter(({ query }) =>
      query.includes("baselines: runs(")
    );
    assert.equal(withBaselines.length, 3, "120 baselines take 3 capped pages");
    assert.deepEqual(
      candidateOffsets(fake.requests).slice(0, 3),
      [-1, 48, 97],
    );
  } finally {
    await fake.close();
  }
});

Deno.test("a short page with hasNextPage is not the last: paging goes on to the end", async () => {
  const runs = generateRuns(7, { sha: "abc" });
  const fake = startPagingWandb(runs, { maxPageSize: 3 });
  try {
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      pageSize: 100,
    });
    assert.deepEqual(
      fetched.candidates.map((run) => run.runId),
      runs.map((run) => run.name),
    );
    // Pages of 3 overlapping by one: runs 0-2, 2-4, 4-6.
    assert.deepEqual(candidateOffsets(fake.requests), [-1, 1, 3]);
  } finally {
    await fake.close();
  }
});

Deno.test("a nested summary is read for metric eval.f1, and only top-level keys are asked for", async () => {
  const nested: FakeRun = {
    name: "n3st3d01",
    displayName: "nested-run",
    state: "finished",
    config: { github_sha: "abc", optimizer: { lr: 0.01, name: "adam" } },
    summaryMetrics: { eval: { f1: 0.8, recall: 0.7 }, acc: 0.9, loss: 0.1 },
    createdAt: "2026-08-01T12:00:00",
  };
  const fake = startPagingWandb([nested]);
  try {
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      metrics: ["eval.f1", "acc"],
      configVars: ["optimizer.lr"],
    });
    const { variables } = fake.requests[0];
    assert.deepEqual(variables.summaryKeys, ["eval", "acc"]);
    assert.deepEqual(variables.configKeys, ["github_sha", "optimizer"]);
    const [run] = fetched.candidates;
    // Each run keeps only what the wanted names reach.
    assert.deepEqual(run.summary, { eval: { f1: 0.8 }, acc: 0.9 });
    assert.deepEqual(run.config, {
      github_sha: "abc",
      optimizer: { lr: 0.01 },
    });
    assert.equal(valueAt(run.summary, "eval.f1"), 0.8);
    assert.equal(valueAt(run.config, "optimizer.lr"), 0.01);
    const [row] = csvRows(categoriseRuns(fetched.candidates, []), {
      metrics: ["eval.f1", "acc"],
      configVars: ["optimizer.lr"],
      appUrl: "https://wandb.ai",
      entity: PROJECT.entity,
      project: PROJECT.name,
    });
    assert.deepEqual(row.slice(-4), ["0.8", "0.9", "0.01", "candidate"]);
  } finally {
    await fake.close();
  }
});

Deno.test("null state, config, summary, tags and names do not abort the job: empty cells and state unknown", async () => {
  const runs: FakeRun[] = [
    {
      name: "nostate1",
      displayName: null,
      state: null,
      tags: null,
      config: { github_sha: "abc", lr: 0.1 },
      summaryMetrics: null,
      description: null,
      commit: null,
      createdAt: "2026-08-01T12:00:00",
    },
    {
      name: "nosumm01",
      displayName: "no-summary",
      state: "finished",
      config: { github_sha: "abc", lr: 0.2 },
      summaryMetrics: null,
      createdAt: "2026-08-01T12:01:00",
    },
    {
      name: "noconf01",
      displayName: "no-config",
      state: "finished",
      tags: ["baseline"],
      config: null,
      summaryMetrics: { acc: 0.5 },
      createdAt: "2026-08-01T12:02:00",
    },
  ];
  const fake = startPagingWandb(runs);
  try {
    const fetched = await fetchRuns(plan("abc", ["baseline"]), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      metrics: ["acc"],
      configVars: ["lr"],
    });
    const [noState, noSummary] = fetched.candidates;
    assert.deepEqual(noState, {
      runId: "nostate1",
      displayName: "nostate1",
      state: "unknown",
      tags: [],
      description: null,
      createdAt: "2026-08-01T12:00:00.000Z",
      config: { github_sha: "abc", lr: 0.1 },
      summary: {},
    });
    assert.deepEqual(noSummary.summary, {});
    assert.deepEqual(fetched.baselines.map((run) => run.config), [{}]);

    const categorised = categoriseRuns(fetched.candidates, fetched.baselines);
    const counts = countRuns(categorised);
    assert.equal(counts.unknown, 1);
    assert.equal(counts.finished, 1);
    assert.equal(counts.complete, false);
    const rows = csvRows(categorised, {
      metrics: ["acc"],
      configVars: ["lr"],
      appUrl: "https://wandb.ai",
      entity: PROJECT.entity,
      project: PROJECT.name,
    });
    // The finished candidate with no summary, and the baseline with no config.
    assert.deepEqual(
      rows.map((row) => [row[3], row[6], ...row.slice(-3)]),
      [
        ["nosumm01", "abc", "", "0.2", "candidate"],
        ["noconf01", "", "0.5", "", "baseline"],
      ],
    );
  } finally {
    await fake.close();
  }
});

Deno.test("a null edge node is skipped, and the next page still starts at the last run", async () => {
  const runs = generateRuns(12, { sha: "abc" });
  runs[4].nullNode = true;
  const fake = startPagingWandb(runs);
  try {
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      pageSize: 5,
    });
    assert.deepEqual(
      fetched.candidates.map((run) => run.runId),
      runs.filter((run) => !run.nullNode).map((run) => run.name),
    );
    // Page 1 is runs 0-3 and a null: the next starts at run 3, after run 2;
    // page 2 is run 3, the null again, runs 5-7; page 3 starts at run 7.
    assert.deepEqual(candidateOffsets(fake.requests), [-1, 2, 6]);
  } finally {
    await fake.close();
  }
});

Deno.test("pages of null nodes, longer than a capped page, are passed over: each run once, cursors only forward", async () => {
  const runs = generateRuns(400, { sha: "abc" });
  runs.forEach((run, index) => {
    run.nullNode = index % 7 === 3 || index % 50 === 49 ||
      (index >= 100 && index < 230);
  });
  const fake = startPagingWandb(runs, { maxPageSize: 50 });
  try {
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
    });
    const expected = runs.filter((run) => !run.nullNode).map((run) => run.name);
    assert.deepEqual(fetched.candidates.map((run) => run.runId), expected);
    const offsets = candidateOffsets(fake.requests);
    for (let index = 1; index < offsets.length; index++) {
      assert.ok(offsets[index] > offsets[index - 1], `cursors ${offsets}`);
    }
    // Page 3 (runs 97-146) has runs 97 and 98 only: page 4 starts at run 98,
    // whose page has no other run, so page 5 starts after it, past the nulls;
    // page 5 (148-197) is all nulls.
    assert.deepEqual(offsets, [-1, 47, 96, 97, 147, 197, 246, 295, 344, 393]);
  } finally {
    await fake.close();
  }
});

Deno.test("a run that turns into a null node between pages makes the set be read again", async () => {
  const runs = generateRuns(12, { sha: "abc" });
  const fake = startPagingWandb(runs, {
    onRequest: (index) => {
      // Page 2 was to start with run 4, the last run of page 1.
      if (index === 1) runs[4].nullNode = true;
    },
  });
  try {
    const fetched = await fetchRuns(plan("abc"), {
      baseUrl: fake.url,
      apiKey: DEMO_API_KEY,
      pageSize: 5,
    });
    assert.deepEqual(
      fetched.candidates.map((run) => run.runId),
      runs.filter((_, index) => index !== 4).map((run) => run.name),
    );
    assert.deepEqual(candidateOffsets(fake.requests), [-1, 3, -1, 2, 6]);
  } finally {
    await fake.close();
  }
});

Deno.test("a run without a name is still an error naming where, beside a null node", async () => {
  const runs = generateRuns(3, { sha: "abc" });
  runs[0].nullNode = true;
  const fake = startPagingWandb(runs);
  try {
    fake.failNext({
      kind: "transform",
      transform: (body) => {
        delete body.data.project.candidates.edges[2].node.name;
        return body;
      },
    });
    await assert.rejects(
      fetchRuns(plan("abc"), { baseUrl: fake.url, apiKey: DEMO_API_KEY }),
      /malformed data at data\.project\.candidates\.edges\.2\.node\.name: /,
    );
  } finally {
    await fake.close();
  }
});
