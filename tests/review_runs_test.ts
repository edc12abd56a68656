/** The library's one call, reviewRuns, and its writers, against the fake W&B's demo project. */
import assert from "node:assert/strict";
import { main } from "../cli.ts";
import {
  csvReport,
  jsonReport,
  markdownReport,
  reviewRuns,
  type ReviewRunsOptions,
} from "../lib/review_runs.ts";
import { WandbError } from "../lib/errors.ts";
import { startDemoWandb, tempFolder } from "./_helpers.ts";
import {
  DEMO_API_KEY,
  DEMO_ENTITY,
  DEMO_PROJECT,
  DEMO_SECONDARY_SHA,
  DEMO_SHA,
} from "../testing/fake_wandb/sample_data.ts";
import type { FakeWandb } from "../testing/fake_wandb/server.ts";

/** The demo commit's review, as the README's workflow asks for it. */
function demoOptions(fake: FakeWandb): ReviewRunsOptions {
  return {
    apiKey: DEMO_API_KEY,
    entity: DEMO_ENTITY,
    project: DEMO_PROJECT,
    commit: DEMO_SHA,
    baselineTags: ["baseline", "reference"],
    metrics: ["acc", "loss", "val_acc", "val_loss"],
    configVars: ["learning_rate", "num_layers"],
    baseUrl: fake.url,
    sleep: () => Promise.resolve(),
  };
}

/** Runs `body` with the demo fake, closing it after. */
async function withDemoWandb(
  body: (fake: FakeWandb) => Promise<void>,
  options: Parameters<typeof startDemoWandb>[1] = {},
): Promise<void> {
  const fake = startDemoWandb(undefined, options);
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("reviewRuns finds the demo commit's candidates and baselines, and counts them", async () => {
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns(demoOptions(fake));
    assert.deepEqual(review.candidates.map((run) => run.runId), [
      "15u8cbod",
      "e6lo523p",
      "k3m9p2xq",
      "w2h7d5qe",
      "t4n8b1zv",
      "v6q1n4ts",
    ]);
    assert.deepEqual(review.baselines.map((run) => run.runId), [
      "cqigzoxc",
      "p9f3k7ra",
      "j5x2m8cw",
    ]);
    assert.deepEqual(review.counts, {
      complete: false,
      singleRun: false,
      candidates: 6,
      finished: 3,
      running: 1,
      crashed: 1,
      aborted: 1,
      failed: 0,
      pending: 0,
      preempted: 0,
      unknown: 0,
      baselines: 3,
    });
    assert.equal(review.appUrl, fake.url);
    assert.deepEqual(review.selection, { commit: DEMO_SHA });
    assert.equal(review.requests, 1);
    assert.equal(review.timedOut, false);
    assert.deepEqual(review.gate, {
      enabled: false,
      passed: true,
      failures: [],
    });
  });
});

Deno.test("reviewRuns compares each candidate with the best baseline, in each metric's direction", async () => {
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns(demoOptions(fake));
    assert.deepEqual(
      review.goals.map((goal) => `${goal.metric}:${goal.direction}`),
      ["acc:max", "loss:min", "val_acc:max", "val_loss:min"],
    );
    // gentle-fire-8 (j5x2m8cw) is the best baseline in every metric.
    assert.deepEqual(review.baselineValues.get("val_acc"), {
      value: 0.75,
      runId: "j5x2m8cw",
      runs: 3,
    });
    const verdicts = (runId: string) =>
      review.comparisons.get(runId)?.map((each) => each.verdict);
    assert.deepEqual(verdicts("e6lo523p"), [
      "worse",
      "worse",
      "better",
      "worse",
    ]);
    assert.deepEqual(verdicts("15u8cbod"), [
      "worse",
      "worse",
      "worse",
      "worse",
    ]);
    // The running candidate has no val_acc yet: nothing to compare.
    assert.deepEqual(verdicts("k3m9p2xq"), [
      "worse",
      "worse",
      "unknown",
      "unknown",
    ]);
  });
});

Deno.test("reviewRuns reports a failed gate in the review, not as an error", async () => {
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns({
      ...demoOptions(fake),
      thresholds: [{ metric: "val_acc", operator: ">=", value: 0.6 }],
      failOnRegression: ["val_acc"],
      tolerance: { kind: "relative", value: 0.1 },
      requireComplete: true,
    });
    assert.equal(review.gate.enabled, true);
    assert.equal(review.gate.passed, false);
    assert.deepEqual(
      review.gate.failures.map((
        failure,
      ) => [failure.kind, failure.runId, failure.metric]),
      [
        ["complete", undefined, undefined], // brisk-wave-5 is running
        ["threshold", "15u8cbod", "val_acc"], // 0.5 < 0.6
        ["regression", "15u8cbod", "val_acc"], // a third worse than 0.75
      ],
    );
  });
});

Deno.test("reviewRuns compares failOnRegression metrics it does not show, with the goals given", async () => {
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns({
      ...demoOptions(fake),
      metrics: ["acc"],
      failOnRegression: ["val_loss"],
      goals: { val_loss: "max" },
      aggregate: "latest",
    });
    assert.deepEqual(review.goals, [
      { metric: "acc", direction: "max", inferred: true },
      { metric: "val_loss", direction: "max", inferred: false },
    ]);
    assert.deepEqual(review.metrics, ["acc"]);
    // The latest baseline is j5x2m8cw; "max" makes every higher val_loss better.
    assert.equal(review.baselineValues.get("val_loss")?.runId, "j5x2m8cw");
    assert.equal(review.gate.passed, true);
    // Only what is shown is written.
    assert.doesNotMatch(csvReport(review), /val_loss/);
    assert.equal(JSON.parse(jsonReport(review)).metrics.length, 1);
  });
});

Deno.test("reviewRuns by run id finds that run alone; an id W&B does not have is a WandbError", async () => {
  await withDemoWandb(async (fake) => {
    const { commit: _, ...options } = demoOptions(fake);
    const review = await reviewRuns({ ...options, runId: "e6lo523p" });
    assert.deepEqual(review.candidates.map((run) => run.runId), ["e6lo523p"]);
    assert.deepEqual(review.selection, { runId: "e6lo523p" });
    assert.equal(review.counts.singleRun, true);
    // Every tagged run but the candidate is a baseline: 15u8cbod too.
    assert.equal(review.baselines.length, 4);

    await assert.rejects(
      reviewRuns({ ...options, runId: "zzzzzzzz" }),
      (error) =>
        error instanceof WandbError &&
        error.message ===
          `W&B has no run "zzzzzzzz" in project "${DEMO_ENTITY}/${DEMO_PROJECT}"`,
    );
  });
});

Deno.test("reviewRuns with a secondary SHA narrows the candidates to the runs that logged both", async () => {
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns({
      ...demoOptions(fake),
      secondarySha: DEMO_SECONDARY_SHA,
    });
    assert.deepEqual(review.candidates.map((run) => run.runId), ["v6q1n4ts"]);
    assert.deepEqual(review.selection, {
      commit: DEMO_SHA,
      secondarySha: DEMO_SECONDARY_SHA,
    });
  });
});

Deno.test("reviewRuns waits for the running candidate to finish, polling at the interval", async () => {
  let clock = 0;
  const polls: string[] = [];
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns({
      ...demoOptions(fake),
      wait: {
        timeoutMs: 600_000,
        intervalMs: 60_000,
        onPoll: (line) => polls.push(line),
      },
      now: () => clock,
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
    });
    assert.equal(review.timedOut, false);
    assert.equal(review.counts.running, 0);
    assert.equal(review.counts.complete, true);
  }, {
    onRequest: (index, fake) => {
      if (index !== 1) return;
      const running = fake.projects[0].runs.find((run) =>
        run.name === "k3m9p2xq"
      )!;
      running.state = "finished";
    },
  });
  assert.equal(polls.length, 2);
  assert.match(polls[0], /^poll 1 after 0s: .*1 running/);
  assert.match(polls[1], /^poll 2 after 1m00s: /);
});

Deno.test("reviewRuns stops waiting at the timeout and reviews the runs as they are", async () => {
  let clock = 0;
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns({
      ...demoOptions(fake),
      wait: { timeoutMs: 90_000, intervalMs: 60_000 },
      now: () => clock,
      sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      },
    });
    assert.equal(review.timedOut, true);
    assert.equal(review.counts.running, 1);
    assert.equal(fake.requests.length, 2);
  });
});

Deno.test("reviewRuns retries a failing W&B, and a refused key is a WandbError that never shows the key", async () => {
  await withDemoWandb(async (fake) => {
    const retries: string[] = [];
    fake.failNext({ kind: "status", status: 503 }, { kind: "closeMidBody" });
    const review = await reviewRuns({
      ...demoOptions(fake),
      onRetry: (line) => retries.push(line),
    });
    assert.equal(review.counts.candidates, 6);
    assert.equal(retries.length, 2);
    assert.match(
      retries[0],
      /^W&B request attempt 1 of 5 failed: W&B answered HTTP 503/,
    );

    const wrongKey = `wrong-${"0".repeat(40)}`;
    const error = await reviewRuns({ ...demoOptions(fake), apiKey: wrongKey })
      .catch((error: unknown) => error);
    assert.ok(error instanceof WandbError);
    assert.equal(error.status, 401);
    assert.ok(!error.message.includes(wrongKey));
  });
});

/** An option that is wrong, and the error it must give. */
interface BadOption {
  name: string;
  change: Record<string, unknown>;
  error: typeof TypeError | typeof RangeError;
  message: RegExp;
}

const BAD_OPTIONS: BadOption[] = [
  {
    name: "no API key",
    change: { apiKey: "" },
    error: TypeError,
    message: /^Cannot review runs: apiKey must be a non-empty string$/,
  },
  {
    name: "an API key with white space, not shown",
    change: { apiKey: "secret key" },
    error: TypeError,
    message: /^Cannot review runs: apiKey must not contain white space$/,
  },
  {
    name: "an entity/project pair as the project",
    change: { project: "github/predict-issue-labels" },
    error: TypeError,
    message: /project must not contain "\/"/,
  },
  {
    name: "both runId and commit",
    change: { runId: "e6lo523p" },
    error: TypeError,
    message: /give either runId or commit/,
  },
  {
    name: "neither runId nor commit",
    change: { commit: undefined },
    error: TypeError,
    message: /give either runId or commit/,
  },
  {
    name: "a secondary SHA without a commit",
    change: { commit: undefined, runId: "e6lo523p", secondarySha: "9a4c2e7" },
    error: TypeError,
    message: /secondarySha needs commit/,
  },
  {
    name: "an empty metric name",
    change: { metrics: ["acc", " "] },
    error: TypeError,
    message: /^Cannot review runs: metrics\[1\] must be a non-empty string/,
  },
  {
    name: "a metrics list given as text",
    change: { metrics: "['acc']" },
    error: TypeError,
    message: /metrics must be an array of strings/,
  },
  {
    name: "a metric named like a fixed CSV column",
    change: { metrics: ["run.id"] },
    error: RangeError,
    message: /metric "run\.id" would make a second column "run\.id"/,
  },
  {
    name: "a metric shown twice",
    change: { metrics: ["acc", "acc"] },
    error: RangeError,
    message: /second column "acc"/,
  },
  {
    name: "a goal for a metric neither shown nor compared",
    change: { goals: { f1: "max" } },
    error: TypeError,
    message:
      /goals names "f1", which is in neither metrics nor failOnRegression/,
  },
  {
    name: "a goal that is not max or min",
    change: { goals: { acc: "up" } },
    error: TypeError,
    message: /goals\["acc"\] must be "max" or "min", got "up"/,
  },
  {
    name: "an unknown aggregate",
    change: { aggregate: "median" },
    error: TypeError,
    message:
      /aggregate must be "best", "mean", "latest" or "production", got "median"/,
  },
  {
    name: "a threshold with an unknown operator",
    change: { thresholds: [{ metric: "acc", operator: "=>", value: 0.9 }] },
    error: TypeError,
    message: /thresholds\[0\] must be \{ metric, operator, value \}/,
  },
  {
    name: "a negative tolerance",
    change: { tolerance: { kind: "absolute", value: -0.1 } },
    error: RangeError,
    message:
      /tolerance\.value must be a finite number of at least 0, got -0\.1/,
  },
  {
    name: "a page size over 1,000",
    change: { pageSize: 1001 },
    error: RangeError,
    message: /pageSize must be an integer from 1 to 1000, got 1001/,
  },
  {
    name: "a poll interval under a second",
    change: { wait: { timeoutMs: 60_000, intervalMs: 10 } },
    error: RangeError,
    message: /wait\.intervalMs must be an integer of at least 1000, got 10/,
  },
  {
    name: "plain http to another host, which would send the key unencrypted",
    change: { baseUrl: "http://wandb.example.com" },
    error: TypeError,
    message: /baseUrl must use https outside this machine/,
  },
  {
    name: "a base URL with credentials, not shown",
    change: { baseUrl: "https://user:hunter2@api.wandb.ai" },
    error: TypeError,
    message:
      /baseUrl must be an http\(s\) URL .*"https:\/\/\*\*\*@api\.wandb\.ai"$/,
  },
  {
    name: "an app URL that is not a URL",
    change: { appUrl: "wandb.ai" },
    error: TypeError,
    message: /appUrl must be an http\(s\) URL/,
  },
];

Deno.test("reviewRuns refuses malformed options before asking W&B", async (t) => {
  await withDemoWandb(async (fake) => {
    for (const bad of BAD_OPTIONS) {
      await t.step(bad.name, async () => {
        const options = { ...demoOptions(fake), ...bad.change };
        await assert.rejects(
          reviewRuns(options as ReviewRunsOptions),
          (error) => {
            assert.ok(error instanceof bad.error, String(error));
            assert.match((error as Error).message, bad.message);
            assert.ok(!(error as Error).message.includes("hunter2"));
            return true;
          },
        );
      });
    }
    assert.equal(fake.requests.length, 0);
  });
});

Deno.test("reviewRuns takes plain http to this machine, and an app URL of any host", async () => {
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns({
      ...demoOptions(fake),
      baseUrl: `${fake.url}/`,
      appUrl: "http://wandb.example.com/",
    });
    assert.equal(review.appUrl, "http://wandb.example.com");
    assert.match(
      csvReport(review),
      /^http:\/\/wandb\.example\.com\/github\/predict-issue-labels\/runs\/15u8cbod,/m,
    );
  });
});

Deno.test("the writers give the CSV, Markdown and JSON report the CLI writes for the same runs", async () => {
  const workspace = await tempFolder();
  try {
    await withDemoWandb(async (fake) => {
      const path = (name: string) => `${workspace.path}/${name}`;
      const inputs: Record<string, string> = {
        INPUT_WANDB_API_KEY: DEMO_API_KEY,
        INPUT_PROJECT_NAME: `${DEMO_ENTITY}/${DEMO_PROJECT}`,
        INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
        INPUT_BASELINE_TAGS: "baseline, reference",
        INPUT_DISPLAY_METRICS: "acc, loss, val_acc, val_loss",
        INPUT_DISPLAY_CONFIG_VARS: "learning_rate, num_layers",
        INPUT_THRESHOLDS: "val_acc>=0.6",
        INPUT_FAIL_ON_REGRESSION: "val_loss",
        INPUT_WANDB_BASE_URL: fake.url,
        INPUT_OUTPUT_PATH: path("wandb_report.csv"),
        INPUT_REPORT_MARKDOWN: path("wandb_report.md"),
        INPUT_REPORT_JSON: path("wandb_report.json"),
      };
      const code = await main([], {
        getEnv: (name) => inputs[name],
        stdout: () => {},
        stderr: () => {},
      });
      assert.equal(code, 0);

      const review = await reviewRuns({
        ...demoOptions(fake),
        thresholds: [{ metric: "val_acc", operator: ">=", value: 0.6 }],
        failOnRegression: ["val_loss"],
      });
      const written = (name: string) => Deno.readTextFile(path(name));
      assert.equal(csvReport(review), await written("wandb_report.csv"));
      // The one difference: where a reader sets directions is named as the library's option.
      assert.equal(
        markdownReport(review),
        (await written("wandb_report.md")).replace(
          "set `METRIC_GOALS` to change them",
          "set `goals` to change them",
        ),
      );
      assert.equal(jsonReport(review), await written("wandb_report.json"));
    });
  } finally {
    await workspace.remove();
  }
});

Deno.test("markdownReport leaves out charts, then rows, to stay within a limit", async () => {
  await withDemoWandb(async (fake) => {
    const review = await reviewRuns(demoOptions(fake));
    const whole = markdownReport(review);
    assert.match(whole, /```mermaid/);
    assert.doesNotMatch(
      markdownReport(review, { charts: false }),
      /```mermaid/,
    );

    const limit = { max: 3_000, unit: "characters" as const };
    const cut = markdownReport(review, { csvName: "runs.csv", limit });
    assert.ok([...cut].length <= limit.max);
    assert.match(
      cut,
      /runs left out to stay under GitHub's size limit; every run is in `runs\.csv`/,
    );
  });
});

Deno.test("reviewRuns answers the reviewer's questions as the action does", async (t) => {
  await withDemoWandb(async (fake) => {
    await t.step(
      "curves, data, production and noise: two more requests",
      async () => {
        const review = await reviewRuns({
          ...demoOptions(fake),
          baselineTags: ["baseline"],
          metrics: ["val_acc", "val_loss"],
          failOnRegression: ["val_loss"],
          history: { metrics: ["loss"], samples: 100 },
          convergence: ["val_loss"],
          requireSameData: true,
          expectedData: ["issues-train:latest"],
          productionArtifact:
            "github-org/wandb-registry-model/issue-labeler:production",
          significance: 0.05,
        });
        assert.equal(review.requests, 3);
        assert.equal(review.evidence.production?.runId, "j5x2m8cw");
        assert.ok(review.baselines.some((run) => run.runId === "j5x2m8cw"));
        assert.deepEqual(review.evidence.historyMetrics, ["loss", "val_loss"]);
        assert.ok(
          (review.evidence.history.get("v6q1n4ts")?.get("loss")?.length ?? 0) >
            10,
        );
        assert.deepEqual(review.evidence.dataTypes, ["dataset"]);
        assert.equal(review.significance, 0.05);
        assert.deepEqual(review.gate.failures.map((failure) => failure.kind), [
          "convergence",
          "same-data",
          "expected-data",
        ]);
        const valLoss = review.noise.find((test) => test.metric === "val_loss");
        assert.ok(valLoss?.tested);
        const markdown = markdownReport(review);
        assert.match(
          markdown,
          /<summary>Training curves: loss, val_loss<\/summary>/,
        );
        assert.equal(
          JSON.parse(jsonReport(review)).production.runId,
          "j5x2m8cw",
        );
      },
    );
    await t.step("none asked: nothing more is requested", async () => {
      const review = await reviewRuns(demoOptions(fake));
      assert.equal(review.requests, 1);
      assert.equal(review.evidence.history.size, 0);
      assert.deepEqual(review.noise, [], "no level, no test");
    });
    await t.step("an alias W&B does not have names the option", async () => {
      await assert.rejects(
        reviewRuns({
          ...demoOptions(fake),
          productionArtifact:
            "github-org/wandb-registry-model/issue-labeler:gone",
        }),
        (error: unknown) =>
          error instanceof WandbError &&
          /^productionArtifact: W&B has no version issue-labeler:gone in "github-org\/wandb-registry-model"/
            .test(error.message),
      );
    });
  });
  await t.step(
    "malformed options are refused before W&B is asked",
    async () => {
      const base = {
        apiKey: DEMO_API_KEY,
        entity: DEMO_ENTITY,
        project: DEMO_PROJECT,
        commit: DEMO_SHA,
        baselineTags: [],
        metrics: [],
        fetch: () => Promise.reject(new Error("W&B was asked")),
      };
      await assert.rejects(
        reviewRuns({ ...base, aggregate: "production" }),
        /aggregate "production" needs productionArtifact/,
      );
      await assert.rejects(
        reviewRuns({ ...base, expectedData: ["mnist"] }),
        /^TypeError: Cannot review runs: expectedData\[0\]: /,
      );
      await assert.rejects(
        reviewRuns({ ...base, significance: 1.5 }),
        /significance must be a number between 0 and 1/,
      );
      await assert.rejects(
        reviewRuns({ ...base, history: { metrics: ["loss"], samples: 1 } }),
        /history\.samples/,
      );
    },
  );
});
