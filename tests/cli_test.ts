import assert from "node:assert/strict";
import { ENVIRONMENT_VARIABLES, main } from "../cli.ts";
import denoConfig from "../deno.json" with { type: "json" };
import {
  readTree,
  runCommand,
  startDemoWandb,
  tempFolder,
} from "./_helpers.ts";
import { DEMO_API_KEY, DEMO_SHA } from "./fake_wandb/sample_data.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Runs main() in-process with the given environment; collects what it prints. */
async function runCli(args: string[], env: Record<string, string>) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, {
    getEnv: (name) => env[name],
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout, stderr };
}

Deno.test("--help and --version", async () => {
  const help = await runCli(["--help"], {});
  assert.equal(help.code, 0);
  assert.match(help.stdout.join("\n"), /--baseline-tags <list>/);
  const version = await runCli(["--version"], {});
  assert.deepEqual(version, {
    code: 0,
    stdout: [denoConfig.version],
    stderr: [],
  });
});

Deno.test("every bad input: exit 2, one line naming it, no CSV", async (t) => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  const good = {
    INPUT_WANDB_API_KEY: DEMO_API_KEY,
    INPUT_PROJECT_NAME: "github/predict-issue-labels",
    INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
    INPUT_WANDB_BASE_URL: fake.url,
    INPUT_OUTPUT_PATH: `${folder.path}/wandb_report.csv`,
  };
  const cases: [string, Record<string, string>, string[], string][] = [
    ["no key", { INPUT_WANDB_API_KEY: "" }, [], "WANDB_API_KEY: required"],
    [
      "short key",
      { INPUT_WANDB_API_KEY: "abc" },
      [],
      "WANDB_API_KEY: expected a W&B API key of at least 40 characters after any prefix, got 3",
    ],
    [
      "no project",
      { INPUT_PROJECT_NAME: "" },
      [],
      'PROJECT_NAME: required, as "entity/project"',
    ],
    [
      "project without entity",
      { INPUT_PROJECT_NAME: "labels" },
      [],
      'PROJECT_NAME: expected "entity/project", got "labels"',
    ],
    [
      "neither run id nor SHA",
      { INPUT_FILTER_GITHUB_SHA: "" },
      [],
      "RUN_ID: one of RUN_ID or FILTER_GITHUB_SHA is required",
    ],
    [
      "secondary without SHA",
      { INPUT_FILTER_GITHUB_SHA: "", INPUT_FILTER_SECONDARY_SHA: "d1" },
      [],
      "FILTER_SECONDARY_SHA: needs FILTER_GITHUB_SHA as well",
    ],
    [
      "eval attack in tags",
      { INPUT_BASELINE_TAGS: "__import__('os').system('id')" },
      [],
      "BASELINE_TAGS: expected a list like ['acc', 'loss'], a JSON array, or comma-separated names; \"__import__('os').system('id')\" is not a plain name",
    ],
    [
      "broken metrics list",
      { INPUT_DISPLAY_METRICS: "['acc', 'loss'" },
      [],
      "DISPLAY_METRICS: expected a list like ['acc', 'loss'], a JSON array, or comma-separated names; cannot read \"['acc', 'loss'\"",
    ],
    [
      "command in config vars",
      { INPUT_DISPLAY_CONFIG_VARS: "$(id)" },
      [],
      "DISPLAY_CONFIG_VARS: expected a list like ['acc', 'loss'], a JSON array, or comma-separated names; \"$(id)\" is not a plain name",
    ],
    [
      "DEBUG=maybe",
      { INPUT_DEBUG: "maybe" },
      [],
      'DEBUG: expected true or false (also 1/0, yes/no, on/off), got "maybe"',
    ],
    [
      "column collision",
      { INPUT_DISPLAY_METRICS: "_lr", INPUT_DISPLAY_CONFIG_VARS: "lr" },
      [],
      'DISPLAY_CONFIG_VARS: "lr" would make a second column "_lr" (already DISPLAY_METRICS "_lr"); remove or rename one',
    ],
    [
      "base URL with credentials",
      { INPUT_WANDB_BASE_URL: "https://api:secret@api.wandb.ai" },
      [],
      "WANDB_BASE_URL: must not contain credentials; pass the key as WANDB_API_KEY",
    ],
    [
      "unknown flag",
      {},
      ["--projet", "a/b"],
      "arguments: Unknown option '--projet'",
    ],
    [
      "positional argument",
      {},
      ["github/predict-issue-labels"],
      "arguments: Unexpected argument 'github/predict-issue-labels'",
    ],
  ];
  try {
    for (const [name, overrides, args, message] of cases) {
      await t.step(name, async () => {
        const result = await runCli(args, { ...good, ...overrides });
        assert.equal(result.code, 2);
        assert.equal(result.stderr.length, 1);
        assert.ok(
          result.stderr[0].startsWith(`Error: ${message}`),
          result.stderr[0],
        );
        assert.deepEqual(result.stdout, []);
        assert.deepEqual(await readTree(folder.path), {});
      });
    }
    assert.equal(fake.requests.length, 0, "nothing was asked of W&B");
  } finally {
    await fake.close();
    await folder.remove();
  }
});

Deno.test("flags win over INPUT_* variables; WANDB_API_KEY is read from the plain environment", async () => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  try {
    const result = await runCli([
      "--project",
      "github/predict-issue-labels",
      "--run-id",
      "e6lo523p",
      "--baseline-tags",
      "baseline",
      "--out",
      `${folder.path}/flags.csv`,
      "--base-url",
      fake.url,
    ], {
      WANDB_API_KEY: DEMO_API_KEY,
      INPUT_PROJECT_NAME: "github/other-project",
      INPUT_OUTPUT_PATH: `${folder.path}/env.csv`,
    });
    assert.equal(result.code, 0, result.stderr.join("\n"));
    const printed = result.stdout.join("\n").split("\n");
    assert.ok(printed.includes("BOOL_SINGLE_RUN=True"));
    assert.ok(printed.includes("NUM_BASELINES=3"));
    assert.deepEqual(Object.keys(await readTree(folder.path)), [
      `${folder.path}/flags.csv`,
    ]);
  } finally {
    await fake.close();
    await folder.remove();
  }
});

Deno.test("RUN_ID with a SHA logs a notice that the SHA is ignored", async () => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  try {
    const result = await runCli([], {
      INPUT_WANDB_API_KEY: DEMO_API_KEY,
      INPUT_PROJECT_NAME: "github/predict-issue-labels",
      INPUT_RUN_ID: "e6lo523p",
      INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
      INPUT_WANDB_BASE_URL: fake.url,
      INPUT_OUTPUT_PATH: `${folder.path}/out.csv`,
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: `${folder.path}/github_output`,
    });
    assert.equal(result.code, 0);
    assert.ok(result.stderr.includes(
      "::notice::RUN_ID is set, so FILTER_GITHUB_SHA and FILTER_SECONDARY_SHA are ignored",
    ));
    assert.deepEqual(
      (await fake.requests[0].variables).candidatesFilters,
      JSON.stringify({ name: "e6lo523p" }),
    );
  } finally {
    await fake.close();
    await folder.remove();
  }
});

Deno.test("as a subprocess with narrow permissions: NAME=value outside Actions, real exit codes", async (t) => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  const csv = `${folder.path}/wandb_report.csv`;
  const port = new URL(fake.url).host;
  const run = async (env: Record<string, string>) => {
    return await runCommand(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        `--config=${ROOT}/deno.json`,
        `--allow-net=${port}`,
        `--allow-env=${ENVIRONMENT_VARIABLES.join(",")}`,
        `--allow-read=${csv},${csv}.partial`,
        `--allow-write=${csv},${csv}.partial`,
        `${ROOT}/cli.ts`,
        "--debug",
      ],
      env: {
        WANDB_API_KEY: DEMO_API_KEY,
        INPUT_PROJECT_NAME: "github/predict-issue-labels",
        INPUT_WANDB_BASE_URL: fake.url,
        INPUT_OUTPUT_PATH: csv,
        ...env,
      },
    });
  };
  try {
    await t.step(
      "success: outputs on stdout, debug on stderr, key nowhere",
      async () => {
        const result = await run({ INPUT_FILTER_GITHUB_SHA: DEMO_SHA });
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stdout,
          /^BOOL_COMPLETE=False\nBOOL_SINGLE_RUN=False\nNUM_FINISHED=3\n/,
        );
        assert.match(result.stderr, /\[debug\] candidate filter: /);
        assert.ok(!result.stdout.includes(DEMO_API_KEY));
        assert.ok(!result.stderr.includes(DEMO_API_KEY));
        assert.ok(!(await Deno.readTextFile(csv)).includes(DEMO_API_KEY));
      },
    );
    await t.step("a bad input exits 2", async () => {
      const result = await run({
        INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
        INPUT_PAGE_SIZE: "0",
      });
      assert.equal(result.code, 2);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, /^Error: PAGE_SIZE: .*got "0"$/m);
    });
    await t.step(
      "a W&B failure exits 1 and leaves the previous CSV alone",
      async () => {
        const before = await Deno.readTextFile(csv);
        const result = await run({ INPUT_RUN_ID: "nosuchid" });
        assert.equal(result.code, 1);
        assert.equal(
          result.stderr.trim().split("\n").at(-1),
          'Error: RUN_ID: W&B has no run "nosuchid" in project "github/predict-issue-labels"',
        );
        assert.equal(await Deno.readTextFile(csv), before);
      },
    );
  } finally {
    await fake.close();
    await folder.remove();
  }
});

Deno.test("gates decide the exit code only with FAIL_ON_GATE", async (t) => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  const base = {
    INPUT_WANDB_API_KEY: DEMO_API_KEY,
    INPUT_PROJECT_NAME: "github/predict-issue-labels",
    INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
    INPUT_DISPLAY_METRICS: "acc",
    INPUT_WANDB_BASE_URL: fake.url,
    INPUT_OUTPUT_PATH: `${folder.path}/wandb_report.csv`,
    INPUT_REPORT_MARKDOWN: `${folder.path}/wandb_report.md`,
  };
  const cases: [string, Record<string, string>, number, string][] = [
    ["failing, not enforced", { INPUT_THRESHOLDS: "acc>=0.95" }, 0, "False"],
    [
      "failing, enforced",
      { INPUT_THRESHOLDS: "acc>=0.95", INPUT_FAIL_ON_GATE: "true" },
      3,
      "False",
    ],
    [
      "passing, enforced",
      { INPUT_THRESHOLDS: "acc>=0.5", INPUT_FAIL_ON_GATE: "true" },
      0,
      "True",
    ],
    ["no gates, enforced", { INPUT_FAIL_ON_GATE: "true" }, 0, "True"],
  ];
  try {
    for (const [name, env, code, passed] of cases) {
      await t.step(name, async () => {
        const result = await runCli([], { ...base, ...env });
        assert.equal(result.code, code, result.stderr.join("\n"));
        assert.ok(result.stdout.join("\n").includes(`BOOL_PASSED=${passed}`));
        const files = await readTree(folder.path);
        assert.ok(files[`${folder.path}/wandb_report.csv`]);
        assert.ok(files[`${folder.path}/wandb_report.md`]);
        if (code === 3) {
          assert.equal(
            result.stderr.at(-1),
            "Error: FAIL_ON_GATE: 3 gate failure(s); see GATE_FAILURES",
          );
        }
      });
    }
  } finally {
    await fake.close();
    await folder.remove();
  }
});
