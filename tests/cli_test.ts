import assert from "node:assert/strict";
import { ENVIRONMENT_VARIABLES, main } from "../cli.ts";
import denoConfig from "../deno.json" with { type: "json" };
import { INPUT_NAMES } from "../lib/action/inputs.ts";
import { gateOutputs } from "../lib/review/gates.ts";
import { countRuns, countsAsOutputs } from "../lib/review/run_counts.ts";
import {
  readTree,
  runCommand,
  startDemoWandb,
  tempFolder,
} from "./_helpers.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";

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

/** Each bad input as a user writes it: what it is, the INPUT_* variables changed, the arguments, and the start of the one error line. */
const BAD_INPUTS: [string, Record<string, string>, string[], string][] = [
  ["no key", { INPUT_WANDB_API_KEY: "" }, [], "WANDB_API_KEY: required"],
  [
    "short key",
    { INPUT_WANDB_API_KEY: "abc" },
    [],
    "WANDB_API_KEY: expected a W&B API key of at least 40 characters, got 3",
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
    "BASELINE_TAGS: expected a list like ['acc', 'loss'], a JSON array, comma-separated names or one \"- name\" per line; \"__import__('os').system('id')\" is not a plain name",
  ],
  [
    "broken metrics list",
    { INPUT_DISPLAY_METRICS: "['acc', 'loss'" },
    [],
    "DISPLAY_METRICS: expected a list like ['acc', 'loss'], a JSON array, comma-separated names or one \"- name\" per line; cannot read \"['acc', 'loss'\"",
  ],
  [
    "command in config vars",
    { INPUT_DISPLAY_CONFIG_VARS: "$(id)" },
    [],
    "DISPLAY_CONFIG_VARS: expected a list like ['acc', 'loss'], a JSON array, comma-separated names or one \"- name\" per line; \"$(id)\" is not a plain name",
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
    "history samples not a number",
    { INPUT_HISTORY_METRICS: "loss", INPUT_HISTORY_SAMPLES: "abc" },
    [],
    'HISTORY_SAMPLES: expected a whole number from 2 to 10000, got "abc"',
  ],
  [
    "baseline artifact without an alias",
    { INPUT_BASELINE_ARTIFACT: "model" },
    [],
    'BASELINE_ARTIFACT: expected entity/project/name:alias, project/name:alias or [org/]wandb-registry-<registry>/name:alias, got "model", which has no alias',
  ],
  [
    "expected data entry without an alias",
    { INPUT_EXPECTED_DATA: "['mnist-test:latest', 'mnist']" },
    [],
    'EXPECTED_DATA: entry 2 "mnist" has no alias: expected name:alias such as mnist-test:latest',
  ],
  [
    "production aggregate without an artifact",
    { INPUT_BASELINE_AGGREGATE: "production" },
    [],
    "BASELINE_AGGREGATE: production needs BASELINE_ARTIFACT, the production artifact such as entity/project/model:production",
  ],
  [
    "significance of 1",
    {},
    ["--significance", "1"],
    'SIGNIFICANCE: expected a number between 0 and 1 (both excluded) such as 0.05, got "1"',
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
  try {
    for (const [name, overrides, args, message] of BAD_INPUTS) {
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

Deno.test("--help names every output the job writes", async () => {
  const help = (await runCli(["--help"], {})).stdout.join("\n");
  const outputs = [
    ...Object.keys(
      countsAsOutputs(countRuns({ candidates: [], baselines: [] })),
    ),
    ...Object.keys(gateOutputs({ enabled: false, passed: true, failures: [] })),
  ];
  assert.equal(outputs.length, 14);
  for (const output of outputs) {
    assert.match(help, new RegExp(`^  ${output} `, "m"), output);
  }
});

Deno.test("every boolean flag takes a value, and alone means true", async (t) => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  const env = {
    INPUT_WANDB_API_KEY: DEMO_API_KEY,
    INPUT_PROJECT_NAME: "github/predict-issue-labels",
    INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
    INPUT_DISPLAY_METRICS: "acc",
    INPUT_WANDB_BASE_URL: fake.url,
    INPUT_OUTPUT_PATH: `${folder.path}/wandb_report.csv`,
    INPUT_REPORT_MARKDOWN: `${folder.path}/wandb_report.md`,
  };
  const debugged = (stderr: string[]) =>
    stderr.some((line) => line.startsWith("[debug] "));
  const cases: [string[], number, boolean][] = [
    [["--debug"], 0, true],
    [["--debug", "false"], 0, false],
    [["--debug", "FALSE", "--run-id", "e6lo523p"], 0, false],
    [["--debug=no"], 0, false],
    [["--debug", "on"], 0, true],
    [["--debug", "--run-id", "e6lo523p"], 0, true],
    [["--thresholds", "acc>=0.95", "--fail-on-gate"], 3, false],
    [["--thresholds", "acc>=0.95", "--fail-on-gate", "true"], 3, false],
    [["--thresholds", "acc>=0.95", "--fail-on-gate", "0"], 0, false],
    [["--fail-on-gate", "--thresholds", "acc>=0.95", "--debug"], 3, true],
    [["--report-charts", "--job-summary", "--require-complete"], 0, false],
  ];
  try {
    for (const [args, code, debug] of cases) {
      await t.step(args.join(" "), async () => {
        const result = await runCli(args, env);
        assert.equal(result.code, code, result.stderr.join("\n"));
        assert.equal(debugged(result.stderr), debug);
      });
    }
    await t.step("--require-complete alone turns that gate on", async () => {
      const result = await runCli(["--require-complete"], env);
      assert.match(result.stdout.join("\n"), /^BOOL_PASSED=False$/m);
    });
    await t.step(
      "a word that is not true or false is refused, naming the input",
      async () => {
        const result = await runCli(["--debug", "maybe"], env);
        assert.equal(result.code, 2);
        assert.deepEqual(result.stderr, [
          'Error: DEBUG: expected true or false (also 1/0, yes/no, on/off), got "maybe"',
        ]);
      },
    );
  } finally {
    await fake.close();
    await folder.remove();
  }
});

/** Runs cli.ts as the README's one-liner does: in `cwd`, with exactly the given grants. */
function runNarrowCli(
  cwd: string,
  grants: string[],
  args: string[],
  env: Record<string, string>,
) {
  const runEnv: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
    ...env,
  };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) runEnv.DENO_DIR = denoDir;
  return runCommand(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      `--config=${ROOT}/deno.json`,
      ...grants,
      `${ROOT}/cli.ts`,
      ...args,
    ],
    cwd,
    env: runEnv,
    clearEnv: true,
  });
}

Deno.test("a report file that may not be written: nothing is written, and the error names the input and the path", async () => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  try {
    const csv = "wandb_report.csv";
    await Deno.writeTextFile(`${folder.path}/${csv}`, "previous,report\n");
    const result = await runNarrowCli(folder.path, [
      `--allow-net=${new URL(fake.url).host}`,
      "--allow-env=WANDB_API_KEY",
      `--allow-read=${csv},${csv}.partial`,
      `--allow-write=${csv},${csv}.partial`,
    ], [
      "--project",
      "github/predict-issue-labels",
      "--sha",
      DEMO_SHA,
      "--base-url",
      fake.url,
      "--metrics",
      "acc",
      "--thresholds",
      "acc>=0.5",
    ], { WANDB_API_KEY: DEMO_API_KEY });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(
      result.stderr,
      /^Error: REPORT_MARKDOWN: cannot write "\.\/wandb_report\.md": .*--allow-write.*; nothing was written\n$/,
    );
    assert.deepEqual(await readTree(folder.path), {
      [`${folder.path}/${csv}`]: "previous,report\n",
    });
    assert.equal(fake.requests.length, 0, "found out before asking W&B");
  } finally {
    await fake.close();
    await folder.remove();
  }
});

Deno.test("a W&B variable set but not granted by --allow-env is named as unreadable", async (t) => {
  const fake = startDemoWandb();
  const folder = await tempFolder();
  const query = [
    "--project",
    "github/predict-issue-labels",
    "--sha",
    DEMO_SHA,
  ];
  const files = [
    "--allow-read=wandb_report.csv,wandb_report.csv.partial",
    "--allow-write=wandb_report.csv,wandb_report.csv.partial",
  ];
  try {
    await t.step(
      "WANDB_BASE_URL: not the default host, blamed on --allow-net",
      async () => {
        const result = await runNarrowCli(
          folder.path,
          [
            `--allow-net=${new URL(fake.url).host}`,
            "--allow-env=WANDB_API_KEY",
            ...files,
          ],
          query,
          { WANDB_API_KEY: DEMO_API_KEY, WANDB_BASE_URL: fake.url },
        );
        assert.equal(result.code, 2, result.stderr);
        assert.equal(
          result.stderr,
          "Error: WANDB_BASE_URL: the environment variable could not be read (--allow-env does not grant it), so the default https://api.wandb.ai was taken, which --allow-net does not grant either; add WANDB_BASE_URL to --allow-env, or pass --base-url\n",
        );
        assert.equal(fake.requests.length, 0);
      },
    );
    await t.step("WANDB_API_KEY: not 'required' alone", async () => {
      const result = await runNarrowCli(
        folder.path,
        [
          `--allow-net=${new URL(fake.url).host}`,
          "--allow-env=INPUT_PROJECT_NAME",
          ...files,
        ],
        [...query, "--base-url", fake.url],
        { WANDB_API_KEY: DEMO_API_KEY },
      );
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr,
        "Error: WANDB_API_KEY: required; the WANDB_API_KEY environment variable could not be read (--allow-env does not grant it): add it to --allow-env\n",
      );
    });
    await t.step("granted, the same variables work", async () => {
      const result = await runNarrowCli(
        folder.path,
        [
          `--allow-net=${new URL(fake.url).host}`,
          "--allow-env=WANDB_API_KEY,WANDB_BASE_URL",
          ...files,
        ],
        query,
        { WANDB_API_KEY: DEMO_API_KEY, WANDB_BASE_URL: fake.url },
      );
      assert.equal(result.code, 0, result.stderr);
    });
    assert.deepEqual(Object.keys(await readTree(folder.path)), [
      `${folder.path}/wandb_report.csv`,
    ]);
  } finally {
    await fake.close();
    await folder.remove();
  }
});

Deno.test("a variable main() may not read is treated per variable, not as a crash", async () => {
  const lines: string[] = [];
  const result = await main(["--project", "a/b", "--sha", DEMO_SHA], {
    getEnv: (name) => {
      if (name === "WANDB_API_KEY") {
        throw new Deno.errors.NotCapable(`Requires env access to "${name}"`);
      }
      return undefined;
    },
    stdout: () => {},
    stderr: (line) => lines.push(line),
  });
  assert.equal(result, 2);
  assert.deepEqual(lines, [
    "Error: WANDB_API_KEY: required; the WANDB_API_KEY environment variable could not be read (--allow-env does not grant it): add it to --allow-env",
  ]);
});

/** The options `--help` lists, each with the input it sets: `--sha` -> `FILTER_GITHUB_SHA`. */
function helpFlags(help: string): Map<string, string> {
  return new Map(
    [...help.matchAll(/^ {2}(--[a-z-]+) (?:\[?<[^>]+>\]? +)?([A-Z_]+)\b/gm)]
      .map((match) => [match[1], match[2]]),
  );
}

Deno.test("--help gives each input but the key and the token one flag, as the README lists them", async () => {
  const help = (await runCli(["--help"], {})).stdout.join("\n");
  const flags = helpFlags(help);
  assert.deepEqual(
    [...flags.values()].sort(),
    INPUT_NAMES.filter((name) =>
      name !== "WANDB_API_KEY" && name !== "GITHUB_TOKEN"
    ).sort(),
  );
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const listed = readme.match(/Every input has a flag: ([^.]+)\./)![1];
  assert.deepEqual(
    [...listed.matchAll(/`(--[a-z-]+)`/g)].map((match) => match[1]).sort(),
    [...flags.keys(), "--help", "--version"].sort(),
  );
  for (const name of INPUT_NAMES) {
    assert.match(readme, new RegExp(`^\\| \`${name}\` +\\|`, "m"), name);
  }
});

Deno.test("--help lists the evidence flags, one line each", async () => {
  const help = (await runCli(["--help"], {})).stdout.join("\n");
  const flags = helpFlags(help);
  const expected: [string, string][] = [
    ["--history-metrics", "HISTORY_METRICS"],
    ["--history-samples", "HISTORY_SAMPLES"],
    ["--convergence", "CONVERGENCE"],
    ["--data-artifact-types", "DATA_ARTIFACT_TYPES"],
    ["--require-same-data", "REQUIRE_SAME_DATA"],
    ["--expected-data", "EXPECTED_DATA"],
    ["--baseline-artifact", "BASELINE_ARTIFACT"],
    ["--significance", "SIGNIFICANCE"],
  ];
  for (const [flag, input] of expected) {
    assert.equal(flags.get(flag), input, flag);
    const line = help.split("\n").findIndex((each) =>
      each.startsWith(`  ${flag} `)
    );
    assert.match(
      help.split("\n")[line + 1],
      /^ {2}--|^$/,
      `${flag}: the next line is another option`,
    );
  }
  assert.match(help, /^ {2}--require-same-data \[<bool>\] /m);
  assert.match(
    help,
    /--baseline-aggregate <how> +BASELINE_AGGREGATE: .*production/,
  );
});

Deno.test("each evidence flag sets its input: a bad value is refused in that input's name", async (t) => {
  const env = {
    INPUT_WANDB_API_KEY: DEMO_API_KEY,
    INPUT_PROJECT_NAME: "github/predict-issue-labels",
    INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
    // Nothing may reach W&B: no server listens here.
    INPUT_WANDB_BASE_URL: "http://127.0.0.1:9",
  };
  const cases: [string[], string][] = [
    [["--history-metrics", "['loss'"], "HISTORY_METRICS"],
    [["--history-samples", "1"], "HISTORY_SAMPLES"],
    [["--convergence", "$(id)"], "CONVERGENCE"],
    [["--data-artifact-types", "`id`"], "DATA_ARTIFACT_TYPES"],
    [["--require-same-data", "maybe"], "REQUIRE_SAME_DATA"],
    [["--expected-data", "mnist"], "EXPECTED_DATA"],
    [["--baseline-artifact", "model"], "BASELINE_ARTIFACT"],
    [["--significance", "5%"], "SIGNIFICANCE"],
    // Alone it means true, and the next flag keeps its own value.
    [["--require-same-data", "--significance", "2"], "SIGNIFICANCE"],
    [["--baseline-aggregate", "production"], "BASELINE_AGGREGATE"],
  ];
  for (const [args, input] of cases) {
    await t.step(args.join(" "), async () => {
      const result = await runCli(args, env);
      assert.equal(result.code, 2);
      assert.equal(result.stderr.length, 1);
      assert.ok(
        result.stderr[0].startsWith(`Error: ${input}: `),
        result.stderr[0],
      );
    });
  }
});
