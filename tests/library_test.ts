/** The library as JSR publishes it: a small surface in mod.ts, building blocks in subpaths, each documented. */
import assert from "node:assert/strict";
import * as library from "@ml-review/wandb-runs";
import * as wandb from "@ml-review/wandb-runs/wandb";
import * as review from "@ml-review/wandb-runs/review";
import * as report from "@ml-review/wandb-runs/report";
import * as github from "@ml-review/wandb-runs/github";
import denoConfig from "../deno.json" with { type: "json" };
import { ROOT } from "./_action_step.ts";
import { runCommand } from "./_helpers.ts";

const NAME = "@ml-review/wandb-runs";

/** Each entry point: its subpath, its file, and every name it exports (values and types). */
const ENTRY_POINTS: {
  subpath: string;
  file: string;
  module: object;
  exports: string[];
}[] = [
  {
    subpath: ".",
    file: "mod.ts",
    module: library,
    exports: [
      "BaselineAggregate",
      "BaselineValue",
      "csvReport",
      "Direction",
      "GateFailure",
      "GateKind",
      "GateResult",
      "GithubCommentError",
      "jsonReport",
      "markdownReport",
      "MarkdownReportOptions",
      "MetricComparison",
      "MetricGoal",
      "reviewRuns",
      "ReviewRunsOptions",
      "RunCounts",
      "RunReview",
      "Threshold",
      "Tolerance",
      "WandbError",
      "WandbFailureKind",
      "WandbRun",
      "ArtifactVersion",
      "ExpectedData",
      "GroupStats",
      "HistoryPoint",
      "NoiseTest",
      "ProductionBaseline",
      "RunEvidence",
      "WelchResult",
    ],
  },
  {
    subpath: "./wandb",
    file: "lib/wandb/mod.ts",
    module: wandb,
    exports: [
      "appUrlFor",
      "buildQueryPlan",
      "DEFAULT_PAGE_SIZE",
      "FetchedRuns",
      "fetchRuns",
      "FetchRunsOptions",
      "GraphqlRequest",
      "postGraphql",
      "QueryPlan",
      "QuerySelection",
      "RunFilter",
      "RunLocation",
      "runUrl",
      "waitForRuns",
      "WaitOptions",
      "WaitResult",
      "WandbConnection",
      "WandbError",
      "WandbFailureKind",
      "WandbRun",
    ],
  },
  {
    subpath: "./review",
    file: "lib/review/mod.ts",
    module: review,
    exports: [
      "BaselineAggregate",
      "BaselineValue",
      "baselineValue",
      "CategorisedRuns",
      "categoriseRuns",
      "compareWithBaselines",
      "countRuns",
      "Direction",
      "evaluateGates",
      "GateFailure",
      "GateKind",
      "GateOptions",
      "GateResult",
      "inferDirection",
      "JudgedCandidate",
      "judgedCandidates",
      "MetricComparison",
      "MetricGoal",
      "metricGoals",
      "RunCategory",
      "RunCounts",
      "Threshold",
      "Tolerance",
      "WandbRun",
      "ArtifactVersion",
      "convergenceProblem",
      "ExpectedData",
      "GroupStats",
      "HistoryPoint",
      "NoiseTest",
      "ProductionBaseline",
      "RunEvidence",
      "welchTest",
      "WelchResult",
    ],
  },
  {
    subpath: "./report",
    file: "lib/report/mod.ts",
    module: report,
    exports: [
      "csvColumns",
      "CsvColumnsRequest",
      "CsvContext",
      "csvRows",
      "csvText",
      "escapeMarkdown",
      "formatCell",
      "JSON_REPORT_VERSION",
    ],
  },
  {
    subpath: "./github",
    file: "lib/github/mod.ts",
    module: github,
    exports: [
      "COMMENT_LIMIT",
      "commentBodyLimit",
      "commentMarker",
      "formatGithubOutputs",
      "formatPlainOutputs",
      "GithubCommentError",
      "PrCommentOptions",
      "PrCommentResult",
      "pullRequestNumber",
      "SizeLimit",
      "SUMMARY_LIMIT",
      "upsertPrComment",
    ],
  },
];

/** What `deno doc --json` says of one symbol. */
interface DocSymbol {
  name: string;
  declarations: {
    kind: string;
    jsDoc?: { doc?: string; tags?: { kind: string; doc?: string }[] };
  }[];
}

/** What `deno doc --json` says of one entry point. */
interface EntryDoc {
  moduleDoc?: { doc?: string; tags?: { kind: string; doc?: string }[] };
  symbols: DocSymbol[];
}

/** Reads an entry point's documentation as JSR would show it. */
async function entryDoc(file: string): Promise<EntryDoc> {
  const result = await runCommand(Deno.execPath(), {
    args: ["doc", "--json", file],
    cwd: ROOT,
  });
  assert.equal(result.code, 0, result.stderr);
  const { nodes } = JSON.parse(result.stdout);
  const node = nodes[new URL(file, `file://${ROOT}/`).href];
  return { moduleDoc: node.module_doc, symbols: node.symbols };
}

function examplesOf(
  jsDoc?: { tags?: { kind: string; doc?: string }[] },
): string[] {
  return (jsDoc?.tags ?? []).filter((tag) => tag.kind === "example").map((
    tag,
  ) => tag.doc ?? "");
}

/** Whether an example imports the package by its published name, `@ml-review/wandb-runs` or a subpath of it. */
function importsPublishedName(example: string): boolean {
  return new RegExp(`from "${NAME}(/[a-z]+)?"`).test(example);
}

Deno.test("deno.json exports the main module, the CLI and one module per lib/ folder", () => {
  assert.deepEqual(denoConfig.exports, {
    ".": "./mod.ts",
    "./wandb": "./lib/wandb/mod.ts",
    "./review": "./lib/review/mod.ts",
    "./report": "./lib/report/mod.ts",
    "./github": "./lib/github/mod.ts",
    "./cli": "./cli.ts",
  });
  assert.equal(denoConfig.name, NAME);
});

Deno.test("mod.ts exports the one call, its writers and errors as values; the rest are types", () => {
  assert.deepEqual(Object.keys(library).sort(), [
    "GithubCommentError",
    "WandbError",
    "csvReport",
    "jsonReport",
    "markdownReport",
    "reviewRuns",
  ]);
  // One class each, whichever entry point it is imported from.
  assert.equal(library.WandbError, wandb.WandbError);
  assert.equal(library.GithubCommentError, github.GithubCommentError);
});

Deno.test("each entry point exports exactly its list, by explicit names", async (t) => {
  for (const entry of ENTRY_POINTS) {
    await t.step(`${NAME}${entry.subpath.slice(1)}`, async () => {
      const { symbols } = await entryDoc(entry.file);
      const names = symbols.map((symbol) => symbol.name);
      const byName = (a: string, b: string) =>
        a.toLowerCase().localeCompare(b.toLowerCase()) || a.localeCompare(b);
      assert.deepEqual(names.toSorted(byName), entry.exports.toSorted(byName));
      // The module as imported holds the values its documentation lists.
      const values = symbols.filter((symbol) =>
        ["function", "class", "variable"].includes(symbol.declarations[0].kind)
      ).map((symbol) => symbol.name);
      assert.deepEqual(Object.keys(entry.module).sort(), values.sort());
      const text = await Deno.readTextFile(`${ROOT}/${entry.file}`);
      assert.doesNotMatch(text, /export \*/);
    });
  }
});

Deno.test("no entry point exports the action's input layer or the internals the issue names", () => {
  const everything = ENTRY_POINTS.flatMap((entry) => entry.exports);
  const internal =
    /^(parse[A-Z].*|InputError|runJob|judgeForReports|compareCandidates|INPUT_NAMES|valueAt|countsAsOutputs|pythonList|csvPieces|buildRunsDocument|projectionKeys|FIXED_COLUMNS|writeFileAtomically|createLog)$/;
  assert.deepEqual(everything.filter((name) => internal.test(name)), []);
});

Deno.test("each entry point's module doc says what it holds, with an example importing its published name", async (t) => {
  for (const entry of ENTRY_POINTS) {
    await t.step(entry.file, async () => {
      const { moduleDoc } = await entryDoc(entry.file);
      assert.ok((moduleDoc?.doc ?? "").length > 100, "a module doc");
      const examples = examplesOf(moduleDoc);
      assert.ok(examples.length > 0, "an example");
      const published = `${NAME}${entry.subpath.slice(1)}`;
      assert.ok(
        examples.every((example) => example.includes(`from "${published}"`)),
        `imports ${published}`,
      );
    });
  }
});

Deno.test("every export has a summary, and an example that imports the published name", async (t) => {
  for (const entry of ENTRY_POINTS) {
    await t.step(entry.file, async () => {
      const { symbols } = await entryDoc(entry.file);
      for (const { name, declarations } of symbols) {
        const [{ jsDoc }] = declarations;
        assert.ok((jsDoc?.doc ?? "").trim().length > 0, `${name}: a summary`);
        const examples = examplesOf(jsDoc);
        assert.ok(examples.length > 0, `${name}: an example`);
        assert.ok(
          examples.every(importsPublishedName),
          `${name}: its examples import ${NAME}`,
        );
      }
    });
  }
});

Deno.test("the README's library example type-checks against the published names, and names every subpath", async () => {
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const start = readme.indexOf("\n## As a library\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  assert.match(section, /`deno add jsr:@ml-review\/wandb-runs`/);
  for (const subpath of Object.keys(denoConfig.exports)) {
    if (subpath !== ".") {
      assert.match(section, new RegExp(`\`${NAME}${subpath.slice(1)}\``));
    }
  }
  const example = section.match(/```ts\n([\s\S]*?)```/)![1];
  assert.match(example, new RegExp(`from "${NAME}"`));
  assert.match(example, /reviewRuns\(/);
  const folder = await Deno.makeTempDir({ prefix: "wandb-runs-readme-" });
  try {
    await Deno.writeTextFile(`${folder}/example.ts`, example);
    const result = await runCommand(Deno.execPath(), {
      args: [
        "check",
        `--config=${ROOT}/testing/deno.json`,
        `${folder}/example.ts`,
      ],
      cwd: ROOT,
    });
    assert.equal(result.code, 0, result.stderr);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
