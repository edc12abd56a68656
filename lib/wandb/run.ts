import { z } from "zod";
import { parseExactJson } from "./exact_json.ts";
import { UNKNOWN_STATE } from "./run_state.ts";

/**
 * A W&B run, as the rest of the program sees it.
 *
 * W&B's schema lets a run's `state`, `config`, `summaryMetrics`, `tags`,
 * `displayName`, `description` and `commit` be null; none of them makes the
 * run unreadable (see {@linkcode runNodeSchema}).
 *
 * @example A run W&B gave with a null state, display name, tags and config
 * ```ts
 * import { buildQueryPlan, fetchRuns, type WandbRun } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const node = {
 *   name: "e6lo523p", displayName: null, state: null, tags: null,
 *   description: null, createdAt: "2026-08-01T12:00:00", config: null,
 * };
 * const candidates = { edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false } };
 * const fetch = () => Promise.resolve(Response.json({ data: { project: { candidates } } }));
 * const plan = buildQueryPlan({ entity: "github", project: "predict-issue-labels", runId: "e6lo523p", baselineTags: [] });
 * const fetched = await fetchRuns(plan, { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch });
 * const run: WandbRun = fetched.candidates[0];
 * assert.deepEqual(run, {
 *   runId: "e6lo523p", displayName: "e6lo523p", state: "unknown", tags: [], description: null,
 *   createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {},
 * });
 * ```
 */
export interface WandbRun {
  /** The run id, the 8-character name seen in run URLs (`e6lo523p`). */
  runId: string;
  /** The human name (`dashing-leaf-4`); the run id when W&B gave none. */
  displayName: string;
  /**
   * The run's state in lower case: `finished`, `running`, `crashed`,
   * `killed`, ...; `unknown` ({@linkcode UNKNOWN_STATE}) when W&B gave a null
   * state. An unknown state is not finished, and not known to be settled.
   */
  state: string;
  /** The run's tags; none when W&B gave a null list (null items are left out). */
  tags: string[];
  /** The run's description, or `null`. */
  description: string | null;
  /** When the run was created, ISO-8601 in UTC. */
  createdAt: string;
  /** Config values, unwrapped from W&B's `{"value": ...}`; empty when W&B gave a null config. */
  config: Record<string, unknown>;
  /**
   * Summary metrics: the last logged values (integers past 2^53 as
   * `bigint`); empty when W&B gave a null summary or it was not asked for.
   */
  summary: Record<string, unknown>;
  /**
   * Where the run lives when it is not in the reviewed project: a production
   * baseline logged elsewhere. Absent for the reviewed project's runs.
   */
  location?: { entity: string; project: string };
}

/**
 * The config and summary values a run keeps: names or dotted paths, looked up
 * as {@linkcode valueAt} looks them up (the flat key first, else the path into
 * nested objects).
 */
export interface KeptValues {
  /** Summary metrics. */
  metrics: readonly string[];
  /** Config names. */
  configVars: readonly string[];
}

/**
 * Reads `Run` nodes as W&B sends them into {@linkcode WandbRun}s: quickly for
 * a node of the usual shape, and through the zod schema, which defines what is
 * valid and names what is wrong, for any other.
 */
export interface RunNodeReader {
  /** Validates a node and turns it into a run, or says what is wrong with it. */
  readonly schema: z.ZodType<WandbRun, unknown>;
  /**
   * Reads a node of the usual shape without zod, several times faster;
   * `undefined` for any other node, valid or not, which `schema` then
   * decides. Whenever it returns a run, `schema` returns the same run.
   */
  quick(node: unknown): WandbRun | undefined;
}

/** The GraphQL fields of `Run` that {@linkcode runNodeSchema} reads. */
export const RUN_NODE_FIELDS =
  "name displayName state tags description createdAt";

/**
 * A reader of `Run` nodes ({@linkcode RunNodeReader}). Without `kept`, each
 * run keeps the config and summary W&B sent; with it, only the values the
 * given names reach (a dotted path keeps only its path: `eval.f1` keeps
 * `eval` with only `f1` in it). The values are cut as each node is read, so
 * the rest never stays in memory, and an integer past 2^53 that is not kept
 * costs no exact reading.
 *
 * @example
 * ```ts
 * import { runNodeReader } from "./run.ts";
 * import assert from "node:assert/strict";
 *
 * const reader = runNodeReader({ metrics: ["eval.f1"], configVars: ["lr"] });
 * const node = {
 *   name: "e6lo523p", displayName: null, state: "finished", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00",
 *   config: '{"lr": {"value": 0.1}, "seed": {"value": 3}}',
 *   summaryMetrics: '{"acc": 0.9, "eval": {"f1": 0.8, "auc": 0.95}}',
 * };
 * const run = reader.quick(node)!;
 * assert.deepEqual(run.config, { lr: 0.1 });
 * assert.deepEqual(run.summary, { eval: { f1: 0.8 } });
 * assert.deepEqual(reader.schema.parse(node), run);
 * assert.equal(reader.quick({ ...node, name: "" }), undefined);
 * ```
 *
 * @param kept The summary metrics and config names to keep; all when absent.
 * @returns The reader.
 */
export function runNodeReader(kept?: KeptValues): RunNodeReader {
  let readConfig = unwrapConfig;
  let readSummary = (summary: Record<string, unknown>) => summary;
  if (kept !== undefined) {
    const configKeys = keptKeys(kept.configVars);
    configKeys.delete("_wandb"); // as unwrapConfig leaves it out
    const configList = keptList(configKeys);
    const summaryList = keptList(keptKeys(kept.metrics));
    readConfig = (config) => keepValues(config, configList, true);
    readSummary = (summary) => keepValues(summary, summaryList);
  }
  // Built when first needed: a usual answer never needs it.
  let schema: z.ZodType<WandbRun, unknown> | undefined;
  return {
    get schema() {
      return schema ??= runNodeObject(readConfig, readSummary);
    },
    quick: (node) => quickRead(node, readConfig, readSummary),
  };
}

/**
 * Validates one `Run` node as W&B sends it and turns it into a {@linkcode WandbRun}.
 *
 * The fields W&B's schema lets be null are read as W&B's own clients read
 * them: a null `config` or `summaryMetrics` as an empty object, a null
 * `state` as {@linkcode UNKNOWN_STATE}, a null `displayName` as the run id,
 * null `tags` as none. Everything else is strict: a missing `name`, a state
 * that is not a non-empty string, or a config that is not a JSON object in a
 * string is an error.
 *
 * @example A run with a null state, config and summary is still a run
 * ```ts
 * import { runNodeSchema } from "./run.ts";
 * import assert from "node:assert/strict";
 *
 * const run = runNodeSchema.parse({
 *   name: "e6lo523p", displayName: null, state: null, tags: null,
 *   description: null, createdAt: "2026-08-01T12:00:00",
 *   config: null, summaryMetrics: null,
 * });
 * assert.equal(run.state, "unknown");
 * assert.deepEqual([run.config, run.summary], [{}, {}]);
 * ```
 */
export const runNodeSchema: z.ZodType<WandbRun, unknown> =
  runNodeReader().schema;

type ObjectReader = (
  object: Record<string, unknown>,
) => Record<string, unknown>;

/** The fields of a node, checked; what both ways of reading make a run of. */
interface CheckedNode {
  name: string;
  displayName: string | null;
  state: string | null;
  tags: (string | null)[] | null;
  description: string | null;
  createdAt: string;
  config: Record<string, unknown> | null;
  summaryMetrics?: Record<string, unknown> | null;
}

function toRun(node: CheckedNode): WandbRun {
  return {
    runId: node.name,
    displayName: node.displayName ?? node.name,
    state: node.state?.toLowerCase() ?? UNKNOWN_STATE,
    // The list W&B sent, kept as it is unless it holds nulls: a filtered copy
    // would take three times the memory of the run's other fields.
    tags: node.tags === null
      ? []
      : node.tags.includes(null)
      ? node.tags.filter((tag) => tag !== null)
      : node.tags as string[],
    description: node.description,
    createdAt: node.createdAt,
    config: node.config ?? {},
    summary: node.summaryMetrics ?? {},
  };
}

function runNodeObject(
  readConfig: ObjectReader,
  readSummary: ObjectReader,
): z.ZodType<WandbRun, unknown> {
  return z.object({
    name: z.string().min(1),
    displayName: z.string().nullable(),
    state: z.string().min(1).nullable(),
    tags: z.array(z.string().nullable()).nullable(),
    description: z.string().nullable(),
    createdAt: timestampString(),
    config: jsonObjectString("config", readConfig).nullable(),
    summaryMetrics: jsonObjectString("summaryMetrics", readSummary).nullable()
      .optional(),
  }).transform(toRun);
}

/** The schema's checks, in plain code, for nodes of the usual shape. */
function quickRead(
  node: unknown,
  readConfig: ObjectReader,
  readSummary: ObjectReader,
): WandbRun | undefined {
  if (!isJsonObject(node)) return undefined;
  const { name, displayName, state, tags, description } = node;
  if (typeof name !== "string" || name === "") return undefined;
  if (!isStringOrNull(displayName) || !isStringOrNull(description)) {
    return undefined;
  }
  if (state !== null && (typeof state !== "string" || state === "")) {
    return undefined;
  }
  if (tags !== null && !(Array.isArray(tags) && tags.every(isStringOrNull))) {
    return undefined;
  }
  const createdAt = typeof node.createdAt === "string"
    ? readTimestamp(node.createdAt)
    : undefined;
  if (createdAt === undefined) return undefined;
  const config = node.config === null
    ? null
    : typeof node.config === "string"
    ? readJsonObject(node.config, readConfig)
    : undefined;
  if (config === undefined) return undefined;
  const summaryText = node.summaryMetrics;
  const summaryMetrics = summaryText === null || summaryText === undefined
    ? summaryText
    : typeof summaryText === "string"
    ? readJsonObject(summaryText, readSummary) ?? false
    : false;
  if (summaryMetrics === false) return undefined;
  return toRun({
    name,
    displayName,
    state,
    tags,
    description,
    createdAt,
    config,
    summaryMetrics,
  });
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}

/**
 * Whether a parsed JSON value is an object (not `null`, not an array): what
 * W&B's answers, pages and nodes must each be.
 *
 * @param value A value from `JSON.parse`.
 * @returns `true` for an object.
 */
export function isJsonObject(
  value: unknown,
): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * JSON text that must hold an object (`{}`), read with `pick` keeping what it
 * keeps of it (integers past 2^53 in that part exact); `undefined` when the
 * text is not JSON or not an object.
 */
function readJsonObject(
  text: string,
  pick: ObjectReader,
): Record<string, unknown> | undefined {
  try {
    return parseExactJson(
      text,
      (value) => isJsonObject(value) ? pick(value) : undefined,
    );
  } catch {
    return undefined;
  }
}

function jsonObjectString(field: string, pick: ObjectReader) {
  return z.string().transform((text, context) => {
    const value = readJsonObject(text, pick);
    if (value !== undefined) return value;
    context.addIssue({
      code: "custom",
      message: `expected ${field} to be a JSON object in a string`,
    });
    return z.NEVER;
  });
}

/**
 * A time as ISO-8601 in UTC with milliseconds (`toISOString`); a time
 * without an offset is UTC, as W&B sends it (`2026-08-01T12:00:00`).
 * `undefined` when it is not a time.
 */
function readTimestamp(text: string): string | undefined {
  // W&B's own form, whose ISO string is the text itself and `.000Z`;
  // `toISOString` would cost ten times as much.
  if (isPlainUtcSecond(text)) return `${text}.000Z`;
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/i.test(text);
  const time = Date.parse(hasOffset ? text : `${text}Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `text` is `YYYY-MM-DDTHH:MM:SS` naming a second that exists (no
 * 31 April, no 24:00), which `Date.parse` reads without moving it.
 */
function isPlainUtcSecond(text: string): boolean {
  if (
    text.length !== 19 || text[4] !== "-" || text[7] !== "-" ||
    text[10] !== "T" || text[13] !== ":" || text[16] !== ":"
  ) {
    return false;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return day <= days && hour >= 0 && hour <= 23 && minute >= 0 &&
    minute <= 59 && second >= 0 && second <= 59;
}

/** The number the `length` ASCII digits at `start` write; -1 if any is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function timestampString() {
  return z.string().transform((text, context) => {
    const iso = readTimestamp(text);
    if (iso !== undefined) return iso;
    context.addIssue({ code: "custom", message: "expected an ISO-8601 time" });
    return z.NEVER;
  });
}

/** Top-level keys to keep, each whole (`true`) or only the keys below it. */
type KeptKeys = Map<string, KeptKeys | true>;

/** {@linkcode KeptKeys} as a list, quicker to go through for every run. */
type KeptList = { key: string; below: KeptList | null }[];

/**
 * The keys that `names` reach: each name as a flat key, whole, and the path of
 * its dot-separated segments, whole at its end.
 */
function keptKeys(names: readonly string[]): KeptKeys {
  const root: KeptKeys = new Map();
  for (const name of names) {
    root.set(name, true);
    const segments = name.split(".");
    let level = root;
    for (const [index, segment] of segments.entries()) {
      const below = level.get(segment);
      if (below === true) break;
      if (index === segments.length - 1) {
        level.set(segment, true);
      } else {
        const next: KeptKeys = below ?? new Map();
        level.set(segment, next);
        level = next;
      }
    }
  }
  return root;
}

function keptList(kept: KeptKeys): KeptList {
  return [...kept].map(([key, below]) => ({
    key,
    below: below === true ? null : keptList(below),
  }));
}

/**
 * The values `kept` reaches, nested objects cut to the keys below them; with
 * `unwrap`, each top-level value is first unwrapped from W&B's config
 * `{"value": ...}`.
 */
function keepValues(
  values: Record<string, unknown>,
  kept: KeptList,
  unwrap = false,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let index = 0; index < kept.length; index++) {
    const { key, below } = kept[index];
    if (!Object.hasOwn(values, key)) continue;
    const value = unwrap ? unwrapEntry(values[key]) : values[key];
    setOwn(
      result,
      key,
      below === null || !isJsonObject(value) ? value : keepValues(value, below),
    );
  }
  return result;
}

/** `record[key] = value`, also for a key named `__proto__`. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown) {
  if (key === "__proto__") {
    Object.defineProperty(record, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    record[key] = value;
  }
}

/**
 * Unwraps W&B's config entries (`{"lr": {"value": 0.1}}`, or the older
 * `{"desc": null, "value": 0.1}`) to plain values, leaving out `_wandb`.
 *
 * @param config The config object as W&B stores it.
 * @returns The config as name to value.
 */
export function unwrapConfig(
  config: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(config)) {
    if (key !== "_wandb") values[key] = unwrapEntry(entry);
  }
  return values;
}

function unwrapEntry(entry: unknown): unknown {
  return isJsonObject(entry) && "value" in entry ? entry.value : entry;
}

/**
 * Finds a run's value by name: the flat key if it exists, else a dotted path
 * into nested objects (`eval.f1`). The CSV, the reports and the comparisons
 * all read metrics and config values through it.
 *
 * @example
 * ```ts
 * import { valueAt } from "./run.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(valueAt({ "eval.f1": 1, eval: { f1: 2 } }, "eval.f1"), 1);
 * assert.equal(valueAt({ eval: { f1: 2 } }, "eval.f1"), 2);
 * assert.equal(valueAt({ eval: { f1: 2 } }, "eval.auc"), undefined);
 * ```
 *
 * @param values A run's summary metrics or config.
 * @param name A key or dotted path.
 * @returns The value, or `undefined` when absent.
 */
export function valueAt(
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
