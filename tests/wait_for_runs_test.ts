import assert from "node:assert/strict";
import { parseInputs } from "../lib/action/inputs.ts";
import { runJob } from "../lib/action/job.ts";
import { parseDuration } from "../lib/action/parse_duration.ts";
import { captureLog, startDemoWandb, tempFolder } from "./_helpers.ts";
import {
  DEMO_API_KEY,
  DEMO_SHA,
  demoProject,
} from "../testing/fake_wandb/sample_data.ts";

/** A clock that moves only when the job sleeps, or when told to. */
function fakeClock() {
  let time = Date.parse("2026-11-23T10:00:00Z");
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    advance: (ms: number) => void (time += ms),
    sleep: (ms: number) => {
      sleeps.push(ms);
      time += ms;
      return Promise.resolve();
    },
  };
}

interface Timing {
  waitTimeout: string;
  pollInterval: string;
  /** Milliseconds each W&B request takes on the clock. */
  requestMs: number;
}

async function waitScenario(
  finishOnRequest: number | undefined,
  timing: Timing = { waitTimeout: "2m", pollInterval: "30s", requestMs: 0 },
) {
  const clock = fakeClock();
  const project = demoProject();
  // Only two candidates: brisk-wave-5 (running) and dashing-leaf-4 (finished).
  project.runs = project.runs.filter((run) =>
    ["k3m9p2xq", "e6lo523p"].includes(run.name)
  );
  const fake = startDemoWandb([project], {
    onRequest: (index, server) => {
      clock.advance(timing.requestMs);
      if (index === finishOnRequest) {
        server.projects[0].runs.find((run) => run.name === "k3m9p2xq")!
          .state = "finished";
      }
    },
  });
  const folder = await tempFolder();
  const { log, lines } = captureLog({ githubActions: true });
  try {
    const { inputs } = parseInputs({
      WANDB_API_KEY: DEMO_API_KEY,
      PROJECT_NAME: "github/predict-issue-labels",
      FILTER_GITHUB_SHA: DEMO_SHA,
      WANDB_BASE_URL: fake.url,
      OUTPUT_PATH: `${folder.path}/wandb_report.csv`,
      WAIT_TIMEOUT: timing.waitTimeout,
      POLL_INTERVAL: timing.pollInterval,
    });
    const outputs: string[] = [];
    const result = await runJob(inputs, {
      log,
      printOutputs: (text) => outputs.push(text),
      now: clock.now,
      sleep: clock.sleep,
    });
    const csv = await Deno.readTextFile(`${folder.path}/wandb_report.csv`);
    return { result, lines, clock, requests: fake.requests.length, csv };
  } finally {
    await fake.close();
    await folder.remove();
  }
}

Deno.test("waiting: runs that finish on the third poll", async () => {
  const { result, lines, clock, requests, csv } = await waitScenario(2);
  assert.equal(result.timedOut, false);
  assert.equal(requests, 3, "one small request per poll");
  assert.deepEqual(clock.sleeps, [30_000, 30_000]);
  assert.deepEqual(lines.slice(0, 5), [
    "::group::Waiting for the candidate runs to finish",
    "poll 1 after 0s: 1 finished, 1 running",
    "poll 2 after 30s: 1 finished, 1 running",
    "poll 3 after 1m00s: 2 finished",
    "::endgroup::",
  ]);
  assert.equal(result.outputs.BOOL_COMPLETE, "True");
  assert.equal(result.outputs.NUM_FINISHED, "2");
  assert.equal(csv.trim().split("\n").length, 3);
});

Deno.test("waiting: a timeout warns and reports the state it saw", async () => {
  const { result, lines, clock, requests } = await waitScenario(undefined);
  assert.equal(result.timedOut, true);
  assert.equal(requests, 5);
  assert.deepEqual(clock.sleeps, [30_000, 30_000, 30_000, 30_000]);
  assert.equal(lines[5], "poll 5 after 2m00s: 1 finished, 1 running");
  assert.equal(lines[6], "::endgroup::");
  assert.equal(
    lines[7],
    "::warning::WAIT_TIMEOUT: candidates still unfinished after 120 s; reporting the runs as they are now",
  );
  assert.equal(result.outputs.BOOL_COMPLETE, "False");
  assert.equal(result.outputs.NUM_RUNNING, "1");
});

Deno.test("waiting: the timeout warning states the time actually waited", async () => {
  // Polls at 0.7 s, 2.4 s and 4.1 s: the next would end past 5 s.
  const { result, lines } = await waitScenario(undefined, {
    waitTimeout: "5s",
    pollInterval: "1s",
    requestMs: 700,
  });
  assert.equal(result.timedOut, true);
  assert.deepEqual(lines.slice(1, 4), [
    "poll 1 after 0.7s: 1 finished, 1 running",
    "poll 2 after 2.4s: 1 finished, 1 running",
    "poll 3 after 4.1s: 1 finished, 1 running",
  ]);
  assert.equal(
    lines[5],
    "::warning::WAIT_TIMEOUT: candidates still unfinished after 4.1 s; reporting the runs as they are now",
  );
});

Deno.test("durations", () => {
  assert.equal(parseDuration("WAIT_TIMEOUT", "45m"), 2_700_000);
  assert.equal(parseDuration("WAIT_TIMEOUT", "30s"), 30_000);
  assert.equal(parseDuration("WAIT_TIMEOUT", "1h30m"), 5_400_000);
  assert.equal(parseDuration("WAIT_TIMEOUT", "90"), 90_000);
  for (const bad of ["", "soon", "45 minutes", "m", "1h 30m", "-5m"]) {
    assert.throws(
      () => parseDuration("WAIT_TIMEOUT", bad),
      /^InputError: WAIT_TIMEOUT: expected a duration like 45m, 30s or 1h30m/,
      bad,
    );
  }
  assert.throws(
    () =>
      parseInputs({
        WANDB_API_KEY: DEMO_API_KEY,
        PROJECT_NAME: "a/b",
        RUN_ID: "x",
        WAIT_TIMEOUT: "10m",
        POLL_INTERVAL: "0.5s",
      }),
    /POLL_INTERVAL: expected at least 1s/,
  );
});
