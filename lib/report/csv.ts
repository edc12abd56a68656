import { stringifyExactJson } from "../wandb/exact_json.ts";
import { stringify } from "csv-stringify/sync";
import type { CategorisedRuns, RunCategory } from "../review/categorise.ts";
import { InputError } from "../errors.ts";
import { runUrl } from "../wandb/run_url.ts";
import type { WandbRun } from "../wandb/run.ts";

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

/** What the CSV shows besides the fixed columns. */
export interface CsvColumnsRequest {
  /** Summary metric names, each a column of its own name. */
  metrics: readonly string[];
  /** Config names, each a column named `_<name>`. */
  configVars: readonly string[];
}

/** Everything a CSV row needs beyond the run itself. */
export interface CsvContext extends CsvColumnsRequest {
  /** The W&B app URL, for `run.url`. */
  appUrl: string;
  /** The W&B entity. */
  entity: string;
  /** The W&B project. */
  project: string;
}

/**
 * The CSV's header: the fixed columns, each metric, each config var prefixed
 * with `_`, then `__eval.category`.
 *
 * @param request The metrics and config vars.
 * @returns The column names.
 * @throws {InputError} when two columns would have the same name.
 */
export function csvColumns(request: CsvColumnsRequest): string[] {
  const columns: string[] = [...FIXED_COLUMNS, CATEGORY_COLUMN];
  const owner = new Map<string, string>(
    columns.map((column) => [column, "a fixed column"]),
  );
  const claim = (column: string, input: string, name: string) => {
    const taken = owner.get(column);
    if (taken !== undefined) {
      throw new InputError(
        input,
        `${JSON.stringify(name)} would make a second column ${
          JSON.stringify(column)
        } (already ${taken}); remove or rename one`,
      );
    }
    owner.set(column, `${input} ${JSON.stringify(name)}`);
  };
  for (const metric of request.metrics) {
    claim(metric, "DISPLAY_METRICS", metric);
  }
  for (const name of request.configVars) {
    claim(`_${name}`, "DISPLAY_CONFIG_VARS", name);
  }
  return [
    ...FIXED_COLUMNS,
    ...request.metrics,
    ...request.configVars.map((name) => `_${name}`),
    CATEGORY_COLUMN,
  ];
}

/**
 * The CSV's rows: finished candidates, then every baseline whatever its
 * state, each as cells in {@linkcode csvColumns} order.
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
    if (run.state === "finished") yield row(run, "candidate");
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
  const { entity, project, metrics, configVars } = context;
  return (run, category) => {
    const cells = [
      runsUrl + encodeURIComponent(run.runId),
      run.displayName,
      pythonList(run.tags),
      run.runId,
      entity,
      project,
      formatCell(run.config.github_sha),
      run.description ?? "",
    ];
    for (const name of metrics) {
      cells.push(formatCell(lookUp(run.summary, name)));
    }
    for (const name of configVars) {
      cells.push(formatCell(lookUp(run.config, name)));
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
 * import { csvText } from "./csv.ts";
 * import assert from "node:assert/strict";
 *
 * const text = csvText({ candidates: [], baselines: [] }, {
 *   appUrl: "https://wandb.ai", entity: "github", project: "demo",
 *   metrics: ["acc"], configVars: ["lr"],
 * });
 * assert.equal(text, "run.url,run.name,run.tags,run.id,run.entity,run.project,github_sha,run.description,acc,_lr,__eval.category\n");
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
 * Finds a value by name: the flat key if it exists, else a dotted path into
 * nested objects (`eval.f1`).
 *
 * @param values Summary metrics or config.
 * @param name A key or dotted path.
 * @returns The value, or `undefined` when absent.
 */
export function lookUp(
  values: Record<string, unknown>,
  name: string,
): unknown {
  if (Object.hasOwn(values, name)) return values[name];
  if (!name.includes(".")) return undefined;
  let current: unknown = values;
  for (const segment of name.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * One cell: empty for missing or null, numbers at full precision, booleans as
 * Python's `True`/`False` (as the original wrote them), objects as JSON.
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
