import { makeRun } from "./_helpers.ts";
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import {
  columnCollision,
  csvColumns,
  csvPieces,
  csvRows,
  csvText,
  formatCell,
  pythonList,
} from "../lib/report/csv.ts";
import { columnCollisionError } from "../lib/action/input_messages.ts";
import { InputError } from "../lib/errors.ts";
import type { WandbRun } from "../lib/wandb/run.ts";

function run(overrides: Partial<WandbRun>) {
  return makeRun({
    runId: "e6lo523p",
    displayName: "dashing-leaf-4",
    createdAt: "2020-04-01T00:00:00.000Z",
    ...overrides,
  });
}

const CONTEXT = {
  appUrl: "https://wandb.ai",
  entity: "github",
  project: "predict-issue-labels",
  metrics: ["acc", "eval.f1"],
  configVars: ["learning_rate"],
};

Deno.test("the CSV has the original's columns, finished candidates then all baselines", () => {
  const text = csvText({
    candidates: [
      run({
        tags: [],
        config: { github_sha: "86edd03", learning_rate: 0.001 },
        summary: { acc: 0.8961038961038961, eval: { f1: 0.88 } },
      }),
      run({ runId: "runn1ng0", state: "running" }),
    ],
    baselines: [
      run({
        runId: "cqigzoxc",
        displayName: "dandy-river-1",
        state: "crashed",
        tags: ["baseline", "test"],
        description: 'Trained with "adam", lr=1e-3\nsecond line',
        summary: { acc: 0.925, "eval.f1": 0.5 },
      }),
    ],
  }, CONTEXT);
  assert.ok(text.endsWith("\n") && !text.includes("\r"));
  const rows: string[][] = parse(text);
  assert.deepEqual(rows, [
    [
      "run.url",
      "run.name",
      "run.tags",
      "run.id",
      "run.entity",
      "run.project",
      "github_sha",
      "run.description",
      "acc",
      "eval.f1",
      "_learning_rate",
      "__eval.category",
    ],
    [
      "https://wandb.ai/github/predict-issue-labels/runs/e6lo523p",
      "dashing-leaf-4",
      "[]",
      "e6lo523p",
      "github",
      "predict-issue-labels",
      "86edd03",
      "",
      "0.8961038961038961",
      "0.88",
      "0.001",
      "candidate",
    ],
    [
      "https://wandb.ai/github/predict-issue-labels/runs/cqigzoxc",
      "dandy-river-1",
      "['baseline', 'test']",
      "cqigzoxc",
      "github",
      "predict-issue-labels",
      "",
      'Trained with "adam", lr=1e-3\nsecond line',
      "0.925",
      "0.5",
      "",
      "baseline",
    ],
  ]);
});

Deno.test("an empty result is a header-only CSV", () => {
  assert.equal(
    csvText({ candidates: [], baselines: [] }, {
      ...CONTEXT,
      metrics: [],
      configVars: [],
    }),
    "run.url,run.name,run.tags,run.id,run.entity,run.project,github_sha,run.description,__eval.category\n",
  );
});

Deno.test("csvPieces: the same CSV in pieces of N rows, header first", () => {
  const runs = {
    candidates: ["a", "b", "c", "d", "e"].map((id) =>
      run({ runId: `run0000${id}`, summary: { acc: id } })
    ),
    baselines: [run({ runId: "base0001", description: "x\ny" })],
  };
  const pieces = [...csvPieces(runs, CONTEXT, 2)];
  // 1 header + 6 rows in pieces of 2: header+a, b+c, d+e, base.
  assert.equal(pieces.length, 4);
  assert.equal(pieces.join(""), csvText(runs, CONTEXT));
  assert.deepEqual(
    parse(pieces.join("")).map((row: string[]) => row[3]),
    [
      "run.id",
      ...["a", "b", "c", "d", "e"].map((id) => `run0000${id}`),
      "base0001",
    ],
  );
  assert.ok(pieces[0].startsWith("run.url,"));
});

Deno.test("column name collisions are range errors, and input errors naming the input in the action's words", async (t) => {
  const cases: [string[], string[], string, string][] = [
    [
      ["acc", "acc"],
      [],
      'Cannot name the CSV\'s columns: metric "acc" would make a second column "acc" (already metric "acc")',
      'DISPLAY_METRICS: "acc" would make a second column "acc" (already DISPLAY_METRICS "acc"); remove or rename one',
    ],
    [
      ["run.url"],
      [],
      'Cannot name the CSV\'s columns: metric "run.url" would make a second column "run.url" (already a fixed column)',
      'DISPLAY_METRICS: "run.url" would make a second column "run.url" (already a fixed column); remove or rename one',
    ],
    [
      ["_lr"],
      ["lr"],
      'Cannot name the CSV\'s columns: config var "lr" would make a second column "_lr" (already metric "_lr")',
      'DISPLAY_CONFIG_VARS: "lr" would make a second column "_lr" (already DISPLAY_METRICS "_lr"); remove or rename one',
    ],
    [
      [],
      ["lr", "lr"],
      'Cannot name the CSV\'s columns: config var "lr" would make a second column "_lr" (already config var "lr")',
      'DISPLAY_CONFIG_VARS: "lr" would make a second column "_lr" (already DISPLAY_CONFIG_VARS "lr"); remove or rename one',
    ],
    [
      ["__eval.category"],
      [],
      'Cannot name the CSV\'s columns: metric "__eval.category" would make a second column "__eval.category" (already a fixed column)',
      'DISPLAY_METRICS: "__eval.category" would make a second column "__eval.category" (already a fixed column); remove or rename one',
    ],
  ];
  for (const [metrics, configVars, domainMessage, inputMessage] of cases) {
    await t.step(`${metrics} / ${configVars}`, () => {
      assert.throws(
        () => csvColumns({ metrics, configVars }),
        (error: unknown) =>
          error instanceof RangeError && error.message === domainMessage,
      );
      const collision = columnCollision({ metrics, configVars });
      assert.ok(collision !== undefined);
      const error = columnCollisionError(collision);
      assert.ok(error instanceof InputError);
      assert.equal(error.message, inputMessage);
    });
  }
  await t.step(
    "github_sha as a metric does not collide with _github_sha",
    () => {
      assert.deepEqual(
        csvColumns({ metrics: ["sha"], configVars: ["github_sha"] }).slice(8),
        ["sha", "_github_sha", "__eval.category"],
      );
    },
  );
});

Deno.test("cells: full precision numbers, Python booleans, JSON objects, empty for missing", () => {
  assert.equal(formatCell(0.1 + 0.2), "0.30000000000000004");
  assert.equal(formatCell(1234567890123), "1234567890123");
  assert.equal(formatCell(true), "True");
  assert.equal(formatCell(false), "False");
  assert.equal(formatCell(null), "");
  assert.equal(formatCell(undefined), "");
  assert.equal(formatCell("NaN"), "NaN");
  assert.equal(formatCell({ f1: 0.5 }), '{"f1":0.5}');
  assert.equal(formatCell([1, 2]), "[1,2]");
});

Deno.test("tags are written as Python's list repr", () => {
  assert.equal(pythonList([]), "[]");
  assert.equal(pythonList(["baseline", "test"]), "['baseline', 'test']");
  assert.equal(pythonList(["it's"]), `["it's"]`);
  assert.equal(pythonList([`a'b"c`]), `['a\\'b"c']`);
  assert.equal(pythonList(["a\\b", "x\ny"]), "['a\\\\b', 'x\\ny']");
});

Deno.test("a carriage return inside a value is quoted, so it cannot end the row", () => {
  const text = csvText({
    candidates: [run({ displayName: "a\rb", description: "c\r\nd" })],
    baselines: [],
  }, { ...CONTEXT, metrics: [], configVars: [] });
  assert.match(text, /,"a\rb",/);
  const rows: string[][] = parse(text);
  assert.equal(rows.length, 2);
  assert.equal(rows[1][1], "a\rb");
  assert.equal(rows[1][7], "c\r\nd");
});

Deno.test("the CSV quotes every awkward cell as RFC 4180 says, in pieces or whole", () => {
  const awkward = [
    "",
    "plain",
    "a,b",
    'say "hi"',
    '"',
    ",",
    "line\nbreak",
    "cr\ronly",
    "crlf\r\nend",
    "trailing,",
    " spaced ",
    "'quote'",
    "tab\there",
    "ünïcödé 🟢",
    "=1+2",
    "-3",
  ];
  const runs = awkward.map((text, index) =>
    run({
      runId: `r${index}`,
      displayName: text,
      tags: [text, "ci"],
      description: text,
      config: { github_sha: text, learning_rate: text },
      summary: { acc: index % 2 === 0 ? text : index / 7, eval: { f1: text } },
    })
  );
  const categorised = { candidates: runs, baselines: runs.slice(0, 3) };
  const whole = csvText(categorised, CONTEXT);
  for (const rowsPerPiece of [1, 2, 5]) {
    assert.equal(
      [...csvPieces(categorised, CONTEXT, rowsPerPiece)].join(""),
      whole,
    );
  }
  const parsed: string[][] = parse(whole);
  assert.deepEqual(parsed.slice(1).map((row) => row[1]), [
    ...awkward,
    ...awkward.slice(0, 3),
  ]);
  assert.deepEqual(parsed.slice(1), csvRows(categorised, CONTEXT));
});

Deno.test("tags without quotes, backslashes or control characters are written as they are", () => {
  assert.equal(pythonList(["ci"]), "['ci']");
  assert.equal(pythonList(['say "hi"']), `['say "hi"']`);
  assert.equal(pythonList(["ünïcödé 🟢"]), "['ünïcödé 🟢']");
  assert.equal(pythonList(["a\u007fb"]), "['a\\x7fb']");
  assert.equal(pythonList(["a\u0001b", "c"]), "['a\\x01b', 'c']");
});
