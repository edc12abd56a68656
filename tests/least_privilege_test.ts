/**
 * Least privilege: action.yml runs the CLI with Deno permissions that name the
 * W&B host (and GitHub's API only when commenting), the variables it reads,
 * the event file (only when commenting) and the files it writes. Each mode is
 * checked flag by flag and then run for real under those flags; a probe shows
 * that anything else is refused.
 */
import assert from "node:assert/strict";
import { parse as parseCsv } from "csv-parse/sync";
import { ENVIRONMENT_VARIABLES } from "../cli.ts";
import {
  readOutputsFile,
  readTree,
  runCommand,
  startDemoWandb,
  tempFolder,
} from "./_helpers.ts";
import { DENO_VERSION, ROOT, runActionStep } from "./_action_step.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeGithub,
  startFakeGithub,
} from "../testing/fake_github/server.ts";
import type { FakeWandb } from "../testing/fake_wandb/server.ts";

const TOKEN = "ghs_" + "p".repeat(36);

interface Mode {
  inputs: Record<string, string>;
  runnerEnv: Record<string, string>;
  /** Files granted besides the CSV and the Markdown report, as the inputs name them. */
  extraFiles: string[];
  /** Whether the mode writes the Markdown report (any report input, or COMMENT). */
  markdown: boolean;
  /** Whether GitHub's API host and the event file are granted. */
  comments: boolean;
}

/** Splits `--allow-x=a,b` flags into name -> sorted values; other arguments kept in order. */
function readFlags(args: string[]) {
  const granted: Record<string, string[]> = {};
  const rest: string[] = [];
  for (const arg of args) {
    const match = arg.match(/^--(allow-[a-z]+)=(.*)$/);
    if (match) granted[match[1]] = match[2].split(",").sort();
    else rest.push(arg);
  }
  return { granted, rest };
}

/** The deno command line the run: step builds, caught by a stand-in `deno` first on PATH. */
async function recordDenoArguments(
  inputs: Record<string, string>,
  workspace: string,
  runnerEnv: Record<string, string>,
): Promise<string[]> {
  const shim = await tempFolder();
  try {
    // Named as setup-deno installs it for the action; answers --version.
    await Deno.writeTextFile(
      `${shim.path}/deno-wandb-runs`,
      `#!/bin/sh\nif [ "$1" = --version ]; then echo "deno ${DENO_VERSION} (stand-in)"; exit 0; fi\nprintf "%s\\0" "$@" > "$DENO_ARGUMENTS_FILE"\n`,
      { mode: 0o755 },
    );
    const argumentsFile = `${shim.path}/arguments`;
    const result = await runActionStep(inputs, workspace, {
      ...runnerEnv,
      PATH: `${shim.path}:${Deno.env.get("PATH")}`,
      DENO_ARGUMENTS_FILE: argumentsFile,
    });
    assert.equal(result.code, 0, result.stderr);
    return (await Deno.readTextFile(argumentsFile)).split("\0").slice(0, -1);
  } finally {
    await shim.remove();
  }
}

/** The demo W&B, a GitHub for pull request 3 and its event file: what every mode may reach. */
interface ModeFixture {
  wandb: FakeWandb;
  github: FakeGithub;
  parent: string;
  eventPath: string;
  /** The inputs every mode starts from: the demo query by SHA. */
  query: Record<string, string>;
  /** The W&B requests since the last {@linkcode ModeFixture.resetPolls}. */
  polls(): number;
  resetPolls(): void;
  close(): Promise<void>;
}

async function startModeFixture(): Promise<ModeFixture> {
  let polls = 0;
  const wandb = startDemoWandb(undefined, {
    onRequest: (_index, fake) => {
      // For the wait mode: the running candidate finishes after the first poll.
      if (polls++ === 0) return;
      for (const run of fake.projects[0].runs) {
        if (run.state === "running") run.state = "finished";
      }
    },
  });
  const github = startFakeGithub({
    token: TOKEN,
    repository: "octo/model",
    pullNumber: 3,
  });
  const parent = await tempFolder();
  const eventPath = `${parent.path}/event.json`;
  await Deno.writeTextFile(
    eventPath,
    JSON.stringify({ pull_request: { number: 3 } }),
  );
  return {
    wandb,
    github,
    parent: parent.path,
    eventPath,
    query: {
      WANDB_API_KEY: DEMO_API_KEY,
      PROJECT_NAME: "github/predict-issue-labels",
      FILTER_GITHUB_SHA: DEMO_SHA,
      BASELINE_TAGS: "baseline",
      DISPLAY_METRICS: "acc",
      WANDB_BASE_URL: wandb.url,
    },
    polls: () => polls,
    resetPolls: () => {
      polls = 0;
    },
    async close() {
      await wandb.close();
      await github.close();
      await parent.remove();
    },
  };
}

/** What a mode's run under the action's flags left behind. */
interface ModeRun {
  workspace: string;
  runnerEnv: Record<string, string>;
  tree: Record<string, string>;
  outputs: Record<string, string>;
}

/**
 * Checks a mode in two steps: the run: step grants exactly the flags the mode
 * needs, and the CLI then works under them (`checkRun` adds the mode's own
 * checks of what it wrote).
 */
async function checkMode(
  t: Deno.TestContext,
  fixture: ModeFixture,
  mode: Mode & { name: string; checkRun?: (run: ModeRun) => void },
): Promise<void> {
  const workspace = `${fixture.parent}/${mode.name}`;
  await Deno.mkdir(workspace);
  const runnerEnv = { ...mode.runnerEnv };
  if (runnerEnv.GITHUB_STEP_SUMMARY) {
    runnerEnv.GITHUB_STEP_SUMMARY =
      `${workspace}/${runnerEnv.GITHUB_STEP_SUMMARY}`;
    await Deno.writeTextFile(runnerEnv.GITHUB_STEP_SUMMARY, "");
  }
  await t.step("the run: step grants exactly what the mode needs", async () => {
    const args = await recordDenoArguments(mode.inputs, workspace, runnerEnv);
    assertGrants(readFlags(args), { fixture, mode, workspace, runnerEnv });
  });
  await t.step("the CLI works under those flags", async () => {
    fixture.resetPolls();
    const result = await runActionStep(mode.inputs, workspace, runnerEnv);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /NotCapable|Requires .* access/);
    const tree = await readTree(workspace);
    const outputs = readOutputsFile(tree[`${workspace}/github_output`]);
    assert.equal(outputs.NUM_CANDIDATES, "6");
    assert.ok(tree[`${workspace}/wandb_report.csv`]);
    assert.equal(
      tree[`${workspace}/wandb_report.md`] !== undefined,
      mode.markdown,
    );
    for (const file of mode.extraFiles) {
      assert.ok(tree[`${workspace}/${file}`]);
    }
    mode.checkRun?.({ workspace, runnerEnv, tree, outputs });
  });
}

/** Asserts the recorded command line: the fixed arguments, then exactly the mode's grants. */
function assertGrants(
  flags: ReturnType<typeof readFlags>,
  context: {
    fixture: ModeFixture;
    mode: Mode;
    workspace: string;
    runnerEnv: Record<string, string>;
  },
): void {
  const { fixture, mode, workspace, runnerEnv } = context;
  assert.deepEqual(flags.rest, [
    "run",
    "--no-prompt",
    "--frozen",
    `--config=${ROOT}/deno.json`,
    "--v8-flags=--max-semi-space-size=4",
    `${ROOT}/cli.ts`,
  ]);
  const hosts = [new URL(fixture.wandb.url).host];
  if (mode.comments) hosts.push(new URL(fixture.github.url).host);
  // Paths are granted as given: a relative REPORT_JSON is relative to
  // the workspace, the step's working folder, for Deno and the CLI alike.
  const files = [
    `${workspace}/wandb_report.csv`,
    `${workspace}/wandb_report.md`,
    ...mode.extraFiles,
  ].flatMap((file) => [file, `${file}.partial`]);
  const readable = mode.comments ? [...files, fixture.eventPath] : files;
  const writable = [
    ...files,
    `${workspace}/github_output`,
    ...(runnerEnv.GITHUB_STEP_SUMMARY ? [runnerEnv.GITHUB_STEP_SUMMARY] : []),
  ];
  assert.deepEqual(flags.granted, {
    "allow-net": hosts.sort(),
    "allow-env": [...ENVIRONMENT_VARIABLES].sort(),
    "allow-read": readable.sort(),
    "allow-write": writable.sort(),
  });
}

Deno.test("writing the CSV, the CLI gets exactly the W&B host, its variables and the CSV, and works", async (t) => {
  const fixture = await startModeFixture();
  try {
    await checkMode(t, fixture, {
      name: "CSV",
      inputs: fixture.query,
      runnerEnv: {},
      extraFiles: [],
      markdown: false,
      comments: false,
    });
  } finally {
    await fixture.close();
  }
});

Deno.test("writing reports, the CLI also gets the report files and the job summary, and works", async (t) => {
  const fixture = await startModeFixture();
  try {
    await checkMode(t, fixture, {
      name: "report",
      inputs: {
        ...fixture.query,
        REPORT_JSON: "out/report.json",
        THRESHOLDS: "acc>=0.5",
      },
      runnerEnv: { GITHUB_STEP_SUMMARY: "step_summary.md" },
      extraFiles: ["out/report.json"],
      markdown: true,
      comments: false,
      checkRun: ({ tree, runnerEnv }) => {
        assert.match(tree[runnerEnv.GITHUB_STEP_SUMMARY], /### W&B runs in/);
      },
    });
  } finally {
    await fixture.close();
  }
});

Deno.test("commenting, the CLI also gets GitHub's API host and the event file, and works", async (t) => {
  const fixture = await startModeFixture();
  try {
    await checkMode(t, fixture, {
      name: "comment",
      inputs: { ...fixture.query, COMMENT: "true", GITHUB_TOKEN: TOKEN },
      runnerEnv: {
        GITHUB_EVENT_PATH: fixture.eventPath,
        GITHUB_API_URL: fixture.github.url,
        GITHUB_REPOSITORY: "octo/model",
      },
      extraFiles: [],
      markdown: true,
      comments: true,
      checkRun: () => assert.equal(fixture.github.comments.length, 1),
    });
  } finally {
    await fixture.close();
  }
});

Deno.test("waiting for runs, the CLI gets no more than for the CSV, and waits until they finish", async (t) => {
  const fixture = await startModeFixture();
  try {
    await checkMode(t, fixture, {
      name: "wait",
      inputs: { ...fixture.query, WAIT_TIMEOUT: "1m", POLL_INTERVAL: "1s" },
      runnerEnv: {},
      extraFiles: [],
      markdown: false,
      comments: false,
      checkRun: ({ outputs }) => {
        assert.equal(outputs.NUM_RUNNING, "0", "waited until it finished");
        assert.equal(fixture.polls(), 2);
      },
    });
  } finally {
    await fixture.close();
  }
});

Deno.test("under the action's flags, anything beyond them is denied", async () => {
  const wandb = startDemoWandb();
  const github = startFakeGithub({ token: TOKEN, repository: "octo/model" });
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  await Deno.writeTextFile(`${workspace}/secret.txt`, "not for the CLI");
  const eventPath = `${parent.path}/event.json`;
  await Deno.writeTextFile(eventPath, "{}");
  try {
    // The widest mode: commenting also grants GitHub's host and the event file.
    const args = await recordDenoArguments(
      {
        WANDB_API_KEY: DEMO_API_KEY,
        PROJECT_NAME: "github/predict-issue-labels",
        WANDB_BASE_URL: wandb.url,
        COMMENT: "true",
        GITHUB_TOKEN: TOKEN,
      },
      workspace,
      {
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: "octo/model",
        GITHUB_STEP_SUMMARY: `${workspace}/summary.md`,
      },
    );
    const probe =
      new URL("./least_privilege/probe.ts", import.meta.url).pathname;
    const env: Record<string, string> = {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      INPUT_PROJECT_NAME: "github/predict-issue-labels",
    };
    const denoDir = Deno.env.get("DENO_DIR");
    if (denoDir) env.DENO_DIR = denoDir;
    const result = await runCommand(Deno.execPath(), {
      args: [
        ...args.slice(0, -1),
        probe,
        `${workspace}/wandb_report.csv`,
        workspace,
        wandb.url,
      ],
      env,
      clearEnv: true,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      "write the granted CSV": "allowed",
      "read INPUT_PROJECT_NAME": "allowed",
      "connect to the W&B host": "allowed",
      "write elsewhere in the workspace": "denied",
      "write in /tmp": "denied",
      "create a folder in the workspace": "denied",
      "read another workspace file": "denied",
      "read /etc/passwd": "denied",
      "list the workspace": "denied",
      "read HOME": "denied",
      "read all of the environment": "denied",
      "connect to another host": "denied",
      "connect to another port on loopback": "denied",
      "run a program": "denied",
      "read system info": "denied",
    });
    const tree = await readTree(workspace);
    assert.deepEqual(Object.keys(tree).sort(), [
      `${workspace}/github_output`,
      `${workspace}/secret.txt`,
      `${workspace}/wandb_report.csv`,
    ]);
  } finally {
    await wandb.close();
    await github.close();
    await parent.remove();
  }
});

Deno.test("the README's one-liner works with exactly the permissions it lists", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const section = readme.slice(readme.indexOf("## As a one-liner in any CI"));
  const block = section.match(/```sh\n([\s\S]*?)```/)![1];
  const wandb = startDemoWandb();
  const workspace = await tempFolder();
  try {
    // The same command, pointed at the fake and at this checkout.
    const script = block
      .replace(/^export WANDB_API_KEY=.*$/m, "")
      .replaceAll("api.wandb.ai", new URL(wandb.url).host)
      // The published module, as the README names it, is this checkout's cli.ts.
      .replace(
        /jsr:\S+\/cli/,
        `${ROOT}/cli.ts --base-url ${wandb.url}`,
      )
      .replace('"$CI_COMMIT_SHA"', DEMO_SHA)
      .replace(/^deno run /m, `"${Deno.execPath()}" run `);
    const env: Record<string, string> = {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      WANDB_API_KEY: DEMO_API_KEY,
      // Set but not granted: must read as unset, not crash the CLI.
      INPUT_PROJECT_NAME: "other/project",
      GITHUB_OUTPUT: `${workspace.path}/not-granted`,
    };
    const denoDir = Deno.env.get("DENO_DIR");
    if (denoDir) env.DENO_DIR = denoDir;
    const result = await runCommand("bash", {
      args: ["-euo", "pipefail", "-c", script],
      cwd: workspace.path,
      env,
      clearEnv: true,
    });
    assert.equal(result.code, 0, result.stderr);
    const outputs = Object.fromEntries(
      result.stdout.trim().split("\n").map((line) => line.split("=", 2)),
    );
    assert.equal(outputs.NUM_FINISHED, "3");
    const tree = await readTree(workspace.path);
    assert.deepEqual(Object.keys(tree), [`${workspace.path}/wandb_report.csv`]);
    const rows = parseCsv(tree[`${workspace.path}/wandb_report.csv`]);
    // The finished candidates, then every baseline.
    assert.equal(
      rows.length,
      1 + Number(outputs.NUM_FINISHED) + Number(outputs.NUM_BASELINES),
    );
  } finally {
    await wandb.close();
    await workspace.remove();
  }
});
