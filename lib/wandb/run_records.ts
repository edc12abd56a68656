/**
 * What runs recorded beyond their summary, for many runs in few requests:
 * each run's sampled metric history, the artifacts it used, and, for a run
 * that was not among the fetched ones (the production baseline), its fields.
 *
 * One GraphQL document asks for up to {@linkcode RUNS_PER_REQUEST} runs, each
 * as an aliased `run(name:)` inside an aliased `project(...)`, so runs of
 * several projects travel together. Only what each run needs is selected:
 * history for the runs charted and judged for convergence, lineage for every
 * reported run. A run with more than a page of input artifacts costs one more
 * request per further page.
 *
 * @module
 */

import { z } from "zod";
import { WandbError } from "../errors.ts";
import { quoteForMessage } from "../_message.ts";
import {
  ARTIFACT_FIELDS,
  artifactNodeSchema,
  type ArtifactVersion,
} from "./artifact.ts";
import { postGraphql, type WandbConnection } from "./graphql_transport.ts";
import { projectionKeys } from "./fetch_runs.ts";
import {
  type HistoryPoint,
  historySpecs,
  readSampledHistory,
} from "./sampled_history.ts";
import type { RunLocation } from "./run_url.ts";
import {
  type KeptValues,
  RUN_NODE_FIELDS,
  runNodeReader,
  type WandbRun,
} from "./run.ts";

/** The most runs one request asks about. */
export const RUNS_PER_REQUEST = 50;

/** Input artifacts asked for per page (W&B's SDK asks for 100). */
const ARTIFACTS_PER_PAGE = 100;

/** What to ask of one run. */
export interface RunRecordsWanted extends RunLocation {
  /** Sample the history of the metrics given in {@linkcode RunRecordsOptions.historyMetrics}. */
  history: boolean;
  /** List the artifacts it used. */
  lineage: boolean;
  /** Read the run itself (a run that was not fetched with the others). */
  fields: boolean;
}

/** What one run recorded, as far as it was asked for. */
export interface RunRecords {
  /** The run, when its fields were asked for. */
  run?: WandbRun;
  /** Each history metric's points, sorted by step, when history was asked for. */
  history?: Map<string, HistoryPoint[]>;
  /** The artifacts it used, when lineage was asked for. */
  inputs?: ArtifactVersion[];
}

/** How {@linkcode fetchRunRecords} asks. */
export interface RunRecordsOptions extends WandbConnection {
  /** The history keys to sample. */
  historyMetrics: readonly string[];
  /** The most points per metric and run. */
  samples: number;
  /** The summary and config values a run read whole keeps (`github_sha` too, as `fetchRuns` keeps it). */
  kept: KeptValues;
}

/** The records, and what fetching them cost. */
export interface FetchedRecords {
  /** By {@linkcode runKey}; `null` for a run W&B did not serve (deleted, or not readable with the key). */
  records: Map<string, RunRecords | null>;
  /** How many GraphQL requests were made (retries not counted). */
  requests: number;
}

/**
 * The key of a run in {@linkcode FetchedRecords.records}: `entity/project/runId`.
 *
 * @example
 * ```ts
 * import { runKey } from "./run_records.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(runKey({ entity: "github", project: "demo", runId: "e6lo523p" }), "github/demo/e6lo523p");
 * ```
 *
 * @param run Where the run lives.
 * @returns The key.
 */
export function runKey(run: RunLocation): string {
  return `${run.entity}/${run.project}/${run.runId}`;
}

/**
 * Fetches the history, lineage and fields asked of each run, up to
 * {@linkcode RUNS_PER_REQUEST} runs per request. Nothing is requested for an
 * empty list.
 *
 * @example Two runs' loss curves in one request (a stub of W&B's API)
 * ```ts
 * import { fetchRunRecords } from "./run_records.ts";
 * import assert from "node:assert/strict";
 *
 * const fetch = () => Promise.resolve(Response.json({ data: { p0: {
 *   r0: { sampledHistory: [[{ _step: 1, loss: 0.5 }, { _step: 0, loss: 0.9 }]] },
 *   r1: { sampledHistory: [[{ _step: 0, loss: 0.8 }]] },
 * } } }));
 * const wanted = (runId: string) => ({
 *   entity: "github", project: "demo", runId, history: true, lineage: false, fields: false,
 * });
 * const { records, requests } = await fetchRunRecords([wanted("a"), wanted("b")], {
 *   baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch,
 *   historyMetrics: ["loss"], samples: 200, kept: { metrics: [], configVars: [] },
 * });
 * assert.equal(requests, 1);
 * assert.deepEqual(records.get("github/demo/a")?.history?.get("loss"), [
 *   { step: 0, value: 0.9 }, { step: 1, value: 0.5 },
 * ]);
 * ```
 *
 * @param wanted What to ask of each run.
 * @param options The connection, the history keys and samples, and the values a run read whole keeps.
 * @returns The records by run key, and the number of requests.
 * @throws {WandbError} when W&B fails or answers malformed data.
 */
export async function fetchRunRecords(
  wanted: readonly RunRecordsWanted[],
  options: RunRecordsOptions,
): Promise<FetchedRecords> {
  const records = new Map<string, RunRecords | null>();
  let requests = 0;
  // A run asked more than once is asked once, for everything asked of it.
  const byKey = new Map<string, RunRecordsWanted>();
  for (const run of wanted) {
    const seen = byKey.get(runKey(run));
    byKey.set(
      runKey(run),
      seen === undefined ? run : {
        ...seen,
        history: seen.history || run.history,
        lineage: seen.lineage || run.lineage,
        fields: seen.fields || run.fields,
      },
    );
  }
  const unique = [...byKey.values()];
  const morePages: { run: RunRecordsWanted; after: string }[] = [];
  for (let start = 0; start < unique.length; start += RUNS_PER_REQUEST) {
    const chunk = unique.slice(start, start + RUNS_PER_REQUEST);
    const { query, variables, aliases } = recordsDocument(chunk, options);
    const data = await postGraphql({ query, variables }, options);
    requests++;
    for (const [index, run] of chunk.entries()) {
      const [projectAlias, runAlias] = aliases[index];
      const node = nodeAt(data, projectAlias, runAlias);
      const read = readRecords(node, run, options);
      records.set(runKey(run), read?.records ?? null);
      if (read?.after !== undefined) morePages.push({ run, after: read.after });
    }
  }
  for (const { run, after } of morePages) {
    requests += await fetchMoreInputs(run, after, records, options);
  }
  return { records, requests };
}

/** A document for one chunk of runs, its variables, and each run's aliases. */
function recordsDocument(
  chunk: readonly RunRecordsWanted[],
  options: RunRecordsOptions,
): {
  query: string;
  variables: Record<string, unknown>;
  aliases: [string, string][];
} {
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const projects = new Map<string, { alias: string; selections: string[] }>();
  const aliases: [string, string][] = [];
  const needs = { history: false, fields: false };
  for (const [index, run] of chunk.entries()) {
    const where = `${run.entity}/${run.project}`;
    let project = projects.get(where);
    if (project === undefined) {
      const alias = `p${projects.size}`;
      project = { alias, selections: [] };
      projects.set(where, project);
      variables[`${alias}Entity`] = run.entity;
      variables[`${alias}Name`] = run.project;
      declarations.push(`$${alias}Entity: String!`, `$${alias}Name: String!`);
    }
    const runAlias = `r${index}`;
    variables[runAlias] = run.runId;
    declarations.push(`$${runAlias}: String!`);
    project.selections.push(
      `${runAlias}: run(name: $${runAlias}) { ${runSelection(run)} }`,
    );
    aliases.push([project.alias, runAlias]);
    needs.history ||= run.history;
    needs.fields ||= run.fields;
  }
  if (needs.history) {
    variables.specs = historySpecs(options.historyMetrics, options.samples);
    declarations.push("$specs: [JSONString!]!");
  }
  if (needs.fields) {
    variables.configKeys = projectionKeys(keptConfig(options.kept));
    variables.summaryKeys = projectionKeys(options.kept.metrics);
    declarations.push("$configKeys: [String!]!", "$summaryKeys: [String!]!");
  }
  const body = [...projects.values()].map(({ alias, selections }) =>
    `  ${alias}: project(name: $${alias}Name, entityName: $${alias}Entity) {\n    ${
      selections.join("\n    ")
    }\n  }`
  ).join("\n");
  return {
    query: `query RunRecords(${declarations.join(", ")}) {\n${body}\n}`,
    variables,
    aliases,
  };
}

/**
 * The config names a run read whole keeps: `github_sha` always, as
 * `fetchRuns` keeps it for the runs it reads, then the kept ones.
 */
function keptConfig(kept: KeptValues): string[] {
  return ["github_sha", ...kept.configVars];
}

const INPUTS_CONNECTION =
  `{ pageInfo { endCursor hasNextPage } edges { node { ${ARTIFACT_FIELDS} } } }`;

function runSelection(run: RunRecordsWanted): string {
  return [
    "name",
    ...run.fields
      ? [
        RUN_NODE_FIELDS,
        "config(keys: $configKeys) summaryMetrics(keys: $summaryKeys)",
      ]
      : [],
    ...run.history ? ["sampledHistory(specs: $specs)"] : [],
    ...run.lineage
      ? [`inputArtifacts(first: ${ARTIFACTS_PER_PAGE}) ${INPUTS_CONNECTION}`]
      : [],
  ].join(" ");
}

/** The run node under two aliases of `data`; `null` when W&B served none (no such project or run). */
function nodeAt(
  data: unknown,
  projectAlias: string,
  runAlias: string,
): Record<string, unknown> | null {
  const project = (data as Record<string, unknown> | null)?.[projectAlias];
  if (project === null || project === undefined) return null;
  if (typeof project !== "object") malformed(`data.${projectAlias}`);
  const node = (project as Record<string, unknown>)[runAlias];
  if (node === null || node === undefined) return null;
  if (typeof node !== "object" || Array.isArray(node)) {
    malformed(`data.${projectAlias}.${runAlias}`);
  }
  return node as Record<string, unknown>;
}

const connectionSchema = z.object({
  pageInfo: z.object({
    endCursor: z.string().nullable(),
    hasNextPage: z.boolean(),
  }),
  edges: z.array(z.object({ node: z.unknown() })),
}).nullable();

/** One run's records from its node, and the cursor of its next page of inputs, if any. */
function readRecords(
  node: Record<string, unknown> | null,
  run: RunRecordsWanted,
  options: RunRecordsOptions,
): { records: RunRecords; after?: string } | null {
  if (node === null) return null;
  const records: RunRecords = {};
  const where = `for run ${quoteForMessage(run.runId)}`;
  if (run.fields) {
    // The reader keeps what the document asked for: `github_sha` included.
    const reader = runNodeReader({
      metrics: options.kept.metrics,
      configVars: keptConfig(options.kept),
    });
    const parsed = reader.schema.safeParse(node);
    if (!parsed.success) {
      throw new WandbError(
        `W&B answered malformed data ${where}: ${
          parsed.error.issues[0].message
        } at ${parsed.error.issues[0].path.join(".")}`,
      );
    }
    records.run = parsed.data;
  }
  if (run.history) {
    try {
      records.history = readSampledHistory(
        node.sampledHistory,
        options.historyMetrics,
      );
    } catch (error) {
      throw new WandbError(
        `W&B answered malformed history ${where}: ${(error as Error).message}`,
      );
    }
  }
  if (!run.lineage) return { records };
  const page = readInputs(node.inputArtifacts, where);
  records.inputs = page.inputs;
  return { records, after: page.after };
}

/** One page of a run's input artifacts; `after` when there are more. */
function readInputs(
  connection: unknown,
  where: string,
): { inputs: ArtifactVersion[]; after?: string } {
  const parsed = connectionSchema.safeParse(connection);
  if (!parsed.success) {
    throw new WandbError(
      `W&B answered malformed input artifacts ${where}: ${
        parsed.error.issues[0].message
      } at ${["inputArtifacts", ...parsed.error.issues[0].path].join(".")}`,
    );
  }
  if (parsed.data === null) return { inputs: [] };
  const inputs: ArtifactVersion[] = [];
  for (const [index, { node }] of parsed.data.edges.entries()) {
    if (node === null) continue; // W&B's schema lets a node be null
    const artifact = artifactNodeSchema.safeParse(node);
    if (!artifact.success) {
      throw new WandbError(
        `W&B answered a malformed input artifact ${where} at inputArtifacts.edges.${index}.node.${
          artifact.error.issues[0].path.join(".")
        }: ${artifact.error.issues[0].message}`,
      );
    }
    inputs.push(artifact.data);
  }
  const { hasNextPage, endCursor } = parsed.data.pageInfo;
  if (!hasNextPage) return { inputs };
  if (endCursor === null) {
    throw new WandbError(
      `W&B paging of input artifacts ${where} did not advance (hasNextPage without a cursor)`,
    );
  }
  return { inputs, after: endCursor };
}

/** Reads the further pages of one run's input artifacts; returns the requests made. */
async function fetchMoreInputs(
  run: RunRecordsWanted,
  after: string,
  records: Map<string, RunRecords | null>,
  options: RunRecordsOptions,
): Promise<number> {
  const where = `for run ${quoteForMessage(run.runId)}`;
  const inputs = records.get(runKey(run))!.inputs!;
  let requests = 0;
  let cursor: string | undefined = after;
  while (cursor !== undefined) {
    const data = await postGraphql({
      query:
        `query RunInputs($entity: String!, $project: String!, $run: String!, $after: String) {
  p0: project(name: $project, entityName: $entity) {
    r0: run(name: $run) { inputArtifacts(after: $after, first: ${ARTIFACTS_PER_PAGE}) ${INPUTS_CONNECTION} }
  }
}`,
      variables: {
        entity: run.entity,
        project: run.project,
        run: run.runId,
        after: cursor,
      },
    }, options);
    requests++;
    const node = nodeAt(data, "p0", "r0");
    if (node === null) {
      throw new WandbError(
        `W&B stopped serving run ${
          quoteForMessage(run.runId)
        } while its input artifacts were read; run again`,
      );
    }
    const page = readInputs(node.inputArtifacts, where);
    if (page.after === cursor) {
      throw new WandbError(
        `W&B paging of input artifacts ${where} did not advance (cursor ${
          JSON.stringify(cursor)
        })`,
      );
    }
    inputs.push(...page.inputs);
    cursor = page.after;
  }
  return requests;
}

function malformed(path: string): never {
  throw new WandbError(`W&B answered malformed data at ${path}`);
}
