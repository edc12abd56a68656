import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type GraphQLObjectType, isNonNullType } from "graphql";
import {
  DEMO_API_KEY,
  DEMO_ENTITY,
  DEMO_PROJECT,
  DEMO_SECONDARY_SHA,
  DEMO_SHA,
  demoProject,
  generateRuns,
} from "./sample_data.ts";
import { wandbSchema } from "./schema.ts";
import { serveDemo } from "./serve.ts";
import {
  type FakeRun,
  type FakeWandb,
  type FakeWandbOptions,
  startFakeWandb,
} from "./server.ts";

const RUNS_QUERY = `
query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50,
           $order: String, $filters: JSONString) {
  project(name: $project, entityName: $entity) {
    runCount(filters: $filters)
    runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
      edges { node { name displayName state tags } cursor }
      pageInfo { endCursor hasNextPage }
    }
  }
}`;

const DEMO = { project: DEMO_PROJECT, entity: DEMO_ENTITY };

interface RunConnection {
  edges: { node: { name: string }; cursor: string }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** The run ids of a page, in order. */
function edgeNames(connection: RunConnection): string[] {
  return connection.edges.map((edge) => edge.node.name);
}

interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Posts a GraphQL request the way the SDK does and reads the JSON answer. */
async function post(
  fake: FakeWandb,
  query: string,
  variables: Record<string, unknown> = {},
  options: { apiKey?: string | null; operationName?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "W&B Public Client 0",
  };
  const apiKey = options.apiKey === undefined ? DEMO_API_KEY : options.apiKey;
  if (apiKey !== null) headers.authorization = `Basic ${btoa(`api:${apiKey}`)}`;
  const response = await fetch(`${fake.url}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      query,
      variables,
      operationName: options.operationName ?? "",
    }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text),
  };
}

/** Lists the run ids a filter selects in the demo project. */
async function runIds(
  fake: FakeWandb,
  filters: unknown,
  order?: string,
): Promise<string[]> {
  const answer = await post(fake, RUNS_QUERY, {
    ...DEMO,
    filters: JSON.stringify(filters),
    order,
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return edgeNames(answer.body.data.project.runs);
}

/** Runs `body` against a fresh demo server, closing it afterwards. */
async function withFake(
  body: (fake: FakeWandb) => Promise<void>,
  options: Partial<FakeWandbOptions> = {},
) {
  const fake = startFakeWandb({
    projects: [demoProject()],
    apiKeys: [DEMO_API_KEY],
    ...options,
  });
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64").toString("utf8");
}

async function waitForRequests(fake: FakeWandb, count: number) {
  for (let tries = 0; fake.requests.length < count; tries++) {
    assert.ok(tries < 200, "the request never reached the fake");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("the fake checks HTTP Basic auth like W&B", () =>
  withFake(async (fake) => {
    const denied = {
      errors: [{
        message: "permission denied",
        extensions: { code: "PERMISSION_ERROR" },
      }],
    };
    const viewer = "query Viewer { viewer { id entity } }";
    for (
      const apiKey of [null, "wrong-key-0000000000000000000000000000000000000"]
    ) {
      const answer = await post(fake, viewer, {}, { apiKey });
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, denied);
    }
    const wrongUser = await fetch(`${fake.url}/graphql`, {
      method: "POST",
      headers: { Authorization: `Basic ${btoa(`user:${DEMO_API_KEY}`)}` },
      body: JSON.stringify({ query: viewer }),
    });
    assert.equal(wrongUser.status, 401);
    await wrongUser.body?.cancel();

    const valid = await post(fake, viewer);
    assert.equal(valid.status, 200);
    assert.equal(valid.body.data.viewer.entity, DEMO_ENTITY);
    assert.deepEqual(fake.requests.map((request) => request.authorized), [
      false,
      false,
      false,
      true,
    ]);
    assert.deepEqual(fake.requests.map((request) => request.status), [
      401,
      401,
      401,
      200,
    ]);
    assert.equal(fake.requests[3].headers["user-agent"], "W&B Public Client 0");
    assert.equal(fake.requests[3].operationName, "");
    assert.equal(fake.requests[3].query, viewer);
  }));

Deno.test("the fake validates queries against W&B's schema", async (t) => {
  await withFake(async (fake) => {
    await t.step(
      "an unknown field is a 400 with graphql's message",
      async () => {
        for (const field of ["foo", "summary"]) {
          const answer = await post(
            fake,
            `{ project(name: "p", entityName: "e") { run(name: "x") { ${field} } } }`,
          );
          assert.equal(answer.status, 400);
          assert.equal(
            answer.body.errors[0].message.startsWith(
              `Cannot query field "${field}" on type "Run".`,
            ),
            true,
          );
        }
      },
    );
    await t.step(
      "a syntax error, a missing variable and a bad body are 400s",
      async () => {
        assert.equal((await post(fake, "{ viewer { id }")).status, 400);
        assert.equal(
          (await post(fake, RUNS_QUERY, { project: DEMO_PROJECT })).status,
          400,
        );
        const notJson = await fetch(`${fake.url}/graphql`, {
          method: "POST",
          headers: { authorization: `Basic ${btoa(`api:${DEMO_API_KEY}`)}` },
          body: "query=1",
        });
        assert.equal(notJson.status, 400);
        assert.match(
          (await notJson.json()).errors[0].message,
          /^Cannot parse request body/,
        );
      },
    );
    await t.step("filters must be JSON text", async () => {
      const answer = await post(fake, RUNS_QUERY, {
        ...DEMO,
        filters: "{config.github_sha: 1}",
      });
      assert.equal(answer.status, 400);
      assert.match(answer.body.errors[0].message, /^Cannot parse filters/);
    });
  });
});

Deno.test("the fake answers only the selected fields", async (t) => {
  await withFake(async (fake) => {
    await t.step("a run carries exactly the fields asked for", async () => {
      const answer = await post(
        fake,
        `query Run($project: String!, $entity: String!, $name: String!) {
          project(name: $project, entityName: $entity) { run(name: $name) { name state } }
        }`,
        { ...DEMO, name: "e6lo523p" },
      );
      assert.deepEqual(answer.body, {
        data: { project: { run: { name: "e6lo523p", state: "finished" } } },
      });
    });
    await t.step(
      "aliases let one request carry candidates and baselines",
      async () => {
        const answer = await post(
          fake,
          `query Both($project: String!, $entity: String!, $candidates: JSONString, $baselines: JSONString) {
          project(name: $project, entityName: $entity) {
            candidates: runs(filters: $candidates, first: 100) { edges { node { name } } }
            baselines: runs(filters: $baselines, first: 100) { edges { node { name } } }
          }
        }`,
          {
            ...DEMO,
            candidates: JSON.stringify({ "config.github_sha": DEMO_SHA }),
            baselines: JSON.stringify({ tags: { $in: ["reference"] } }),
          },
        );
        assert.deepEqual(edgeNames(answer.body.data.project.candidates), [
          "15u8cbod",
          "e6lo523p",
          "k3m9p2xq",
          "w2h7d5qe",
          "t4n8b1zv",
          "v6q1n4ts",
        ]);
        assert.deepEqual(edgeNames(answer.body.data.project.baselines), [
          "j5x2m8cw",
        ]);
      },
    );
    await t.step(
      'the operation comes from the document; operationName "" means none',
      async () => {
        const twoOperations =
          "query A { viewer { id } } query B { viewer { entity } }";
        assert.deepEqual(
          (await post(fake, twoOperations, {}, { operationName: "B" })).body,
          {
            data: { viewer: { entity: DEMO_ENTITY } },
          },
        );
        assert.equal((await post(fake, twoOperations)).status, 400);
        assert.equal(
          (await post(fake, "query A { viewer { id } }")).status,
          200,
        );
      },
    );
  });
});

/** One demo run's `fields`, asked for as the SDK asks for a single run. */
async function fetchRun(
  fake: FakeWandb,
  name: string,
  fields: string,
): Promise<Answer["body"]> {
  const query =
    `query Run($project: String!, $entity: String!, $name: String!) {
        project(name: $project, entityName: $entity) { run(name: $name) { ${fields} } }
      }`;
  return (await post(fake, query, { ...DEMO, name })).body.data.project.run;
}

Deno.test("the fake serves config and summaryMetrics as W&B's JSON text", async (t) => {
  await withFake(async (fake) => {
    const run = (name: string, fields: string) => fetchRun(fake, name, fields);
    await t.step(
      "config is JSON text wrapped in {value}, with _wandb",
      async () => {
        const { config } = await run("e6lo523p", "config");
        assert.deepEqual(JSON.parse(config), {
          learning_rate: { value: 0.0005 },
          num_layers: { value: 3 },
          github_sha: { value: DEMO_SHA },
          _wandb: { value: { cli_version: "0.21.0" } },
        });
      },
    );
    await t.step(
      "a legacy run's config is wrapped in {desc, value}",
      async () => {
        const { config } = await run("cqigzoxc", "config");
        assert.deepEqual(JSON.parse(config).num_layers, {
          desc: null,
          value: 2,
        });
      },
    );
    await t.step(
      "summaryMetrics is JSON text, nested values kept, NaN as a string",
      async () => {
        const dashing = JSON.parse(
          (await run("e6lo523p", "summaryMetrics")).summaryMetrics,
        );
        assert.equal(dashing.acc, 0.8962264060974121);
        assert.deepEqual(dashing.eval, { f1: 0.8812154696132597 });
        assert.equal(dashing._step, 49);
        const misty = await run("w2h7d5qe", "summaryMetrics");
        assert.match(misty.summaryMetrics, /"loss":"NaN"/);
      },
    );
    await t.step(
      "keys: projects config and summaries to the top-level keys asked for",
      async () => {
        const projected = await run(
          "e6lo523p",
          'config(keys: ["github_sha", "secondary_sha"]) summaryMetrics(keys: ["acc", "eval", "missing"])',
        );
        assert.deepEqual(JSON.parse(projected.config), {
          github_sha: { value: DEMO_SHA },
        });
        assert.deepEqual(JSON.parse(projected.summaryMetrics), {
          acc: 0.8962264060974121,
          eval: { f1: 0.8812154696132597 },
        });
      },
    );
  });
});

Deno.test("the fake serves the other run fields as W&B does, and null for a run or project it lacks", async (t) => {
  await withFake(async (fake) => {
    const run = (name: string, fields: string) => fetchRun(fake, name, fields);
    await t.step("the other run fields", async () => {
      const happy = await run(
        "15u8cbod",
        "id name displayName state tags description commit createdAt heartbeatAt systemMetrics historyKeys user { name username } projectId notes group jobType sweepName",
      );
      assert.equal(
        Buffer.from(happy.id, "base64").toString(),
        `Run:v1:15u8cbod:${DEMO_PROJECT}:${DEMO_ENTITY}`,
      );
      assert.deepEqual(happy.tags, ["baseline", "test"]);
      assert.equal(
        happy.description,
        'Re-run of the baseline, "frozen" embeddings\nsecond line of the description',
      );
      assert.equal(happy.systemMetrics, "{}");
      assert.equal(happy.historyKeys.lastStep, 49);
      assert.deepEqual(happy.historyKeys.keys.loss, {
        typeCounts: [{ type: "number", count: 50 }],
      });
      assert.deepEqual(happy.user, {
        name: "GitHub Actions",
        username: "github",
      });
      assert.equal(happy.createdAt, "2020-03-03T09:00:56");
      assert.equal(happy.projectId, 1);
      assert.equal(happy.sweepName, null);
      assert.equal((await run("t4n8b1zv", "sweepName")).sweepName, "q8w2e4r6");
    });
    await t.step(
      "a missing run and an unknown project are null, HTTP 200",
      async () => {
        assert.equal(await run("nosuchid", "name"), null);
        const answer = await post(fake, RUNS_QUERY, {
          project: "nope",
          entity: DEMO_ENTITY,
        });
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { data: { project: null } });
      },
    );
  });
});

Deno.test("the fake filters runs like W&B", async (t) => {
  await withFake(async (fake) => {
    await t.step("the original action's queries by SHA", async () => {
      assert.deepEqual(await runIds(fake, { "config.github_sha": DEMO_SHA }), [
        "15u8cbod",
        "e6lo523p",
        "k3m9p2xq",
        "w2h7d5qe",
        "t4n8b1zv",
        "v6q1n4ts",
      ]);
      const baselines = {
        $and: [
          { tags: { $in: ["baseline"] } },
          {
            $or: [{ "config.github_sha": { $ne: DEMO_SHA } }, {
              "config.github_sha": { $exists: false },
            }],
          },
        ],
      };
      assert.deepEqual(await runIds(fake, baselines), ["cqigzoxc", "p9f3k7ra"]);
      const secondary = {
        $and: [{ "config.github_sha": DEMO_SHA }, {
          "config.secondary_sha": DEMO_SECONDARY_SHA,
        }],
      };
      assert.deepEqual(await runIds(fake, secondary), ["v6q1n4ts"]);
    });
    await t.step("the original action's queries by run id", async () => {
      assert.deepEqual(await runIds(fake, { name: "e6lo523p" }), ["e6lo523p"]);
      const baselines = {
        $and: [{ tags: { $in: ["baseline"] } }, { name: { $ne: "15u8cbod" } }],
      };
      assert.deepEqual(await runIds(fake, baselines), ["cqigzoxc", "p9f3k7ra"]);
    });
    await t.step(
      "runCount counts the matches; {} and no filters match every run",
      async () => {
        const count = async (filters?: string) =>
          (await post(fake, RUNS_QUERY, { ...DEMO, filters })).body.data.project
            .runCount;
        assert.equal(await count(JSON.stringify({ state: "finished" })), 7);
        assert.equal(await count("{}"), 11);
        assert.equal(await count(), 11);
      },
    );
    await t.step("a bare tag list is a 500; summary.K is a 400", async () => {
      const list = await post(fake, RUNS_QUERY, {
        ...DEMO,
        filters: JSON.stringify({ tags: ["baseline"] }),
      });
      assert.equal(list.status, 500);
      assert.equal(
        list.body.errors[0].message,
        "unsupported type []interface {}",
      );
      const summary = await post(fake, RUNS_QUERY, {
        ...DEMO,
        filters: JSON.stringify({ "summary.acc": 1 }),
      });
      assert.equal(summary.status, 400);
    });
  });
});

Deno.test("the fake orders runs like W&B", async (t) => {
  await withFake(async (fake) => {
    const finished = { state: "finished" };
    await t.step(
      "oldest first by default, newest first with -created_at",
      async () => {
        const oldestFirst = await runIds(fake, finished);
        assert.deepEqual(oldestFirst, [
          "cqigzoxc",
          "p9f3k7ra",
          "15u8cbod",
          "e6lo523p",
          "j5x2m8cw",
          "v6q1n4ts",
          "h8r3e6ou",
        ]);
        assert.deepEqual(
          await runIds(fake, finished, "-created_at"),
          oldestFirst.toReversed(),
        );
        assert.deepEqual(
          await runIds(fake, finished, "+heartbeat_at"),
          oldestFirst,
        );
      },
    );
    await t.step(
      "by a summary metric or a config value; ties keep the project's order",
      async () => {
        assert.deepEqual(
          (await runIds(fake, finished, "-summary_metrics.val_acc")).slice(
            0,
            3,
          ),
          [
            "e6lo523p",
            "v6q1n4ts",
            "j5x2m8cw",
          ],
        );
        assert.deepEqual(
          await runIds(fake, finished, "+config.learning_rate.value"),
          [
            "e6lo523p", // 0.0005
            "v6q1n4ts",
            "cqigzoxc", // 0.001
            "15u8cbod",
            "j5x2m8cw",
            "p9f3k7ra", // 0.002
            "h8r3e6ou", // 0.01
          ],
        );
      },
    );
    await t.step("a run missing the key sorts first ascending", async () => {
      assert.equal(
        (await runIds(fake, {}, "+summary_metrics.val_acc"))[0],
        "k3m9p2xq",
      );
    });
    await t.step("an unknown order is a 400", async () => {
      const answer = await post(fake, RUNS_QUERY, {
        ...DEMO,
        order: "+config.learning_rate",
      });
      assert.equal(answer.status, 400);
    });
  });
});

Deno.test("the fake pages with offset cursors", async (t) => {
  const project = {
    entity: "ci",
    name: "paging",
    runs: generateRuns(1234, { sha: DEMO_SHA }),
  };
  await withFake(async (fake) => {
    const variables = {
      project: "paging",
      entity: "ci",
      perPage: 100,
      filters: "{}",
    };
    await t.step(
      "1,234 runs, 100 per page: every run exactly once",
      async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0;; page++) {
          assert.ok(page < 20, "paging did not stop");
          const answer: Answer = await post(fake, RUNS_QUERY, {
            ...variables,
            cursor,
          });
          const { runCount, runs } = answer.body.data.project;
          assert.equal(runCount, 1234);
          for (const [offset, edge] of runs.edges.entries()) {
            assert.equal(
              decodeCursor(edge.cursor),
              `arrayconnection:${page * 100 + offset}`,
            );
            seen.push(edge.node.name);
          }
          assert.equal(runs.pageInfo.endCursor, runs.edges.at(-1).cursor);
          if (!runs.pageInfo.hasNextPage) break;
          cursor = runs.pageInfo.endCursor;
        }
        assert.equal(fake.requests.length, 13);
        assert.equal(seen.length, 1234);
        assert.deepEqual(seen, project.runs.map((run) => run.name));
      },
    );
    await t.step(
      "first defaults to 50; a page past the end is empty with a null endCursor",
      async () => {
        const { perPage: _, ...rest } = variables;
        const answer = await post(
          fake,
          RUNS_QUERY.replace("$perPage: Int = 50", "$perPage: Int"),
          rest,
        );
        assert.equal(answer.body.data.project.runs.edges.length, 50);
        const pastEnd = btoa("arrayconnection:1233");
        const empty =
          (await post(fake, RUNS_QUERY, { ...variables, cursor: pastEnd })).body
            .data.project.runs;
        assert.deepEqual(empty, {
          edges: [],
          pageInfo: { endCursor: null, hasNextPage: false },
        });
      },
    );
    await t.step("an invalid cursor is a 400", async () => {
      assert.equal(
        (await post(fake, RUNS_QUERY, { ...variables, cursor: "bm9wZQ==" }))
          .status,
        400,
      );
    });
  }, { projects: [project] });
});

Deno.test("onRequest can create runs mid-paging, which offsets then repeat", () => {
  const runs = generateRuns(4);
  return withFake(async (fake) => {
    const variables = {
      project: "paging",
      entity: "ci",
      perPage: 2,
      filters: "{}",
      order: "-created_at",
    };
    const page = async (cursor: string | null): Promise<RunConnection> =>
      (await post(fake, RUNS_QUERY, { ...variables, cursor })).body.data
        .project.runs;
    const first = await page(null);
    const second = await page(first.pageInfo.endCursor);
    const names = [...edgeNames(first), ...edgeNames(second)];
    assert.deepEqual(names, [
      runs[3].name,
      runs[2].name,
      runs[2].name,
      runs[1].name,
    ]);
  }, {
    projects: [{ entity: "ci", name: "paging", runs }],
    onRequest(index, fake) {
      if (index === 1) {
        fake.projects[0].runs.push(...generateRuns(1, { startIndex: 4 }));
      }
    },
  });
});

/** The smallest query the fake answers: who the key belongs to. */
const VIEWER = "{ viewer { entity } }";

Deno.test("the fake answers an error status on demand, one fault per request", async (t) => {
  await withFake(async (fake) => {
    await t.step(
      "status: the status, a JSON body and Retry-After; consumed before auth",
      async () => {
        fake.failNext({ kind: "status", status: 429, retryAfter: "2" });
        const limited = await post(fake, VIEWER, {}, { apiKey: null });
        assert.equal(limited.status, 429);
        assert.equal(limited.headers.get("retry-after"), "2");
        assert.ok(Array.isArray(limited.body.errors));
        assert.equal(
          (await post(fake, VIEWER, {}, { apiKey: null })).status,
          401,
        );
      },
    );
    await t.step("faults queue one per request", async () => {
      fake.failNext({ kind: "status", status: 503 }, {
        kind: "status",
        status: 502,
        body: '{"error":"bad gateway"}',
      });
      assert.equal((await post(fake, VIEWER)).status, 503);
      const second = await post(fake, VIEWER);
      assert.deepEqual([second.status, second.body], [502, {
        error: "bad gateway",
      }]);
      assert.equal((await post(fake, VIEWER)).status, 200);
    });
  });
});

Deno.test("the fake answers GraphQL errors or a raw body on demand", async (t) => {
  await withFake(async (fake) => {
    await t.step(
      "graphqlErrors: an errors list beside partial data",
      async () => {
        const errors = [{
          message: "project not found",
          extensions: { code: "NOT_FOUND" },
        }];
        fake.failNext({
          kind: "graphqlErrors",
          errors,
          data: { project: null },
        });
        const answer = await post(fake, VIEWER);
        assert.deepEqual([answer.status, answer.body], [200, {
          errors,
          data: { project: null },
        }]);
        fake.failNext({ kind: "graphqlErrors", status: 404, errors });
        const notFound = await post(fake, VIEWER);
        assert.deepEqual([notFound.status, notFound.body], [404, { errors }]);
      },
    );
    await t.step(
      "rawBody: a body that is not what a client expects",
      async () => {
        fake.failNext({
          kind: "rawBody",
          status: 502,
          body: "<html>Bad Gateway</html>",
          contentType: "text/html",
        });
        const response = await fetch(`${fake.url}/graphql`, {
          method: "POST",
          body: "{}",
        });
        assert.equal(response.status, 502);
        assert.equal(response.headers.get("content-type"), "text/html");
        assert.equal(await response.text(), "<html>Bad Gateway</html>");
        fake.failNext({ kind: "rawBody", body: '{"data": {"viewer"' });
        const truncated = await fetch(`${fake.url}/graphql`, {
          method: "POST",
          body: "{}",
        });
        assert.equal(truncated.status, 200);
        assert.equal(await truncated.text(), '{"data": {"viewer"');
      },
    );
  });
});

Deno.test("the fake delays, edits, hangs or cuts short an answer on demand", async (t) => {
  await withFake(async (fake) => {
    await t.step("delay: waits, then answers normally", async () => {
      fake.failNext({ kind: "delay", ms: 150 });
      const started = performance.now();
      const answer = await post(fake, VIEWER);
      assert.ok(performance.now() - started >= 140);
      assert.deepEqual(answer.body, {
        data: { viewer: { entity: DEMO_ENTITY } },
      });
    });
    await t.step("transform: edits the normal answer", async () => {
      fake.failNext({
        kind: "transform",
        transform: (body) => ({
          ...body,
          data: { viewer: { entity: body.data.viewer.entity.toUpperCase() } },
        }),
      });
      assert.deepEqual((await post(fake, VIEWER)).body, {
        data: { viewer: { entity: "GITHUB" } },
      });
    });
    await t.step("hang: no answer until the client gives up", async () => {
      fake.failNext({ kind: "hang" });
      await assert.rejects(
        fetch(`${fake.url}/graphql`, {
          method: "POST",
          body: "{}",
          signal: AbortSignal.timeout(100),
        }),
        (error: Error) => error.name === "TimeoutError",
      );
      assert.equal(fake.requests.at(-1)?.status, 0);
    });
    await t.step(
      "closeMidBody: half the body, then the connection drops",
      async () => {
        fake.failNext({ kind: "closeMidBody" });
        const response = await fetch(`${fake.url}/graphql`, {
          method: "POST",
          headers: { authorization: `Basic ${btoa(`api:${DEMO_API_KEY}`)}` },
          body: JSON.stringify({ query: RUNS_QUERY, variables: DEMO }),
        });
        assert.equal(response.status, 200);
        await assert.rejects(response.text());
        const recorded = fake.requests.at(-1)!;
        assert.ok(
          recorded.responseBytes > 0 &&
            recorded.responseBytes <
              Number(response.headers.get("content-length")),
        );
      },
    );
  });
});

Deno.test("close() releases a hanging request", async () => {
  const fake = serveDemo();
  fake.failNext({ kind: "hang" });
  const pending = fetch(`${fake.url}/graphql`, { method: "POST", body: "{}" })
    .then((response) => response.text());
  await waitForRequests(fake, 1);
  await fake.close();
  await assert.rejects(pending);
});

Deno.test("latencyMs delays every answer", () =>
  withFake(async (fake) => {
    const started = performance.now();
    await post(fake, "{ viewer { id } }");
    await post(fake, "{ viewer { id } }");
    assert.ok(performance.now() - started >= 190);
  }, { latencyMs: 100 }));

Deno.test("serveDemo serves the demo project with the demo key", async () => {
  const fake = serveDemo();
  try {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await runIds(fake, {})).length, 11);
  } finally {
    await fake.close();
  }
});

Deno.test("the schema lets exactly the fields W&B's clients type as nullable be null", () => {
  const nullable = (typeName: string) =>
    Object.values(
      (wandbSchema.getType(typeName) as GraphQLObjectType).getFields(),
    ).filter((field) => !isNonNullType(field.type)).map((field) => field.name);
  for (
    const field of [
      "state",
      "config",
      "summaryMetrics",
      "tags",
      "displayName",
      "description",
      "commit",
    ]
  ) {
    assert.ok(nullable("Run").includes(field), `Run.${field} is nullable`);
  }
  assert.ok(!nullable("Run").includes("name"), "Run.name is not");
  assert.deepEqual(nullable("RunEdge"), ["node"]);
});

const NULL_RUNS_QUERY = `
query Runs($project: String!, $entity: String!, $perPage: Int, $cursor: String) {
  project(name: $project, entityName: $entity) {
    runs(first: $perPage, after: $cursor) {
      edges {
        cursor
        node {
          name displayName state tags description commit
          config(keys: ["lr"]) summaryMetrics(keys: ["acc"])
        }
      }
      pageInfo { endCursor hasNextPage }
    }
    run(name: "nullnode") { name }
  }
}`;

Deno.test("a FakeRun serves null for any field W&B's schema lets be null, and can be a null edge node", () => {
  const createdAt = "2026-08-01T12:00:00";
  const runs: FakeRun[] = [
    {
      name: "allnull1",
      displayName: null,
      state: null,
      tags: null,
      config: null,
      summaryMetrics: null,
      description: null,
      commit: null,
      createdAt,
    },
    {
      name: "nullnode",
      displayName: "x",
      state: "finished",
      nullNode: true,
      createdAt,
    },
    { name: "defaults", displayName: "d", state: "running", createdAt },
  ];
  return withFake(async (fake) => {
    const answer = await post(fake, NULL_RUNS_QUERY, {
      project: "nulls",
      entity: "ci",
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { runs: page, run } = answer.body.data.project;
    assert.deepEqual(page.edges.map((edge: { node: unknown }) => edge.node), [
      {
        name: "allnull1",
        displayName: null,
        state: null,
        tags: null,
        description: null,
        commit: null,
        config: null,
        summaryMetrics: null,
      },
      null,
      {
        name: "defaults",
        displayName: "d",
        state: "running",
        tags: [],
        description: null,
        commit: null,
        config: "{}",
        summaryMetrics: "{}",
      },
    ]);
    assert.equal(
      decodeCursor(page.edges[1].cursor),
      "arrayconnection:1",
      "a null node keeps its place and cursor",
    );
    assert.equal(run, null, "Project.run answers null for it");
  }, { projects: [{ entity: "ci", name: "nulls", runs }] });
});

Deno.test("the fake refuses a dotted key in keys:, as the real server's handling is undocumented", () =>
  withFake(async (fake) => {
    for (const field of ["config", "summaryMetrics"]) {
      const answer = await post(
        fake,
        `query Run($project: String!, $entity: String!) {
          project(name: $project, entityName: $entity) {
            run(name: "e6lo523p") { ${field}(keys: ["acc", "eval.f1"]) }
          }
        }`,
        DEMO,
      );
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body.errors, [{
        message:
          'Cannot project keys: dotted keys are not supported, got "eval.f1"; ask for the top-level key',
        path: ["project", "run", field],
      }]);
    }
  }));

Deno.test("maxPageSize caps every page whatever first asks; paging by hasNextPage still reads each run once", async (t) => {
  const runs = generateRuns(120);
  await withFake(async (fake) => {
    const page = async (perPage: number | null, cursor: string | null) =>
      (await post(fake, NULL_RUNS_QUERY, {
        project: "capped",
        entity: "ci",
        perPage,
        cursor,
      })).body.data.project.runs as RunConnection;
    await t.step("first: 1000 gets 50, with more to come", async () => {
      const first = await page(1000, null);
      assert.equal(first.edges.length, 50);
      assert.equal(first.pageInfo.hasNextPage, true);
      assert.equal(
        decodeCursor(first.pageInfo.endCursor!),
        "arrayconnection:49",
      );
    });
    await t.step(
      "first below the cap, and the default of 50, are served as asked",
      async () => {
        assert.equal((await page(7, null)).edges.length, 7);
        assert.equal((await page(null, null)).edges.length, 50);
      },
    );
    await t.step("every run once, in three requests", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let requests = 0;
      for (;;) {
        const { edges, pageInfo }: RunConnection = await page(1000, cursor);
        requests++;
        seen.push(...edges.map((edge) => edge.node.name));
        if (!pageInfo.hasNextPage) break;
        cursor = pageInfo.endCursor;
      }
      assert.equal(requests, 3);
      assert.deepEqual(seen, runs.map((run) => run.name));
    });
  }, { projects: [{ entity: "ci", name: "capped", runs }], maxPageSize: 50 });
});

Deno.test("maxPageSize must be a positive integer", () => {
  for (const maxPageSize of [0, -1, 2.5]) {
    assert.throws(
      () => startFakeWandb({ projects: [], apiKeys: [], maxPageSize }),
      RangeError,
    );
  }
});
