/**
 * Hostile input, end to end: list inputs written as attacks on the original's
 * `eval()`, run data and server messages carrying workflow commands, output
 * delimiters, Markdown and HTML, servers that echo the API key back, and
 * W&B base URLs that would leak it. Every case runs the program as a
 * subprocess (the action's own run: step, or the CLI with narrow
 * permissions) and reads what it produced the way a runner, a spreadsheet or
 * GitHub would.
 */
import assert from "node:assert/strict";
import { parse as parseCsv } from "csv-parse/sync";
import { ENVIRONMENT_VARIABLES } from "../cli.ts";
import { ROOT, runActionStep } from "./_action_step.ts";
import {
  type CommandResult,
  readOutputsFile,
  readTree,
  runCommand,
  tempFolder,
} from "./_helpers.ts";
import {
  type FakeFault,
  type FakeProject,
  type FakeRun,
  type FakeWandb,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";
import {
  type FakeGithub,
  startFakeGithub,
} from "../testing/fake_github/server.ts";
import { DEMO_API_KEY } from "../testing/fake_wandb/sample_data.ts";

const KEY = DEMO_API_KEY;
/** The key as it travels: HTTP Basic `api:<key>`, base64. */
const BASIC = btoa(`api:${KEY}`);
const TOKEN = "ghs_" + "h".repeat(36);
const SHA = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

/** Runs cli.ts as a subprocess with only what it needs: loopback, its variables, one folder. */
function runCli(
  env: Record<string, string>,
  options: { folder: string },
): Promise<CommandResult> {
  const base: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
  };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) base.DENO_DIR = denoDir;
  return runCommand(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      `--config=${ROOT}/deno.json`,
      "--allow-net=127.0.0.1",
      `--allow-env=${ENVIRONMENT_VARIABLES.join(",")}`,
      `--allow-read=${options.folder}`,
      `--allow-write=${options.folder}`,
      `${ROOT}/cli.ts`,
    ],
    env: { ...base, ...env },
    clearEnv: true,
  });
}

/** A step's output as GitHub's runner reads it: CR, LF and CRLF each end a line. */
function runnerLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((line) => line !== "");
}

/**
 * The lines the runner would take for workflow commands: `::` at the start
 * once leading white space (U+0085 too, as .NET trims it) is gone, or the
 * legacy `##[command]` (and Azure's `##vso[`) anywhere in the line.
 */
function commandLines(text: string): string[] {
  return runnerLines(text).filter((line) =>
    line.replace(/^[\s\u0085]+/, "").startsWith("::") ||
    /##(vso)?\[/i.test(line)
  );
}

/** Splits a Markdown table row into cells the way GFM does: `\` escapes the next character. */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  for (let index = 0; index < row.length; index++) {
    if (row[index] === "\\") {
      cell += row.slice(index, index + 2);
      index++;
    } else if (row[index] === "|") {
      cells.push(cell);
      cell = "";
    } else {
      cell += row[index];
    }
  }
  cells.push(cell);
  return cells.slice(1, -1).map((text) => text.trim());
}

// --- hostile run data ------------------------------------------------------

/** A line that looks like the delimiter of a `$GITHUB_OUTPUT` block. */
const DELIMITER_GUESS = `ghadelimiter_${crypto.randomUUID()}`;
const NAME_COMMANDS =
  "evil-1\n::set-output name=NUM_FINISHED::999\r::add-mask::evil\r\n::stop-commands::pwned %0A ##[set-output name=BOOL_PASSED;]True";
const NAME_OUTPUTS =
  `${DELIMITER_GUESS}\nNUM_FINISHED=999\nBOOL_PASSED<<EOF\nTrue\nEOF`;
const NAME_MARKUP =
  '<img src=x onerror=alert(1)></table>| a | b |\n| --- | --- |\n`code` [link](javascript:alert(1)) "quoted, with comma" \\';
const STATE_COMMANDS =
  "running\n::set-output name=num_running::0 ##[set-output name=bool_complete;]true <b>x</b>";
const TAGS = [
  "baseline\n::stop-commands::pwned",
  "<img src=x onerror=alert(1)>",
  "it's",
  'say "hi", ok',
];
/** The tags as the original's CSV wrote them: Python's `repr` of the list. */
const TAGS_CELL =
  `['baseline\\n::stop-commands::pwned', '<img src=x onerror=alert(1)>', "it's", 'say "hi", ok']`;
const DESCRIPTION =
  'line one\r\nline two, "quoted"\r::warning::fake %25 <script>alert(1)</script>';
const NOTE = "</td></tr><tr><td>x | y\n::error::fake";
const COMMENT_METRIC = "[link](javascript:alert(1)) <b>bold</b> `tick` %0A\r";

function hostileRun(
  name: string,
  fields: Partial<FakeRun>,
  day: number,
): FakeRun {
  return {
    name,
    displayName: name,
    state: "finished",
    createdAt: `2026-01-0${day}T00:00:00`,
    ...fields,
  };
}

/** Three candidates (two finished, one in a hostile state) and one baseline, every text field hostile. */
function hostileProject(): FakeProject {
  return {
    entity: "octo",
    name: "evil",
    runs: [
      hostileRun("evil0001", {
        displayName: NAME_COMMANDS,
        tags: TAGS,
        description: DESCRIPTION,
        config: { github_sha: SHA, note: NOTE },
        summaryMetrics: { acc: 0.5, comment: COMMENT_METRIC },
      }, 1),
      hostileRun("evil0002", {
        displayName: NAME_OUTPUTS,
        config: { github_sha: SHA, note: '=HYPERLINK("http://x")' },
        summaryMetrics: { acc: 0.25, comment: "%0A%25\r\n" },
      }, 2),
      hostileRun("evil0003", {
        displayName: "still-going",
        state: STATE_COMMANDS,
        config: { github_sha: SHA },
      }, 3),
      hostileRun("base0001", {
        displayName: NAME_MARKUP,
        tags: ["baseline"],
        description: "a\rb",
        config: { github_sha: "0ther", note: "<script>alert(1)</script>" },
        summaryMetrics: { acc: 0.95, comment: "| x |\n| y |" },
      }, 4),
    ],
  };
}

/** Each failure on one line: the names' line breaks folded to spaces. */
const GATE_FAILURE_MESSAGES = [
  `${oneLineName(NAME_COMMANDS)} (evil0001): acc = 0.5, needs acc >= 0.9`,
  `${oneLineName(NAME_OUTPUTS)} (evil0002): acc = 0.25, needs acc >= 0.9`,
];
const GATE_FAILURES = GATE_FAILURE_MESSAGES.join("\n");

function oneLineName(name: string): string {
  return name.replace(/\s+/g, " ");
}

const EXPECTED_OUTPUTS = {
  BOOL_COMPLETE: "True",
  BOOL_SINGLE_RUN: "False",
  NUM_FINISHED: "2",
  NUM_RUNNING: "0",
  NUM_CRASHED: "0",
  NUM_ABORTED: "0",
  NUM_BASELINES: "1",
  NUM_CANDIDATES: "3",
  NUM_FAILED: "0",
  NUM_PENDING: "0",
  NUM_PREEMPTED: "0",
  NUM_UNKNOWN: "0",
  BOOL_PASSED: "False",
  GATE_FAILURES,
};

/** The two gate annotations, each one line, `%` escaped, `##[` broken up. */
const GATE_ANNOTATIONS = [
  "::error::Gate: evil-1 ::set-output name=NUM_FINISHED::999 ::add-mask::evil ::stop-commands::pwned %250A # #[set-output name=BOOL_PASSED;]True (evil0001): acc = 0.5, needs acc >= 0.9",
  `::error::Gate: ${DELIMITER_GUESS} NUM_FINISHED=999 BOOL_PASSED<<EOF True EOF (evil0002): acc = 0.25, needs acc >= 0.9`,
];

const HOSTILE_INPUTS = {
  INPUT_WANDB_API_KEY: KEY,
  INPUT_PROJECT_NAME: "octo/evil",
  INPUT_FILTER_GITHUB_SHA: SHA,
  INPUT_BASELINE_TAGS: "baseline",
  INPUT_DISPLAY_METRICS: "acc, comment",
  INPUT_DISPLAY_CONFIG_VARS: "note",
  INPUT_THRESHOLDS: "acc>=0.9",
  INPUT_DEBUG: "true",
};

/** Checks a CSV holds exactly the hostile runs, each value as W&B gave it. */
function assertHostileCsv(text: string): void {
  const rows: string[][] = parseCsv(text);
  // A reader that also ends records at a lone CR must see the same table.
  assert.deepEqual(parseCsv(text, { record_delimiter: ["\n", "\r"] }), rows);
  assert.equal(rows.length, 4, "header, two finished candidates, a baseline");
  for (const row of rows) assert.equal(row.length, 12);
  assert.deepEqual(rows.map((row) => row[3]), [
    "run.id",
    "evil0001",
    "evil0002",
    "base0001",
  ]);
  assert.deepEqual(rows.slice(1).map((row) => row[1]), [
    NAME_COMMANDS,
    NAME_OUTPUTS,
    NAME_MARKUP,
  ]);
  assert.deepEqual(rows[1].slice(2, 11), [
    TAGS_CELL,
    "evil0001",
    "octo",
    "evil",
    SHA,
    DESCRIPTION,
    "0.5",
    COMMENT_METRIC,
    NOTE,
  ]);
  assert.deepEqual(rows[2].slice(9, 12), [
    "%0A%25\r\n",
    '=HYPERLINK("http://x")',
    "candidate",
  ]);
  assert.deepEqual(rows[3].slice(7, 12), [
    "a\rb",
    "0.95",
    "| x |\n| y |",
    "<script>alert(1)</script>",
    "baseline",
  ]);
}

/** Checks a Markdown report shows the hostile runs as text: no HTML, no links out, no extra rows or cells. */
function assertInertMarkdown(markdown: string): void {
  // The report's own folds are the only HTML: whole lines, summaries of plain text.
  const folds = markdown.split("\n").filter((line) => line.startsWith("<"));
  for (const fold of folds) {
    assert.match(fold, /^(<details><summary>[^<>]*<\/summary>|<\/details>)$/);
  }
  const unfolded = markdown.split("\n").filter((line) => !folds.includes(line))
    .join("\n");
  assert.doesNotMatch(unfolded, /<[A-Za-z!/?]/, "no raw HTML tag");
  assert.ok(!markdown.includes("](javascript:"), "no javascript: link");
  const lines = markdown.split("\n");
  assert.deepEqual(
    lines.filter((line) => line.startsWith("#")),
    ["### W&B runs in [octo/evil](https://wandb.example/octo/evil) for commit `c0ffee00c0ff`"],
  );
  // Every table keeps its columns: no cell text split a row or made one.
  let columns: string[] = [];
  for (const line of lines) {
    if (!line.startsWith("|")) {
      columns = [];
      continue;
    }
    if (columns.length === 0) columns = tableCells(line);
    assert.equal(tableCells(line).length, columns.length, line);
  }
  const start = lines.findIndex((line) => line.startsWith("| Run |"));
  const end = lines.findIndex((line, index) =>
    index > start && !line.startsWith("|")
  );
  const table = lines.slice(start, end);
  assert.equal(
    table.length,
    6,
    "header, separator, three candidates, a baseline",
  );
  const header = tableCells(table[0]);
  assert.deepEqual(header, [
    "Run",
    "State",
    "Category",
    "acc ↑",
    "comment ↑",
    "\\_note",
  ]);
  for (const row of table) assert.equal(tableCells(row).length, header.length);
  const rows = table.slice(2).map(tableCells);
  assert.deepEqual(
    rows.map((cells) => cells[0].match(/\/runs\/(\w+)\)$/)?.[1]),
    ["evil0001", "evil0002", "evil0003", "base0001"],
    "each row links to its own run",
  );
  assert.deepEqual(rows.map((cells) => cells[2]), [
    "candidate",
    "candidate",
    "candidate",
    "baseline",
  ]);
  assert.ok(
    rows[3][0].startsWith(
      "[&lt;img src=x onerror=alert\\(1\\)&gt;&lt;/table&gt;\\| a \\| b \\| \\| --- \\| --- \\| \\`code\\` \\[link\\]\\(javascript:alert\\(1\\)\\) &quot;quoted, with comma&quot; \\\\](",
    ),
    rows[3][0],
  );
  const fences = lines.filter((line) => line.startsWith("```"));
  assert.ok(fences.length > 0 && fences.length % 2 === 0);
  for (const [index, fence] of fences.entries()) {
    assert.equal(fence, index % 2 === 0 ? "```mermaid" : "```");
  }
}

/** The fake W&B serving the hostile project, a fake GitHub for pull request 7, and a folder the CLI may write in. */
interface HostileFixture {
  fake: FakeWandb;
  github: FakeGithub;
  dir: string;
  /** The hostile inputs, pointed at the fake and the folder. */
  common: Record<string, string>;
  /** Runs cli.ts with `env`, granted the folder only. */
  run(env: Record<string, string>): Promise<CommandResult>;
}

/** Runs `body` against a fresh {@linkcode HostileFixture}, closing it afterwards. */
async function withHostileRuns(
  body: (fixture: HostileFixture) => Promise<void>,
): Promise<void> {
  const fake = startFakeWandb({ projects: [hostileProject()], apiKeys: [KEY] });
  const github = startFakeGithub({
    token: TOKEN,
    repository: "octo/model",
    pullNumber: 7,
  });
  const folder = await tempFolder();
  const dir = folder.path;
  try {
    await body({
      fake,
      github,
      dir,
      common: {
        ...HOSTILE_INPUTS,
        INPUT_WANDB_BASE_URL: fake.url,
        INPUT_OUTPUT_PATH: `${dir}/wandb_report.csv`,
        INPUT_REPORT_MARKDOWN: `${dir}/wandb_report.md`,
      },
      run: (env) => runCli(env, { folder: dir }),
    });
  } finally {
    await fake.close();
    await github.close();
    await folder.remove();
  }
}

/** Runs the CLI as a pull request's job does: every report, the outputs file, the job summary and the PR comment. */
async function runInsideActions(
  { dir, common, github, run }: HostileFixture,
): Promise<{ result: CommandResult; files: Record<string, string> }> {
  const eventPath = `${dir}/event.json`;
  await Deno.writeTextFile(
    eventPath,
    JSON.stringify({ pull_request: { number: 7 } }),
  );
  await Deno.writeTextFile(`${dir}/github_output`, "");
  await Deno.writeTextFile(`${dir}/step_summary.md`, "");
  const result = await run({
    ...common,
    INPUT_REPORT_JSON: `${dir}/wandb_report.json`,
    INPUT_COMMENT: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: `${dir}/github_output`,
    GITHUB_STEP_SUMMARY: `${dir}/step_summary.md`,
    GITHUB_TOKEN: TOKEN,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: "octo/model",
  });
  return { result, files: await readTree(dir) };
}

Deno.test("inside GitHub Actions, hostile run data adds no output, issues no command, and reaches the CSV, the reports and the PR comment as text", async (t) => {
  await withHostileRuns(async (fixture) => {
    const { dir, fake, github } = fixture;
    const { result, files } = await runInsideActions(fixture);
    assert.equal(result.code, 0, result.stderr);
    await t.step(
      "the log issues only the mask and the gate annotations",
      () => {
        assert.deepEqual(commandLines(result.stdout), [`::add-mask::${KEY}`]);
        assert.deepEqual(commandLines(result.stderr), GATE_ANNOTATIONS);
        assert.match(result.stderr, /^\[debug\] /m, "debug lines were printed");
      },
    );
    await t.step("the outputs file holds exactly the expected outputs", () => {
      assert.deepEqual(
        readOutputsFile(files[`${dir}/github_output`]),
        EXPECTED_OUTPUTS,
      );
    });
    await t.step("the CSV holds each value as W&B gave it", () => {
      assertHostileCsv(files[`${dir}/wandb_report.csv`]);
    });
    await t.step(
      "the Markdown report, the job summary and the PR comment show it as text",
      () => {
        const markdown = files[`${dir}/wandb_report.md`];
        // Links go to the app URL derived from the base URL: here the fake's own.
        assertInertMarkdown(
          markdown.replaceAll(fake.url, "https://wandb.example"),
        );
        assert.equal(files[`${dir}/step_summary.md`], markdown);
        assert.equal(github.comments.length, 1);
        assert.equal(
          github.comments[0].body,
          `<!-- wandb-runs-report:default -->\n${markdown}`,
        );
      },
    );
    await t.step("the JSON report holds each value as W&B gave it", () => {
      assertHostileJson(files[`${dir}/wandb_report.json`]);
    });
  });
});

/** Checks a JSON report holds the hostile runs' names, states, tags, values and gate failures as W&B gave them. */
function assertHostileJson(text: string): void {
  const json = JSON.parse(text);
  assert.deepEqual(
    json.runs.map((run: Record<string, unknown>) => [
      run.displayName,
      run.state,
      run.tags,
    ]),
    [
      [NAME_COMMANDS, "finished", TAGS],
      [NAME_OUTPUTS, "finished", []],
      ["still-going", STATE_COMMANDS, []],
      [NAME_MARKUP, "finished", ["baseline"]],
    ],
  );
  assert.deepEqual(json.selection, { githubSha: SHA });
  assert.equal(json.runs[0].config.note, NOTE);
  assert.equal(json.runs[0].metrics.comment, COMMENT_METRIC);
  assert.deepEqual(
    json.gate.failures.map((failure: { message: string }) => failure.message),
    GATE_FAILURE_MESSAGES,
  );
}

Deno.test("outside Actions, hostile run data prints one NAME=value line per output and issues no command", () =>
  withHostileRuns(async ({ common, dir, run }) => {
    const result = await run(common);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(runnerLines(result.stdout), [
      ...Object.entries(EXPECTED_OUTPUTS).slice(0, -1).map((
        [name, value],
      ) => `${name}=${value}`),
      "GATE_FAILURES=evil-1 ::set-output name=NUM_FINISHED::999 ::add-mask::evil ::stop-commands::pwned %0A # #[set-output name=BOOL_PASSED;]True (evil0001): acc = 0.5, needs acc >= 0.9" +
      `\\n${DELIMITER_GUESS} NUM_FINISHED=999 BOOL_PASSED<<EOF True EOF (evil0002): acc = 0.25, needs acc >= 0.9`,
    ]);
    assert.deepEqual(commandLines(result.stdout + result.stderr), []);
    assert.ok(
      runnerLines(result.stderr).includes(
        "Error: Gate: evil-1 ::set-output name=NUM_FINISHED::999 ::add-mask::evil ::stop-commands::pwned %0A # #[set-output name=BOOL_PASSED;]True (evil0001): acc = 0.5, needs acc >= 0.9",
      ),
      result.stderr,
    );
    assertHostileCsv(await Deno.readTextFile(`${dir}/wandb_report.csv`));
  }));

Deno.test("inside Actions without $GITHUB_OUTPUT, the outputs printed from hostile run data issue no command", () =>
  withHostileRuns(async ({ common, run }) => {
    const result = await run({ ...common, GITHUB_ACTIONS: "true" });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(commandLines(result.stdout), [`::add-mask::${KEY}`]);
    assert.equal(runnerLines(result.stdout).length, 1 + 14);
    assert.deepEqual(commandLines(result.stderr), GATE_ANNOTATIONS);
  }));

Deno.test("waiting for runs, the progress line shows a hostile state as text", () =>
  withHostileRuns(async ({ common, run }) => {
    const result = await run({
      ...common,
      INPUT_WAIT_TIMEOUT: "1m",
      INPUT_POLL_INTERVAL: "1s",
      GITHUB_ACTIONS: "true",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(commandLines(result.stderr), [
      "::group::Waiting for the candidate runs to finish",
      "::endgroup::",
      ...GATE_ANNOTATIONS,
    ]);
    assert.match(
      result.stderr,
      /^poll 1 after \d+s: 2 finished, 1 running ::set-output name=num_running::0 # #\[set-output name=bool_complete;\]true <b>x<\/b>$/m,
    );
  }));

// --- server error messages -------------------------------------------------

const SERVER_PAYLOAD =
  "boom\n::set-output name=NUM_FINISHED::999\r\n::add-mask::boom\r::stop-commands::pwned %0A ##[set-output name=BOOL_PASSED;]True ##vso[task.setvariable variable=x]1 <img src=x onerror=alert(1)>";
/** The payload as one escaped annotation line shows it. */
const SERVER_PAYLOAD_SHOWN =
  "boom ::set-output name=NUM_FINISHED::999 ::add-mask::boom ::stop-commands::pwned %250A # #[set-output name=BOOL_PASSED;]True # #vso[task.setvariable variable=x]1 <img src=x onerror=alert(1)>";

/** W&B answering HTTP `status` with the payload as its JSON error message. */
function jsonError(status: number): FakeFault {
  return {
    kind: "status",
    status,
    body: JSON.stringify({ errors: [{ message: SERVER_PAYLOAD }] }),
  };
}

/** Each way a server's message reaches the log: what W&B does, the faults queued, and the one error line shown. */
const SERVER_ERROR_CASES: [string, FakeFault[], string][] = [
  [
    "a GraphQL error with HTTP 200",
    [{ kind: "graphqlErrors", errors: [{ message: SERVER_PAYLOAD }] }],
    `::error::W&B answered with an error: ${SERVER_PAYLOAD_SHOWN}`,
  ],
  [
    "HTTP 400 with a JSON error",
    [jsonError(400)],
    `::error::W&B answered HTTP 400: ${SERVER_PAYLOAD_SHOWN}`,
  ],
  [
    "HTTP 401",
    [jsonError(401)],
    `::error::WANDB_API_KEY: W&B refused the API key (HTTP 401: ${SERVER_PAYLOAD_SHOWN}); check that the key is valid and can read the project`,
  ],
  [
    "HTTP 502 with an HTML page, five times over",
    Array.from({ length: 5 }, () => ({
      kind: "status" as const,
      status: 502,
      body: `<html>${SERVER_PAYLOAD}</html>`,
      contentType: "text/html",
      retryAfter: "0",
    })),
    // Quoted and cut at 120 characters, then escaped.
    '::error::W&B answered HTTP 502: "<html>boom ::set-output name=NUM_FINISHED::999 ::add-mask::boom ::stop-commands::pwned %250A # #[set-output name=BOOL_PASSE…" (gave up after 5 attempts in N s)',
  ],
];

Deno.test("a server's error message is one escaped error line that issues no command", async (t) => {
  const fake = startFakeWandb({ projects: [hostileProject()], apiKeys: [KEY] });
  const folder = await tempFolder();
  const dir = folder.path;
  const inputs = {
    ...HOSTILE_INPUTS,
    INPUT_WANDB_BASE_URL: fake.url,
    INPUT_OUTPUT_PATH: `${dir}/wandb_report.csv`,
    INPUT_REPORT_MARKDOWN: `${dir}/wandb_report.md`,
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: `${dir}/github_output`,
  };
  try {
    for (const [name, faults, errorLine] of SERVER_ERROR_CASES) {
      await t.step(name, async () => {
        await Deno.writeTextFile(`${dir}/github_output`, "");
        fake.failNext(...faults);
        const result = await runCli(inputs, { folder: dir });
        assert.equal(result.code, 1, result.stderr);
        assert.deepEqual(commandLines(result.stdout), [`::add-mask::${KEY}`]);
        // The time taken varies: whole seconds, or tenths under 10 s.
        const elapsed = (line: string) =>
          line.replace(/ in [\d.]+ s\)$/, " in N s)");
        assert.deepEqual(commandLines(result.stderr).map(elapsed), [errorLine]);
        assert.equal(elapsed(runnerLines(result.stderr).at(-1)!), errorLine);
        // Each retry was logged, debug or not, as plain text.
        assert.equal(
          runnerLines(result.stderr).filter((line) =>
            line.startsWith("W&B request attempt ")
          ).length,
          faults.length - 1,
        );
        assert.deepEqual(await readTree(dir), {
          [`${dir}/github_output`]: "",
        });
      });
    }
    await t.step("outside Actions: one plain Error: line", async () => {
      fake.failNext(SERVER_ERROR_CASES[0][1][0]);
      const { GITHUB_ACTIONS: _, GITHUB_OUTPUT: __, ...plain } = inputs;
      const result = await runCli(plain, { folder: dir });
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, "");
      assert.deepEqual(commandLines(result.stderr), []);
      assert.equal(
        runnerLines(result.stderr).at(-1),
        `Error: W&B answered with an error: ${
          SERVER_PAYLOAD_SHOWN.replace("%250A", "%0A")
        }`,
      );
    });
  } finally {
    await fake.close();
    await folder.remove();
  }
});

// --- the API key and the token ---------------------------------------------

/** Every form of a secret that must never be produced: the key, its Basic credentials (the core covers the padded form), the token. */
const SECRETS: Record<string, string> = {
  "the W&B API key": KEY,
  "the key's Basic credentials": BASIC.replace(/=+$/, ""),
  "the GitHub token": TOKEN,
};

function assertNoSecret(where: string, text: string): void {
  for (const [what, secret] of Object.entries(SECRETS)) {
    assert.ok(!text.includes(secret), `${what} leaked into ${where}`);
  }
}

/** The echo reached the error message, with the credentials redacted. */
const ECHOED = /headers \{.*"authorization":"Basic \*\*\*".*\}, body \{/;

/** A fake W&B and GitHub that may say anything, and a run of the CLI whose every byte is checked for a secret. */
interface SecretsFixture {
  project: FakeProject;
  fake: FakeWandb;
  github: FakeGithub;
  /** Called with the index of each W&B request; unset by default. */
  onRequest?: (index: number) => void;
  /** Every input and runner variable, for a run in `dir`: debug, every file, the PR comment. */
  everything(dir: string): Record<string, string>;
  /** Runs the CLI in a fresh folder and checks every byte it produced: streams, files, comments. */
  runAndCheck(
    env: (dir: string) => Record<string, string>,
    expectedCode: number,
  ): Promise<CommandResult>;
}

/** Runs `body` against a fresh {@linkcode SecretsFixture}, closing it afterwards. */
async function withSecretsChecked(
  body: (fixture: SecretsFixture) => Promise<void>,
): Promise<void> {
  const project = hostileProject();
  const fake = startFakeWandb({
    projects: [project],
    apiKeys: [KEY],
    onRequest: (index) => fixture.onRequest?.(index),
  });
  const github = startFakeGithub({
    token: TOKEN,
    repository: "octo/model",
    pullNumber: 7,
  });
  const parent = await tempFolder();
  const fixture: SecretsFixture = {
    project,
    fake,
    github,
    everything: (dir) => ({
      ...HOSTILE_INPUTS,
      INPUT_WANDB_BASE_URL: fake.url,
      INPUT_OUTPUT_PATH: `${dir}/wandb_report.csv`,
      INPUT_REPORT_MARKDOWN: `${dir}/wandb_report.md`,
      INPUT_REPORT_JSON: `${dir}/wandb_report.json`,
      INPUT_COMMENT: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: `${dir}/github_output`,
      GITHUB_STEP_SUMMARY: `${dir}/step_summary.md`,
      GITHUB_TOKEN: TOKEN,
      GITHUB_EVENT_PATH: `${dir}/event.json`,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: "octo/model",
    }),
    runAndCheck: (env, expectedCode) =>
      runAndCheckSecrets(parent.path, github, env, expectedCode),
  };
  try {
    await body(fixture);
  } finally {
    await fake.close();
    await github.close();
    await parent.remove();
  }
}

/** Runs the CLI in a fresh folder under `parent` and checks every byte it produced: streams, files, comments. */
async function runAndCheckSecrets(
  parent: string,
  github: FakeGithub,
  env: (dir: string) => Record<string, string>,
  expectedCode: number,
): Promise<CommandResult> {
  const dir = await Deno.makeTempDir({ dir: parent });
  await Deno.writeTextFile(`${dir}/github_output`, "");
  await Deno.writeTextFile(`${dir}/step_summary.md`, "");
  await Deno.writeTextFile(
    `${dir}/event.json`,
    JSON.stringify({ pull_request: { number: 7 } }),
  );
  const result = await runCli(env(dir), { folder: dir });
  assert.equal(result.code, expectedCode, result.stderr);
  // The one line that must name the key: the mask that hides it in the log.
  const stdout = runnerLines(result.stdout).filter((line) =>
    line !== `::add-mask::${KEY}`
  );
  assertNoSecret("stdout", stdout.join("\n"));
  assertNoSecret("stderr", result.stderr);
  for (const [path, text] of Object.entries(await readTree(dir))) {
    assertNoSecret(path, text);
  }
  for (const comment of github.comments) {
    assertNoSecret(`comment ${comment.id}`, comment.body);
  }
  return result;
}

Deno.test("the API key and the token appear in no byte of a run that succeeds, inside Actions or outside", async (t) => {
  await withSecretsChecked(async ({ everything, runAndCheck, github }) => {
    await t.step("success: debug, every file, the PR comment", async () => {
      await runAndCheck(everything, 0);
      assert.equal(github.comments.length, 1);
    });
    await t.step("outside Actions: outputs printed", async () => {
      await runAndCheck((dir) => {
        const { GITHUB_ACTIONS: _, GITHUB_OUTPUT: __, ...env } = everything(
          dir,
        );
        return env;
      }, 0);
    });
  });
});

Deno.test("the API key appears in no byte when W&B echoes the request back, headers and body", async (t) => {
  await withSecretsChecked(async ({ fake, everything, runAndCheck }) => {
    await t.step(
      "W&B echoes the request (headers and body) in its error",
      async () => {
        fake.failNext({ kind: "echoRequest" });
        const result = await runAndCheck(everything, 1);
        assert.match(result.stderr, ECHOED);
      },
    );
    await t.step("W&B echoes the request in a 503, then answers", async () => {
      fake.failNext({ kind: "echoRequest", status: 503, retryAfter: "0" });
      const result = await runAndCheck(everything, 0);
      assert.match(
        runnerLines(result.stderr).find((line) =>
          line.startsWith(
            "W&B request attempt 1 of 5 failed: W&B answered HTTP 503: ",
          )
        ) ?? "",
        ECHOED,
      );
    });
    await t.step("a key given with white space around it, echoed", async () => {
      fake.failNext({ kind: "echoRequest" });
      const result = await runAndCheck((dir) => ({
        ...everything(dir),
        INPUT_WANDB_API_KEY: ` ${KEY}\n`,
      }), 1);
      assert.match(result.stderr, ECHOED);
    });
  });
});

Deno.test("the API key appears in no byte when waiting for a running candidate meets an echo on the way", async () => {
  await withSecretsChecked(async (fixture) => {
    const { project, fake, everything, runAndCheck } = fixture;
    const running = project.runs[2];
    const state = running.state;
    running.state = "running";
    const first = fake.requests.length;
    fixture.onRequest = (index) => {
      if (index === first + 1) running.state = "finished";
    };
    // The first poll is answered as usual (a zero delay); the second is echoed once, then answered.
    fake.failNext(
      { kind: "delay", ms: 0 },
      { kind: "echoRequest", status: 503, retryAfter: "0" },
    );
    try {
      const result = await runAndCheck((dir) => ({
        ...everything(dir),
        INPUT_WAIT_TIMEOUT: "1m",
        INPUT_POLL_INTERVAL: "1s",
      }), 0);
      assert.match(result.stderr, /^poll 2 after [\d.]+s: 3 finished$/m);
      assert.match(result.stderr, ECHOED);
    } finally {
      running.state = state;
      fixture.onRequest = undefined;
    }
  });
});

Deno.test("the API key and the token appear in no byte when a server's error message repeats them", async (t) => {
  await withSecretsChecked(
    async ({ fake, github, everything, runAndCheck }) => {
      await t.step(
        "HTTP 401 whose message repeats the key, plain and as Basic",
        async () => {
          fake.failNext({
            kind: "status",
            status: 401,
            body: JSON.stringify({
              errors: [{ message: `invalid key ${KEY} (Basic ${BASIC})` }],
            }),
          });
          const result = await runAndCheck(everything, 1);
          assert.match(result.stderr, /invalid key \*\*\* \(Basic \*\*\*\)/);
        },
      );
      await t.step(
        "a GraphQL error that repeats the key, in a page that is not JSON",
        async () => {
          fake.failNext({
            kind: "graphqlErrors",
            errors: [{ message: `no access for key=${KEY}` }],
          });
          await runAndCheck(everything, 1);
          fake.failNext(
            ...Array.from({ length: 5 }, () => ({
              kind: "status" as const,
              status: 502,
              body: `<pre>Authorization: Basic ${BASIC}\nkey ${KEY}</pre>`,
              contentType: "text/html",
              retryAfter: "0",
            })),
          );
          const result = await runAndCheck(everything, 1);
          assert.match(result.stderr, /Basic \*\*\*/);
        },
      );
      await t.step("GitHub refuses the token and repeats it", async () => {
        github.failNext({
          status: 401,
          body: JSON.stringify({ message: `Bad credentials: ${TOKEN}` }),
        });
        const result = await runAndCheck(everything, 1);
        assert.match(result.stderr, /Bad credentials: \*\*\*/);
      });
    },
  );
});

Deno.test("the API key and the token appear in no byte when an input is refused", async () => {
  await withSecretsChecked(async ({ everything, runAndCheck }) => {
    await runAndCheck(
      (dir) => ({ ...everything(dir), INPUT_PAGE_SIZE: "0" }),
      2,
    );
  });
});

// --- list inputs that attack the original's eval() -------------------------

/** What the original's `eval()` would have run; a shell that evaluates inputs would run some of them too. */
const EVAL_ATTACKS = [
  "__import__('os').system('touch MARKER')",
  "[`touch MARKER`]",
  "$(touch MARKER)",
  "['a'] + [__import__('os').system('touch MARKER')]",
  "['a', __import__('os').system('touch MARKER')]",
  "`touch MARKER`",
  "acc; touch MARKER",
  "acc\n$(touch MARKER)",
];

/** Every input that takes a list (or a list of entries). */
const LIST_INPUTS = [
  "BASELINE_TAGS",
  "DISPLAY_METRICS",
  "DISPLAY_CONFIG_VARS",
  "FAIL_ON_REGRESSION",
  "METRIC_GOALS",
  "THRESHOLDS",
];

Deno.test("eval() attack strings in every list input are refused as malformed through the action's run: step", async (t) => {
  const fake = startFakeWandb({ projects: [hostileProject()], apiKeys: [KEY] });
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  try {
    for (const input of LIST_INPUTS) {
      for (const attack of EVAL_ATTACKS) {
        await t.step(`${input}: ${JSON.stringify(attack)}`, async () => {
          const result = await runActionStep({
            WANDB_API_KEY: KEY,
            PROJECT_NAME: "octo/evil",
            FILTER_GITHUB_SHA: SHA,
            DISPLAY_METRICS: "acc",
            WANDB_BASE_URL: fake.url,
            [input]: attack,
          }, workspace);
          assert.equal(result.code, 2, result.stderr);
          const errors = runnerLines(result.stderr);
          assert.equal(errors.length, 1, result.stderr);
          assert.ok(
            errors[0].startsWith(`::error::${input}: expected `),
            errors[0],
          );
          assert.deepEqual(
            [...new Set(commandLines(result.stdout))],
            [`::add-mask::${KEY}`],
          );
          assert.deepEqual(await readTree(workspace), {
            [`${workspace}/github_output`]: "",
          });
          await assert.rejects(Deno.stat(`${workspace}/MARKER`));
        });
      }
    }
    assert.equal(fake.requests.length, 0, "nothing was asked of W&B");
  } finally {
    await fake.close();
    await parent.remove();
  }
});

// --- WANDB_BASE_URL --------------------------------------------------------

Deno.test("a WANDB_BASE_URL that could leak the key is refused with a clear line; loopback http is accepted", async (t) => {
  const fake = startFakeWandb({ projects: [hostileProject()], apiKeys: [KEY] });
  const port = new URL(fake.url).port;
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  const inputs = {
    WANDB_API_KEY: KEY,
    PROJECT_NAME: "octo/evil",
    FILTER_GITHUB_SHA: SHA,
  };
  const scheme = (name: string) =>
    `::error::WANDB_BASE_URL: expected an http(s) URL such as https://api.wandb.ai, got the scheme "${name}"`;
  const credentials =
    "::error::WANDB_BASE_URL: must not contain credentials; pass the key as WANDB_API_KEY";
  const refused: [string, string][] = [
    [`ftp://127.0.0.1:${port}/`, scheme("ftp:")],
    ["file:///etc/passwd", scheme("file:")],
    ["javascript:alert(document.cookie)", scheme("javascript:")],
    [`https://user:hunter2@127.0.0.1:${port}`, credentials],
    [`http://user:hunter2@127.0.0.1:${port}`, credentials],
    ["https://api.wandb.ai@evil.example", credentials],
    [
      "http://api.example.com",
      '::error::WANDB_BASE_URL: plain http would send the API key unencrypted to "api.example.com"; use https',
    ],
    [
      "http://127.0.0.1.evil.example",
      '::error::WANDB_BASE_URL: plain http would send the API key unencrypted to "127.0.0.1.evil.example"; use https',
    ],
    [
      "http://user:hunter2@[::1",
      '::error::WANDB_BASE_URL: expected an http(s) URL such as https://api.wandb.ai, got "http://***@[::1"',
    ],
  ];
  try {
    for (const [url, errorLine] of refused) {
      for (const via of ["input", "environment variable"]) {
        await t.step(`${url} as the ${via}`, async () => {
          const result = await runActionStep(
            via === "input" ? { ...inputs, WANDB_BASE_URL: url } : inputs,
            workspace,
            via === "input" ? {} : { WANDB_BASE_URL: url },
          );
          assert.equal(result.code, 2, result.stderr);
          assert.deepEqual(runnerLines(result.stderr), [errorLine]);
          assert.ok(
            !`${result.stdout}${result.stderr}`.includes("hunter2"),
            "the URL's password is not shown",
          );
          assert.deepEqual(await readTree(workspace), {
            [`${workspace}/github_output`]: "",
          });
        });
      }
    }
    assert.equal(fake.requests.length, 0, "nothing was sent anywhere");
    for (const host of ["127.0.0.1", "localhost"]) {
      await t.step(`http://${host}:<port> is accepted`, async () => {
        const before = fake.requests.length;
        const result = await runActionStep(
          { ...inputs, WANDB_BASE_URL: `http://${host}:${port}` },
          workspace,
        );
        assert.equal(result.code, 0, result.stderr);
        assert.equal(fake.requests.length, before + 1);
        assert.equal(
          readOutputsFile(
            await Deno.readTextFile(`${workspace}/github_output`),
          ).NUM_FINISHED,
          "2",
        );
        await Deno.remove(`${workspace}/wandb_report.csv`);
      });
    }
  } finally {
    await fake.close();
    await parent.remove();
  }
});

// --- the mask ----------------------------------------------------------------

Deno.test("the API key's mask is one escaped ::add-mask:: per part, and nothing else", async (t) => {
  const percentKey = "demo-%0A%25" + "5f0c7a9e2b4d6f81a3c5e7092b4d6f8a1c3e5f70";
  const fake = startFakeWandb({
    projects: [hostileProject()],
    apiKeys: [percentKey],
  });
  const folder = await tempFolder();
  const dir = folder.path;
  const env = (apiKey: string) => ({
    ...HOSTILE_INPUTS,
    INPUT_WANDB_API_KEY: apiKey,
    INPUT_WANDB_BASE_URL: fake.url,
    INPUT_OUTPUT_PATH: `${dir}/wandb_report.csv`,
    INPUT_REPORT_MARKDOWN: `${dir}/wandb_report.md`,
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: `${dir}/github_output`,
  });
  try {
    await t.step(
      "a key holding %0A is masked as itself, not as a line break",
      async () => {
        const result = await runCli(env(percentKey), { folder: dir });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(commandLines(result.stdout), [
          "::add-mask::demo-%250A%2525" +
          "5f0c7a9e2b4d6f81a3c5e7092b4d6f8a1c3e5f70",
        ]);
      },
    );
    await t.step(
      "a key with a line break cannot issue a command through its mask",
      async () => {
        const result = await runCli(
          env(
            `${KEY}\n::set-output name=NUM_FINISHED::999\r::stop-commands::x`,
          ),
          { folder: dir },
        );
        assert.equal(result.code, 2, result.stderr);
        assert.deepEqual(commandLines(result.stdout), [
          `::add-mask::${KEY}`,
          "::add-mask::::set-output",
          "::add-mask::name=NUM_FINISHED::999",
          "::add-mask::::stop-commands::x",
        ]);
        assert.deepEqual(runnerLines(result.stderr), [
          "::error::WANDB_API_KEY: expected no white space in the key",
        ]);
      },
    );
  } finally {
    await fake.close();
    await folder.remove();
  }
});
