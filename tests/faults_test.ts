/**
 * The fault matrix: every way W&B (or what stands between) can answer badly.
 * Each case ends with correct files and outputs, or with a one-line error, no
 * outputs and the previous reports untouched; retries and the time they take
 * (on a simulated clock) stay bounded.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { parseInputs, type RawInputs } from "../lib/action/inputs.ts";
import { runJob } from "../lib/action/job.ts";
import {
  captureLog,
  readOutputsFile,
  readTree,
  tempFolder,
} from "./_helpers.ts";
import {
  DEMO_API_KEY,
  generateRuns,
} from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeFault,
  type FakeProject,
  type FakeRun,
  type FakeWandb,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";

const ENTITY = "acme";
const PROJECT = "faults";
const SHA = "f".repeat(40);
const PREVIOUS = {
  csv: "previous,report\n",
  markdown: "previous report\n",
  json: '{"previous": true}\n',
};
/** The simulated clock starts here; waits advance it instead of passing. */
const START = Date.parse("2026-11-23T10:00:00Z");
/** The transport's limits: 5 attempts, 120 s in all, per request. */
const MAX_ATTEMPTS = 5;
const MAX_TOTAL_MS = 120_000;

interface Outcome {
  error?: Error;
  outputs: Record<string, string>;
  csv?: string[][];
  markdown?: string;
  json?: string;
  partialFiles: string[];
  /** Waits taken, in order, on the simulated clock. */
  waits: number[];
  fake: FakeWandb;
  lines: string[];
}

interface Setup {
  runs?: FakeRun[];
  faults?: FakeFault[];
  inputs?: RawInputs;
  /** Inputs that depend on the fake's URL or on the workspace's files. */
  inputsFor?: (
    fake: FakeWandb,
    path: (name: string) => string,
  ) => RawInputs | Promise<RawInputs>;
  timeoutMs?: number;
  onRequest?: (index: number, fake: FakeWandb) => void;
  /** Whether debug lines are logged; default on. */
  debug?: boolean;
  /** The `fetch` to reach W&B with; the global one by default. */
  fetch?: typeof fetch;
}

/** Three finished candidates and two baselines. */
function smallProject(): FakeRun[] {
  return [
    ...generateRuns(3, { sha: SHA }),
    ...generateRuns(2, {
      sha: "0".repeat(40),
      tags: ["baseline"],
      startIndex: 100,
    }),
  ];
}

/** Runs the job with every report, against a fake with the faults queued, in a workspace holding earlier reports. */
async function runWithFaults(setup: Setup): Promise<Outcome> {
  const project: FakeProject = {
    entity: ENTITY,
    name: PROJECT,
    runs: setup.runs ?? smallProject(),
  };
  const fake = startFakeWandb({
    projects: [project],
    apiKeys: [DEMO_API_KEY],
    onRequest: setup.onRequest,
  });
  fake.failNext(...setup.faults ?? []);
  const workspace = await tempFolder();
  const path = (name: string) => `${workspace.path}/${name}`;
  await Deno.writeTextFile(path("wandb_report.csv"), PREVIOUS.csv);
  await Deno.writeTextFile(path("wandb_report.md"), PREVIOUS.markdown);
  await Deno.writeTextFile(path("report.json"), PREVIOUS.json);
  await Deno.writeTextFile(path("github_output"), "");
  let clock = START;
  const waits: number[] = [];
  const { log, lines } = captureLog({
    githubActions: true,
    debug: setup.debug ?? true,
  });
  let error: Error | undefined;
  try {
    const { inputs } = parseInputs({
      WANDB_API_KEY: DEMO_API_KEY,
      WANDB_BASE_URL: fake.url,
      PROJECT_NAME: `${ENTITY}/${PROJECT}`,
      FILTER_GITHUB_SHA: SHA,
      BASELINE_TAGS: "baseline",
      DISPLAY_METRICS: "acc, loss",
      DISPLAY_CONFIG_VARS: "learning_rate",
      REPORT_JSON: path("report.json"),
      ...setup.inputs,
      ...await setup.inputsFor?.(fake, path),
    }, { githubWorkspace: workspace.path });
    await runJob(inputs, {
      log,
      githubOutputPath: path("github_output"),
      printOutputs: () => assert.fail("outputs go to GITHUB_OUTPUT"),
      now: () => clock,
      sleep: (ms) => {
        waits.push(ms);
        clock += ms;
        return Promise.resolve();
      },
      random: () => 0,
      timeoutMs: setup.timeoutMs,
      fetch: setup.fetch,
    });
  } catch (caught) {
    error = caught as Error;
  } finally {
    await fake.close();
  }
  const files = await readTree(workspace.path);
  await workspace.remove();
  const csv = files[path("wandb_report.csv")];
  return {
    error,
    outputs: readOutputsFile(files[path("github_output")]),
    csv: csv === undefined ? undefined : parse(csv),
    markdown: files[path("wandb_report.md")],
    json: files[path("report.json")],
    partialFiles: Object.keys(files).filter((name) =>
      name.endsWith(".partial")
    ),
    waits,
    fake,
    lines,
  };
}

/** A failed run: one clean line, no outputs, every earlier report as it was. */
function assertCleanFailure(outcome: Outcome, message: RegExp): void {
  assert.ok(outcome.error, "the job should have failed");
  assert.match(outcome.error.message, message);
  assert.ok(!outcome.error.message.includes("\n"), "one line");
  assert.ok(!outcome.error.message.includes(DEMO_API_KEY), "no key");
  assert.deepEqual(outcome.outputs, {}, "no outputs");
  assert.deepEqual(outcome.csv, [["previous", "report"]], "CSV untouched");
  assert.equal(outcome.markdown, PREVIOUS.markdown, "Markdown untouched");
  assert.equal(outcome.json, PREVIOUS.json, "JSON report untouched");
  assert.deepEqual(outcome.partialFiles, [], "no .partial left");
  assertBounded(outcome);
}

/** The reports of the small project, complete and correct. */
function assertSmallProjectReported(outcome: Outcome): void {
  assert.equal(outcome.error, undefined, outcome.error?.message);
  assert.equal(outcome.outputs.NUM_CANDIDATES, "3");
  assert.equal(outcome.outputs.NUM_BASELINES, "2");
  assert.equal(outcome.csv?.length, 1 + 3 + 2);
  assert.match(outcome.markdown ?? "", /generated-run-100/);
  assert.equal(JSON.parse(outcome.json ?? "{}").runs.length, 5);
  assert.deepEqual(outcome.partialFiles, []);
  assertBounded(outcome);
}

function assertBounded(outcome: Outcome): void {
  const waited = outcome.waits.reduce((sum, ms) => sum + ms, 0);
  assert.ok(waited <= MAX_TOTAL_MS, `waited ${waited} ms`);
  assert.ok(outcome.waits.length < MAX_ATTEMPTS * 2);
}

const html = "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>";

Deno.test("rate limits: Retry-After in seconds or as an HTTP date is obeyed, a long one is not waited", async (t) => {
  await t.step("seconds", async () => {
    const outcome = await runWithFaults({
      faults: [{ kind: "status", status: 429, retryAfter: "3" }],
    });
    assertSmallProjectReported(outcome);
    assert.deepEqual(outcome.waits, [3000]);
    assert.equal(outcome.fake.requests.length, 2);
  });
  await t.step("an HTTP date 7 s ahead", async () => {
    const outcome = await runWithFaults({
      faults: [{
        kind: "status",
        status: 429,
        retryAfter: new Date(START + 7000).toUTCString(),
      }],
    });
    assertSmallProjectReported(outcome);
    assert.deepEqual(outcome.waits, [7000]);
  });
  await t.step("an hour: fails at once rather than sit in CI", async () => {
    const outcome = await runWithFaults({
      faults: [{ kind: "status", status: 429, retryAfter: "3600" }],
    });
    assertCleanFailure(
      outcome,
      /^W&B answered HTTP 429: .*\(gave up after 1 attempt in 0 s: W&B asked to wait 3600 s, more than the 60 s waited at most\)$/,
    );
    assert.deepEqual(outcome.waits, []);
    assert.equal(outcome.fake.requests.length, 1);
  });
  await t.step("90 s: past the 60 s cap, fails at once", async () => {
    const outcome = await runWithFaults({
      faults: [{ kind: "status", status: 503, retryAfter: "90" }],
    });
    assertCleanFailure(
      outcome,
      /\(gave up after 1 attempt in 0 s: W&B asked to wait 90 s, more than the 60 s waited at most\)$/,
    );
    assert.deepEqual(outcome.waits, []);
  });
  await t.step("50 s twice: the third wait would pass 120 s", async () => {
    const outcome = await runWithFaults({
      faults: Array(5).fill({ kind: "status", status: 503, retryAfter: "50" }),
    });
    assertCleanFailure(outcome, /gave up after 3 attempts in 100 s/);
    assert.deepEqual(outcome.waits, [50_000, 50_000]);
  });
});

Deno.test("5xx bursts are retried with backoff, within 5 attempts", async (t) => {
  await t.step("500, 502, 503, then an answer", async () => {
    const outcome = await runWithFaults({
      faults: [500, 502, 503].map((status) => ({ kind: "status", status })),
    });
    assertSmallProjectReported(outcome);
    assert.deepEqual(outcome.waits, [2000, 4000, 8000]);
    assert.equal(outcome.fake.requests.length, 4);
  });
  await t.step("502 five times", async () => {
    const outcome = await runWithFaults({
      faults: Array(6).fill({ kind: "status", status: 502, body: html }),
    });
    assertCleanFailure(
      outcome,
      /^W&B answered HTTP 502: "<html><body><h1>502 Bad Gateway.*\(gave up after 5 attempts in 30 s\)$/,
    );
    assert.equal(outcome.fake.requests.length, 5);
  });
  await t.step("on the second page, after the first arrived", async () => {
    const outcome = await runWithFaults({
      runs: generateRuns(25, { sha: SHA }),
      inputs: { PAGE_SIZE: "10", BASELINE_TAGS: "" },
      faults: [
        { kind: "delay", ms: 0 },
        ...Array(5).fill({ kind: "status", status: 500 }),
      ],
    });
    assertCleanFailure(outcome, /^W&B answered HTTP 500: .*gave up after 5/);
    assert.equal(outcome.fake.requests.length, 6);
  });
});

Deno.test("an answer that hangs or breaks off is abandoned and asked again", async (t) => {
  await t.step("hangs past the timeout once", async () => {
    const outcome = await runWithFaults({
      faults: [{ kind: "hang" }],
      timeoutMs: 200,
    });
    assertSmallProjectReported(outcome);
    assert.deepEqual(outcome.waits, [2000]);
    assert.ok(
      outcome.lines.some((line) =>
        line.includes("W&B did not finish its request within 0.2 s")
      ),
    );
  });
  await t.step("hangs every time", async () => {
    const started = performance.now();
    const outcome = await runWithFaults({
      faults: Array(5).fill({ kind: "hang" }),
      timeoutMs: 200,
    });
    assertCleanFailure(
      outcome,
      /^W&B did not finish its request within 0\.2 s .*\(gave up after 5 attempts in 30 s\)$/,
    );
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 5, `5 timeouts of 0.2 s took ${seconds} s`);
  });
  await t.step("the connection closes mid-body", async () => {
    const outcome = await runWithFaults({ faults: [{ kind: "closeMidBody" }] });
    assertSmallProjectReported(outcome);
    assert.equal(outcome.fake.requests.length, 2);
  });
});

Deno.test("bodies that are not the JSON asked for", async (t) => {
  const truncated = '{"data": {"project": {"candidates": {"edges": [{"cur';
  await t.step("truncated JSON once: asked again", async () => {
    const outcome = await runWithFaults({
      faults: [{ kind: "rawBody", body: truncated }],
    });
    assertSmallProjectReported(outcome);
    assert.deepEqual(outcome.waits, [2000]);
  });
  await t.step("truncated JSON every time", async () => {
    const outcome = await runWithFaults({
      faults: Array(5).fill({ kind: "rawBody", body: truncated }),
    });
    assertCleanFailure(
      outcome,
      /^W&B answered HTTP 200 with a body that is not JSON: "\{\\"data\\".*\(gave up after 5 attempts/,
    );
  });
  await t.step("a proxy's HTML page with HTTP 200, once", async () => {
    const outcome = await runWithFaults({
      faults: [{ kind: "rawBody", body: html, contentType: "text/html" }],
    });
    assertSmallProjectReported(outcome);
  });
  await t.step("GraphQL errors beside partial data: an error", async () => {
    const outcome = await runWithFaults({
      faults: [{
        kind: "transform",
        transform: (body) => ({
          ...body,
          errors: [{
            message: "runs: summaryMetrics timed out",
            path: ["project", "baselines"],
          }],
        }),
      }],
    });
    assertCleanFailure(
      outcome,
      /^W&B answered with an error: runs: summaryMetrics timed out$/,
    );
    assert.equal(outcome.fake.requests.length, 1, "not retried");
  });
  await t.step("a JSON error object", async () => {
    const outcome = await runWithFaults({
      faults: [{ kind: "rawBody", status: 400, body: '{"error": "bad"}' }],
    });
    assertCleanFailure(outcome, /^W&B answered HTTP 400: bad$/);
  });
});

/** 25 candidates, read 10 to a page: three pages. */
function pagedRuns(): FakeRun[] {
  return generateRuns(25, { sha: SHA });
}
const PAGED = { PAGE_SIZE: "10", BASELINE_TAGS: "" };

Deno.test("paging that does not advance is an error: a repeated page, the same runs under new cursors, no runs with hasNextPage", async (t) => {
  await t.step(
    "a page that repeats the one before (cursor ignored)",
    async () => {
      let firstPage: unknown;
      const outcome = await runWithFaults({
        runs: pagedRuns(),
        inputs: PAGED,
        faults: [
          { kind: "transform", transform: (body) => (firstPage = body) },
          { kind: "transform", transform: () => firstPage },
        ],
      });
      assertCleanFailure(outcome, /^W&B paging of candidates did not advance/);
      assert.equal(outcome.fake.requests.length, 2);
    },
  );
  await t.step(
    "pages that repeat the same runs under new cursors",
    async () => {
      let firstPage: {
        data: { project: { candidates: { edges: { cursor: string }[] } } };
      };
      const repeatWithNewCursors = (copy: number): FakeFault => ({
        kind: "transform",
        transform: () => {
          const page = structuredClone(firstPage);
          for (const edge of page.data.project.candidates.edges) {
            edge.cursor = btoa(`${atob(edge.cursor)}-${copy}`);
          }
          return page;
        },
      });
      const outcome = await runWithFaults({
        runs: pagedRuns(),
        inputs: PAGED,
        faults: [
          { kind: "transform", transform: (body) => (firstPage = body) },
          ...[1, 2, 3].map(repeatWithNewCursors),
        ],
      });
      assertCleanFailure(outcome, /^W&B paging of candidates did not advance/);
      assert.equal(
        outcome.fake.requests.length,
        2,
        "stopped at the first repeat",
      );
    },
  );
  await t.step("hasNextPage with no runs", async () => {
    const outcome = await runWithFaults({
      runs: pagedRuns(),
      inputs: PAGED,
      faults: [{
        kind: "transform",
        transform: (body) => {
          body.data.project.candidates.edges = [];
          body.data.project.candidates.pageInfo.hasNextPage = true;
          return body;
        },
      }],
    });
    assertCleanFailure(
      outcome,
      /^W&B paging of candidates did not advance \(hasNextPage with 0 runs/,
    );
  });
});

Deno.test("runs moving between pages are each read once, and a list that keeps changing is an error", async (t) => {
  await t.step("an older run inserted mid-paging: every run once", async () => {
    const all = pagedRuns();
    const outcome = await runWithFaults({
      runs: [...all],
      inputs: PAGED,
      onRequest: (index, fake) => {
        if (index === 1) {
          fake.projects[0].runs.unshift(
            ...generateRuns(2, { sha: SHA, startIndex: 500 }),
          );
        }
      },
    });
    assert.equal(outcome.error, undefined, outcome.error?.message);
    const ids = outcome.csv!.slice(1).map((row) => row[3]);
    assert.equal(ids.length, new Set(ids).size, "no run twice");
    assert.deepEqual(
      all.map((run) => run.name).filter((id) => !ids.includes(id)),
      [],
      "no run skipped",
    );
  });
  for (const deleted of [1, 2]) {
    await t.step(
      `${deleted} run(s) deleted before the cursor mid-paging: none skipped`,
      async () => {
        const all = pagedRuns();
        const gone = new Set(all.slice(2, 2 + deleted).map((run) => run.name));
        const outcome = await runWithFaults({
          runs: [...all],
          inputs: PAGED,
          onRequest: (index, fake) => {
            if (index === 1) {
              fake.projects[0].runs = fake.projects[0].runs.filter((run) =>
                !gone.has(run.name)
              );
            }
          },
        });
        assert.equal(outcome.error, undefined, outcome.error?.message);
        const ids = outcome.csv!.slice(1).map((row) => row[3]).sort();
        const kept = all.map((run) => run.name).filter((id) => !gone.has(id));
        // Page 2 then starts with a run not seen yet: the client cannot rule
        // out a skipped run, so it reads the list again (3 more pages).
        assert.deepEqual(ids, kept.sort());
        assert.equal(outcome.fake.requests.length, 2 + 3);
      },
    );
  }
  await t.step(
    "a list that keeps changing is an error, not a wrong CSV",
    async () => {
      const outcome = await runWithFaults({
        runs: pagedRuns(),
        inputs: PAGED,
        onRequest: (index, fake) => {
          if (index % 2 === 1) fake.projects[0].runs.splice(0, 2);
        },
      });
      assertCleanFailure(
        outcome,
        /^W&B's list of candidates changed while it was read, twice/,
      );
    },
  );
});

/** A fault that rewrites one string field of the first candidate node. */
function rewriteFirstCandidate(
  field: string,
  text: string,
): FakeFault {
  return {
    kind: "transform",
    transform: (body) => {
      body.data.project.candidates.edges[0].node[field] = text;
      return body;
    },
  };
}

Deno.test("config or summaryMetrics that are not JSON objects: an error naming the run", async (t) => {
  for (
    const [field, text] of [
      ["config", '{"github_sha": {"value": "ff'],
      ["summaryMetrics", "NaN"],
      ["summaryMetrics", "[1, 2]"],
      ["summaryMetrics", ""],
    ]
  ) {
    await t.step(`${field} = ${JSON.stringify(text)}`, async () => {
      const outcome = await runWithFaults({
        faults: [rewriteFirstCandidate(field, text)],
      });
      assertCleanFailure(
        outcome,
        new RegExp(
          `^W&B answered malformed data for run "g0000000" at data\\.project\\.candidates\\.edges\\.0\\.node\\.${field}: expected ${field} to be a JSON object in a string$`,
        ),
      );
      assert.equal(outcome.fake.requests.length, 1, "not retried");
    });
  }
});

Deno.test("values of unexpected types reach the CSV and reports as W&B holds them", async () => {
  const longText = "ß".repeat(20_000);
  const [candidate, ...others] = generateRuns(3, { sha: SHA });
  const odd: FakeRun = {
    ...candidate,
    displayName: 'モデル-δ-🚀 "quoted", comma',
    tags: ["ünïcode", "标签"],
    description: longText,
    config: { ...candidate.config, learning_rate: { schedule: [1, 2] } },
    summaryMetrics: {
      acc: Number.NaN,
      loss: Number.POSITIVE_INFINITY,
      nested: { deep: { list: [1, "two", null] } },
    },
  };
  const outcome = await runWithFaults({
    runs: [odd, ...others],
    inputs: {
      BASELINE_TAGS: "",
      DISPLAY_METRICS: "acc, loss, huge, nested, nested.deep.list",
      THRESHOLDS: "acc>=0.5",
    },
    faults: [{
      kind: "transform",
      transform: (body) => {
        // W&B's JSON may hold integers no double can: 2^64 + 1.
        const node = body.data.project.candidates.edges[0].node;
        node.summaryMetrics = node.summaryMetrics.replace(
          /^\{/,
          '{"huge": 18446744073709551617, ',
        );
        return body;
      },
    }],
  });
  assert.equal(outcome.error, undefined, outcome.error?.message);
  const [header, row] = outcome.csv!;
  const cell = (column: string) => row[header.indexOf(column)];
  assert.equal(cell("run.name"), 'モデル-δ-🚀 "quoted", comma');
  assert.equal(cell("run.tags"), "['ünïcode', '标签']");
  assert.equal(cell("run.description"), longText);
  assert.equal(cell("acc"), "NaN");
  assert.equal(cell("loss"), "Infinity");
  assert.equal(cell("huge"), "18446744073709551617");
  assert.equal(cell("nested"), '{"deep":{"list":[1,"two",null]}}');
  assert.equal(cell("nested.deep.list"), '[1,"two",null]');
  assert.equal(cell("_learning_rate"), '{"schedule":[1,2]}');
  const json = outcome.json!;
  assert.match(
    json,
    /"huge": 18446744073709551617/,
    "exact in the JSON report",
  );
  assert.match(outcome.markdown!, /18446744073709551617/);
  assert.match(outcome.markdown!, /モデル-δ-🚀/);
  // A NaN accuracy is not a pass.
  assert.equal(outcome.outputs.BOOL_PASSED, "False");
  assert.match(outcome.outputs.GATE_FAILURES, /acc/);
});

Deno.test("an HTTP 404 names the URL tried and WANDB_BASE_URL", async (t) => {
  await t.step("a WANDB_BASE_URL ending in /graphql", async () => {
    const outcome = await runWithFaults({
      inputsFor: (fake) => ({ WANDB_BASE_URL: `${fake.url}/graphql` }),
    });
    assertCleanFailure(
      outcome,
      /^WANDB_BASE_URL: W&B answered HTTP 404 \(not found\) at http:\/\/127\.0\.0\.1:\d+\/graphql\/graphql; WANDB_BASE_URL ends in \/graphql, which is added to it: drop that part$/,
    );
    assert.deepEqual(outcome.waits, [], "not retried");
  });
  await t.step("any other path", async () => {
    const outcome = await runWithFaults({
      inputsFor: (fake) => ({ WANDB_BASE_URL: `${fake.url}/api/v1` }),
    });
    assertCleanFailure(
      outcome,
      /^WANDB_BASE_URL: W&B answered HTTP 404 \(not found\) at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/graphql; check that WANDB_BASE_URL is the W&B API's base URL, such as https:\/\/api\.wandb\.ai$/,
    );
  });
});

Deno.test("each retry prints one line without DEBUG: what failed, attempt n of N, the wait", async () => {
  const outcome = await runWithFaults({
    debug: false,
    faults: [
      { kind: "status", status: 503, body: '{"error": "busy"}' },
      { kind: "status", status: 429, retryAfter: "7" },
    ],
  });
  assertSmallProjectReported(outcome);
  const retries = outcome.lines.filter((line) =>
    line.startsWith("W&B request attempt")
  );
  assert.equal(retries.length, 2, outcome.lines.join("\n"));
  assert.equal(
    retries[0],
    "W&B request attempt 1 of 5 failed: W&B answered HTTP 503: busy; retrying in 2 s",
  );
  assert.match(
    retries[1],
    /^W&B request attempt 2 of 5 failed: W&B answered HTTP 429: .*; retrying in 7 s$/,
  );
  assert.ok(
    !outcome.lines.some((line) => line.startsWith("[debug]")),
    "no debug lines",
  );
});

Deno.test("a refused connection, a blocked port or a host name that does not resolve fails at once, naming the URL and WANDB_BASE_URL", async (t) => {
  await t.step("nothing listening on the port", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const outcome = await runWithFaults({
      inputs: { WANDB_BASE_URL: `http://127.0.0.1:${port}` },
    });
    assertCleanFailure(
      outcome,
      new RegExp(
        `^WANDB_BASE_URL: cannot reach W&B at http://127\\.0\\.0\\.1:${port}/graphql: the connection was refused \\(nothing is listening at 127\\.0\\.0\\.1:${port}\\); not retried, check WANDB_BASE_URL$`,
      ),
    );
    assert.deepEqual(outcome.waits, []);
  });
  await t.step("a port Deno blocks", async () => {
    const outcome = await runWithFaults({
      inputs: { WANDB_BASE_URL: "http://127.0.0.1:6000" },
    });
    assertCleanFailure(
      outcome,
      /^WANDB_BASE_URL: cannot reach W&B at http:\/\/127\.0\.0\.1:6000\/graphql: Deno blocks requests to port 6000 \(a port of other protocols\); not retried, check WANDB_BASE_URL$/,
    );
    assert.deepEqual(outcome.waits, []);
  });
  await t.step("a host name that does not resolve", async () => {
    let calls = 0;
    const outcome = await runWithFaults({
      inputs: { WANDB_BASE_URL: "https://wandb.no-such-host.invalid" },
      // What Deno's fetch throws when the name does not resolve.
      fetch: (input) => {
        calls++;
        return Promise.reject(
          new TypeError("fetch failed", {
            cause: new Error(
              `error sending request for url (${input}): client error (Connect): dns error: failed to lookup address information: Name or service not known`,
            ),
          }),
        );
      },
    });
    assertCleanFailure(
      outcome,
      /^WANDB_BASE_URL: cannot reach W&B at https:\/\/wandb\.no-such-host\.invalid\/graphql: the host name "wandb\.no-such-host\.invalid" does not resolve \(dns error: failed to lookup address information: Name or service not known\); not retried, check WANDB_BASE_URL$/,
    );
    assert.equal(calls, 1);
    assert.deepEqual(outcome.waits, []);
  });
  await t.step(
    "a connection reset is still retried, its cause named",
    async () => {
      let calls = 0;
      const outcome = await runWithFaults({
        debug: false,
        fetch: (input, init) => {
          if (calls++ > 0) return fetch(input, init);
          return Promise.reject(
            new TypeError("fetch failed", {
              cause: new Error(
                `error sending request for url (${input}): client error (SendRequest): connection closed before message completed`,
              ),
            }),
          );
        },
      });
      assertSmallProjectReported(outcome);
      assert.deepEqual(outcome.waits, [2000]);
      assert.match(
        outcome.lines.find((line) => line.startsWith("W&B request attempt")) ??
          "",
        /^W&B request attempt 1 of 5 failed: Cannot reach W&B at http:\/\/127\.0\.0\.1:\d+\/graphql: client error \(SendRequest\): connection closed before message completed; retrying in 2 s$/,
      );
    },
  );
});

Deno.test("an output that cannot be written stops the job before any file is written", async () => {
  const outcome = await runWithFaults({
    inputsFor: async (_fake, path) => {
      // A file where the JSON report's folder should be: no folder can be made.
      await Deno.writeTextFile(path("blocker"), "");
      return { REPORT_JSON: path("blocker/report.json") };
    },
  });
  assert.match(
    outcome.error?.message ?? "",
    /^REPORT_JSON: cannot write ".*\/blocker\/report\.json": .*; nothing was written$/,
  );
  assert.deepEqual(outcome.outputs, {}, "no outputs");
  assert.deepEqual(outcome.csv, [["previous", "report"]], "CSV untouched");
  assert.equal(outcome.markdown, PREVIOUS.markdown, "Markdown untouched");
  assert.deepEqual(outcome.partialFiles, [], "no .partial left");
});
