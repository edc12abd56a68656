/**
 * The domain raises errors in its own words, with a machine-readable kind;
 * the action's layer names the input at fault, keeps the error's class and
 * its cause.
 */
import assert from "node:assert/strict";
import { WandbError } from "../lib/errors.ts";
import { nameWandbInput, withMessage } from "../lib/action/input_messages.ts";
import { parseInputs } from "../lib/action/inputs.ts";
import { fetchRuns } from "../lib/wandb/fetch_runs.ts";
import { postGraphql } from "../lib/wandb/graphql_transport.ts";
import { runJob } from "../lib/action/job.ts";
import { captureLog, startDemoWandb, tempFolder } from "./_helpers.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";

const URL_TRIED = "http://127.0.0.1:9/graphql";

Deno.test("each W&B failure kind names its input; the error stays a WandbError with its status and cause", async (t) => {
  const cases: [WandbError, string][] = [
    [
      new WandbError(
        "Cannot reach W&B at ...; not retried, check the base URL",
        {
          kind: "unreachable",
          url: URL_TRIED,
          detail:
            "the connection was refused (nothing is listening at 127.0.0.1:9)",
        },
      ),
      `WANDB_BASE_URL: cannot reach W&B at ${URL_TRIED}: the connection was refused (nothing is listening at 127.0.0.1:9); not retried, check WANDB_BASE_URL`,
    ],
    [
      new WandbError("W&B answered HTTP 404 ...", {
        kind: "not-found",
        status: 404,
        url: URL_TRIED,
      }),
      `WANDB_BASE_URL: W&B answered HTTP 404 (not found) at ${URL_TRIED}; check that WANDB_BASE_URL is the W&B API's base URL, such as https://api.wandb.ai`,
    ],
    [
      new WandbError("W&B answered HTTP 404 ...", {
        kind: "graphql-twice",
        status: 404,
        url: "http://127.0.0.1:9/graphql/graphql",
      }),
      "WANDB_BASE_URL: W&B answered HTTP 404 (not found) at http://127.0.0.1:9/graphql/graphql; WANDB_BASE_URL ends in /graphql, which is added to it: drop that part",
    ],
    [
      new WandbError(
        "W&B refused the API key (HTTP 401: permission denied); check that the key is valid and can read the project",
        { kind: "key-refused", status: 401, url: URL_TRIED },
      ),
      "WANDB_API_KEY: W&B refused the API key (HTTP 401: permission denied); check that the key is valid and can read the project",
    ],
    [
      new WandbError(
        'W&B has no project "acme/none" at http://127.0.0.1:9 that this API key can see',
        { kind: "no-project" },
      ),
      'PROJECT_NAME: W&B has no project "acme/none" at http://127.0.0.1:9 that this API key can see',
    ],
  ];
  for (const [original, message] of cases) {
    await t.step(original.kind, () => {
      const named = nameWandbInput(original);
      assert.ok(named instanceof WandbError);
      assert.equal(named.message, message);
      assert.equal(named.kind, original.kind);
      assert.equal(named.status, original.status);
      assert.equal(named.cause, original);
    });
  }
  await t.step("other failures and other errors pass as they are", () => {
    const failed = new WandbError("W&B answered HTTP 500: busy", {
      status: 500,
    });
    assert.equal(failed.kind, "failed");
    assert.equal(nameWandbInput(failed), failed);
    const other = new TypeError("fetch failed");
    assert.equal(nameWandbInput(other), other);
  });
});

Deno.test("the W&B client names no input: its messages speak of the base URL and the key", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = listener.addr.port;
  listener.close();
  const refused = await postGraphql({
    query: "{ viewer { id } }",
    variables: {},
  }, {
    baseUrl: `http://127.0.0.1:${closedPort}`,
    apiKey: DEMO_API_KEY,
  }).then(() => undefined, (caught: unknown) => caught);
  assert.ok(refused instanceof WandbError);
  assert.equal(refused.kind, "unreachable");
  assert.equal(refused.url, `http://127.0.0.1:${closedPort}/graphql`);
  assert.equal(
    refused.message,
    `Cannot reach W&B at http://127.0.0.1:${closedPort}/graphql: ${refused.detail}; not retried, check the base URL`,
  );
  const fake = startDemoWandb();
  try {
    const error = await fetchRuns({
      entity: "github",
      project: "no-such-project",
      candidateFilter: {},
      baselineFilter: null,
    }, { baseUrl: fake.url, apiKey: DEMO_API_KEY }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof WandbError);
    assert.equal(error.kind, "no-project");
    assert.equal(
      error.message,
      `W&B has no project "github/no-such-project" at ${fake.url} that this API key can see`,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("withMessage keeps a file system error's class, code and cause", () => {
  const notFound = Object.assign(new Deno.errors.NotFound("No such file"), {
    code: "ENOENT",
  });
  const error = withMessage(
    notFound,
    'OUTPUT_PATH: cannot write "x": No such file',
  );
  assert.ok(error instanceof Deno.errors.NotFound);
  assert.equal(error.name, "NotFound");
  assert.equal(error.message, 'OUTPUT_PATH: cannot write "x": No such file');
  assert.equal((error as { code?: string }).code, "ENOENT");
  assert.equal(error.cause, notFound);

  class Odd extends Error {
    constructor(readonly index: number) {
      super(`odd ${index}`);
    }
  }
  const plain = withMessage(new Odd(3), "better");
  assert.equal(plain.constructor, Error);
  assert.equal(plain.message, "better");
  assert.ok(plain.cause instanceof Odd);
  assert.equal(withMessage("text", "better").cause, "text");
});

Deno.test("a file that cannot be written keeps its Deno error class, names its input, and nothing is written", async () => {
  const fake = startDemoWandb();
  const workspace = await tempFolder();
  try {
    // A file where the report's folder should be: opening below it fails.
    await Deno.writeTextFile(`${workspace.path}/taken`, "a file");
    const { inputs } = parseInputs({
      WANDB_API_KEY: DEMO_API_KEY,
      WANDB_BASE_URL: fake.url,
      PROJECT_NAME: "github/predict-issue-labels",
      FILTER_GITHUB_SHA: DEMO_SHA,
      OUTPUT_PATH: `${workspace.path}/out.csv`,
      REPORT_MARKDOWN: `${workspace.path}/taken/report.md`,
    });
    const { log } = captureLog();
    const error = await runJob(inputs, { log, printOutputs: () => {} }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof Deno.errors.NotADirectory, String(error));
    assert.match(
      error.message,
      /^REPORT_MARKDOWN: cannot write ".*\/taken\/report\.md": Not a directory .*; nothing was written$/,
    );
    assert.ok(error.cause instanceof Deno.errors.NotADirectory);
    const left = [...Deno.readDirSync(workspace.path)].map((entry) =>
      entry.name
    );
    assert.deepEqual(left, ["taken"]);
  } finally {
    await workspace.remove();
    await fake.close();
  }
});
