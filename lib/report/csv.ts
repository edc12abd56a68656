import { stringifyExactJson } from "../wandb/exact_json.ts";
import { stringify } from "csv-stringify/sync";
import type { CategorisedRuns, RunCategory } from "../review/categorise.ts";
import { runUrl } from "../wandb/run_url.ts";
import { valueAt, type WandbRun } from "../wandb/run.ts";
import {
  type ArtifactVersion,
  shortDigest,
  versionName,
} from "../wandb/artifact.ts";
import { isFinished } from "../wandb/run_state.ts";

/** The columns every CSV starts with, in the original's order. */
export const FIXED_COLUMNS = [
  "run.url",
  "run.name",
  "run.tags",
  "run.id",
  "run.entity",
  "run.project",
  "github_sha",
  "run.description",
] as const;

/** The last column: `candidate` or `baseline`. */
export const CATEGORY_COLUMN = "__eval.category";

/** The column of the data each run used, before the category, when asked for. */
export const DATA_COLUMN = "data_artifacts";

/**
 * What the CSV shows besides the fixed columns.
 *
 * @example
 * ```ts
 * import { csvColumns, type CsvColumnsRequest } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * const request: CsvColumnsRequest = { metrics: ["eval.f1"], configVars: ["lr"] };
 * // A metric keeps its name; a config var's column is `_` and its name.
 * assert.deepEqual(csvColumns(request).slice(-3), ["eval.f1", "_lr", "__eval.category"]);
 * ```
 */
export interface CsvColumnsRequest {
  /** Summary metric names, each a column of its own name. */
  metrics: readonly string[];
  /** Config names, each a column named `_<name>`. */
  configVars: readonly string[];
  /** Whether to add the {@linkcode DATA_COLUMN} column. */
  dataArtifacts?: boolean;
}

/**
 * Everything a CSV row needs beyond the run itself.
 *
 * @example
 * ```ts
 * import { csvRows, type CsvContext } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * const context: CsvContext = {
 *   appUrl: "https://wandb.ai", entity: "github", project: "demo",
 *   metrics: ["acc"], configVars: [],
 * };
 * const baseline = {
 *   runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished", tags: ["baseline"],
 *   description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { acc: 0.9 },
 * };
 * const [row] = csvRows({ candidates: [], baselines: [baseline] }, context);
 * // `run.url`, `run.entity` and `run.project` come from the context.
 * assert.equal(row[0], "https://wandb.ai/github/demo/runs/e6lo523p");
 * assert.deepEqual(row.slice(4, 6), ["github", "demo"]);
 * ```
 */
export interface CsvContext extends CsvColumnsRequest {
  /** The W&B app URL, for `run.url`. */
  appUrl: string;
  /** The W&B entity. */
  entity: string;
  /** The W&B project. */
  project: string;
  /**
   * The data artifacts a run used, for the {@linkcode DATA_COLUMN} column
   * (written `['collection:vN@digest', ...]`); none when absent.
   */
  dataInputs?: (run: WandbRun) => readonly ArtifactVersion[];
}

/** Where a CSV column comes from: a fixed column, a metric, or a config var. */
export type ColumnSource =
  | { list: "fixed" }
  | { list: "metrics" | "configVars"; name: string };

/** Two columns that would have the same name. */
export interface ColumnCollision {
  /** The column name both would have. */
  column: string;
  /** The metric or config var that would make the second one. */
  second: { list: "metrics" | "configVars"; name: string };
  /** Where the first one comes from. */
  first: ColumnSource;
}

/**
 * The first pair of columns that would have the same name, in header order:
 * a metric named like a fixed column, or a config var whose `_<name>` column
 * is a metric's or a fixed column's name.
 *
 * @example
 * ```ts
 * import { columnCollision } from "./csv.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(columnCollision({ metrics: ["_lr"], configVars: ["lr"] }), {
 *   column: "_lr",
 *   second: { list: "configVars", name: "lr" },
 *   first: { list: "metrics", name: "_lr" },
 * });
 * assert.equal(columnCollision({ metrics: ["acc"], configVars: ["lr"] }), undefined);
 * ```
 *
 * @param request The metrics and config vars.
 * @returns The collision, or `undefined` when every column's name is its own.
 */
export function columnCollision(
  request: CsvColumnsRequest,
): ColumnCollision | undefined {
  const owner = new Map<string, ColumnSource>(
    [
      ...FIXED_COLUMNS,
      CATEGORY_COLUMN,
      ...request.dataArtifacts ? [DATA_COLUMN] : [],
    ].map((column) => [
      column,
      { list: "fixed" },
    ]),
  );
  const claims = [
    ...request.metrics.map((name) => ({ list: "metrics" as const, name })),
    ...request.configVars.map((name) => ({
      list: "configVars" as const,
      name,
    })),
  ];
  for (const claim of claims) {
    const column = claim.list === "metrics" ? claim.name : `_${claim.name}`;
    const first = owner.get(column);
    if (first !== undefined) return { column, second: claim, first };
    owner.set(column, claim);
  }
  return undefined;
}

/**
 * The CSV's header: the fixed columns, each metric, each config var prefixed
 * with `_`, then `__eval.category`.
 *
 * @example
 * ```ts
 * import { csvColumns } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(csvColumns({ metrics: ["acc"], configVars: ["lr"] }), [
 *   "run.url", "run.name", "run.tags", "run.id", "run.entity", "run.project",
 *   "github_sha", "run.description", "acc", "_lr", "__eval.category",
 * ]);
 * // A metric named `_lr` and a config var `lr` would both make a column `_lr`.
 * assert.throws(() => csvColumns({ metrics: ["_lr"], configVars: ["lr"] }), RangeError);
 * ```
 *
 * @param request The metrics and config vars.
 * @returns The column names.
 * @throws {RangeError} when two columns would have the same name (see {@linkcode columnCollision}).
 */
export function csvColumns(request: CsvColumnsRequest): string[] {
  const collision = columnCollision(request);
  if (collision !== undefined) {
    const { column, first, second } = collision;
    const what = (source: ColumnSource) =>
      source.list === "fixed"
        ? "a fixed column"
        : `${source.list === "metrics" ? "metric" : "config var"} ${
          JSON.stringify(source.name)
        }`;
    throw new RangeError(
      `Cannot name the CSV's columns: ${
        what(second)
      } would make a second column ${JSON.stringify(column)} (already ${
        what(first)
      })`,
    );
  }
  return [
    ...FIXED_COLUMNS,
    ...request.metrics,
    ...request.configVars.map((name) => `_${name}`),
    ...request.dataArtifacts ? [DATA_COLUMN] : [],
    CATEGORY_COLUMN,
  ];
}

/**
 * The CSV's rows: finished candidates, then every baseline whatever its
 * state, each as cells in {@linkcode csvColumns} order.
 *
 * @example
 * ```ts
 * import { csvColumns, csvRows } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * const run = (runId: string, state: string, acc: number) => ({
 *   runId, displayName: runId, state, tags: [], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { acc },
 * });
 * const context = {
 *   appUrl: "https://wandb.ai", entity: "github", project: "demo",
 *   metrics: ["acc"], configVars: [],
 * };
 * const rows = csvRows({
 *   candidates: [run("cand0001", "finished", 0.91), run("cand0002", "running", 0.5)],
 *   baselines: [run("base0001", "crashed", 0.88)],
 * }, context);
 * // The running candidate is left out; a baseline is kept whatever its state.
 * const [id, acc] = ["run.id", "acc"].map((name) => csvColumns(context).indexOf(name));
 * assert.deepEqual(rows.map((row) => [row[id], row[acc], row.at(-1)]), [
 *   ["cand0001", "0.91", "candidate"],
 *   ["base0001", "0.88", "baseline"],
 * ]);
 * ```
 *
 * @param runs The categorised runs.
 * @param context The columns and where the runs live.
 * @returns One array of cells per row, header excluded.
 */
export function csvRows(
  runs: CategorisedRuns,
  context: CsvContext,
): string[][] {
  return [...csvRowsOneByOne(runs, context)];
}

function* csvRowsOneByOne(
  runs: CategorisedRuns,
  context: CsvContext,
): Generator<string[]> {
  const row = rowMaker(context);
  for (const run of runs.candidates) {
    if (isFinished(run)) yield row(run, "candidate");
  }
  for (const run of runs.baselines) yield row(run, "baseline");
}

/**
 * Makes one row's cells, with what every row shares worked out once: the run
 * URL up to the run id, and how each column's value is found.
 */
function rowMaker(
  context: CsvContext,
): (run: WandbRun, category: RunCategory) => string[] {
  const runsUrl = runUrl(context.appUrl, { ...context, runId: "" });
  const { metrics, configVars } = context;
  return (run, category) => {
    const { entity, project } = run.location ?? context;
    const cells = [
      run.location === undefined
        ? runsUrl + encodeURIComponent(run.runId)
        : runUrl(context.appUrl, { entity, project, runId: run.runId }),
      run.displayName,
      pythonList(run.tags),
      run.runId,
      entity,
      project,
      formatCell(run.config.github_sha),
      run.description ?? "",
    ];
    for (const name of metrics) {
      cells.push(formatCell(valueAt(run.summary, name)));
    }
    for (const name of configVars) {
      cells.push(formatCell(valueAt(run.config, name)));
    }
    if (context.dataArtifacts) {
      cells.push(pythonList(
        (context.dataInputs?.(run) ?? []).map((version) =>
          `${versionName(version)}@${shortDigest(version.digest)}`
        ),
      ));
    }
    cells.push(category);
    return cells;
  };
}

/**
 * The CSV text in pieces of up to `rowsPerPiece` rows, the header first: what
 * {@linkcode csvText} joins, for writing a large CSV without holding it whole.
 *
 * @param runs The categorised runs.
 * @param context The columns and where the runs live.
 * @param rowsPerPiece Rows per piece. Default 200 (about 45 kB): smaller
 * pieces than the 1,000 rows of before lowered the peak memory of writing a
 * 20,000-run CSV (BENCHMARKS.md).
 * @returns The pieces, in order.
 */
export function* csvPieces(
  runs: CategorisedRuns,
  context: CsvContext,
  rowsPerPiece = 200,
): Generator<string> {
  let batch: string[][] = [csvColumns(context)];
  for (const row of csvRowsOneByOne(runs, context)) {
    batch.push(row);
    if (batch.length >= rowsPerPiece) {
      yield csvLines(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield csvLines(batch);
}

function csvLines(rows: string[][]): string {
  return stringify(rows, {
    record_delimiter: "\n",
    // csv-stringify quotes \n but not a lone \r, which readers take as a line end.
    quoted_match: /\r/,
  });
}

/**
 * The whole CSV text: header, then rows, `\n` line ends, RFC 4180 quoting.
 *
 * @example
 * ```ts
 * import { csvText } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * const text = csvText({ candidates: [], baselines: [] }, {
 *   appUrl: "https://wandb.ai", entity: "github", project: "demo",
 *   metrics: ["acc"], configVars: ["lr"],
 * });
 * // No runs: the header alone.
 * assert.equal(text, "run.url,run.name,run.tags,run.id,run.entity,run.project,github_sha,run.description,acc,_lr,__eval.category\n");
 * // in real use: await Deno.writeTextFile("runs.csv", text);
 * ```
 *
 * @param runs The categorised runs.
 * @param context The columns and where the runs live.
 * @returns The CSV text.
 */
export function csvText(runs: CategorisedRuns, context: CsvContext): string {
  return [...csvPieces(runs, context)].join("");
}

/**
 * One cell: empty for missing or null, numbers at full precision, booleans as
 * Python's `True`/`False` (as the original wrote them), objects as JSON.
 *
 * @example
 * ```ts
 * import { formatCell } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatCell(undefined), "");
 * assert.equal(formatCell(0.1 + 0.2), "0.30000000000000004");
 * assert.equal(formatCell(2n ** 53n + 1n), "9007199254740993");
 * assert.equal(formatCell(true), "True");
 * assert.equal(formatCell({ layers: [64, 32] }), '{"layers":[64,32]}');
 * ```
 *
 * @param value A config or summary value.
 * @returns The cell text.
 */
export function formatCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") {
    return String(value);
  }
  return stringifyExactJson(value);
}

/**
 * A list of strings as Python prints it: `['baseline', 'test']`.
 *
 * @param items The strings.
 * @returns Python's `repr` of the list.
 */
export function pythonList(items: readonly string[]): string {
  if (items.length === 1) return `[${pythonString(items[0])}]`;
  return `[${items.map(pythonString).join(", ")}]`;
}

/** Characters that Python's `repr` of a string escapes (a `"` only inside `"..."`). */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const PYTHON_ESCAPED = /['\\\x00-\x1f\x7f]/;

function pythonString(text: string): string {
  if (!PYTHON_ESCAPED.test(text)) return `'${text}'`;
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = "";
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (character === "\\") body += "\\\\";
    else if (character === quote) body += `\\${quote}`;
    else if (character === "\n") body += "\\n";
    else if (character === "\r") body += "\\r";
    else if (character === "\t") body += "\\t";
    else if (code < 0x20 || code === 0x7f) {
      body += `\\x${code.toString(16).padStart(2, "0")}`;
    } else body += character;
  }
  return `${quote}${body}${quote}`;
}
