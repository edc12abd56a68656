import { z } from "zod";
import { WandbError } from "../errors.ts";
import { quoteForMessage } from "../_message.ts";
import { postGraphql, type WandbConnection } from "./graphql_transport.ts";
import type { QueryPlan, RunFilter } from "./query_plan.ts";
import {
  isJsonObject,
  RUN_NODE_FIELDS,
  type RunNodeReader,
  runNodeReader,
  type WandbRun,
} from "./run.ts";

/**
 * Runs asked for per page unless the caller says otherwise. No public W&B
 * source states the largest page the server serves (W&B's SDK asks for 50).
 * 1,000 stays the default only because a capped server cannot break it:
 * {@linkcode fetchRuns} pages by `hasNextPage` and cursors, never by counting
 * rows against the size asked for, so a server that serves fewer just costs
 * more requests.
 *
 * @example The page size asked for, by default and when set
 * ```ts
 * import { buildQueryPlan, DEFAULT_PAGE_SIZE, fetchRuns } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const asked: unknown[] = [];
 * const fetch = (_url: unknown, init?: RequestInit) => {
 *   asked.push(JSON.parse(String(init?.body)).variables.perPage);
 *   const candidates = { edges: [], pageInfo: { endCursor: null, hasNextPage: false } };
 *   return Promise.resolve(Response.json({ data: { project: { candidates } } }));
 * };
 * const plan = buildQueryPlan({ entity: "github", project: "predict-issue-labels", runId: "e6lo523p", baselineTags: [] });
 * const connection = { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch };
 * await fetchRuns(plan, connection);
 * await fetchRuns(plan, { ...connection, pageSize: 50 });
 * assert.deepEqual(asked, [DEFAULT_PAGE_SIZE, 50]);
 * assert.equal(DEFAULT_PAGE_SIZE, 1000);
 * ```
 */
export const DEFAULT_PAGE_SIZE = 1000;

/**
 * Options of {@linkcode fetchRuns}: the connection, and what to ask for.
 *
 * @example Keeping one nested metric and one config value
 * ```ts
 * import { buildQueryPlan, fetchRuns, type FetchRunsOptions } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const node = {
 *   name: "e6lo523p", displayName: "dashing-leaf-4", state: "finished", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00",
 *   config: '{"github_sha": {"value": "86edd03"}, "lr": {"value": 0.1}, "seed": {"value": 3}}',
 *   summaryMetrics: '{"acc": 0.9, "eval": {"f1": 0.8, "auc": 0.95}}',
 * };
 * const candidates = { edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false } };
 * const options: FetchRunsOptions = {
 *   baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key",
 *   metrics: ["eval.f1"], // a dotted path keeps only its path
 *   configVars: ["lr"], // `github_sha` is always kept
 *   fetch: () => Promise.resolve(Response.json({ data: { project: { candidates } } })),
 * };
 * const plan = buildQueryPlan({ entity: "github", project: "predict-issue-labels", runId: "e6lo523p", baselineTags: [] });
 * const { candidates: [run] } = await fetchRuns(plan, options);
 * assert.deepEqual(run.config, { github_sha: "86edd03", lr: 0.1 });
 * assert.deepEqual(run.summary, { eval: { f1: 0.8 } });
 * ```
 */
export interface FetchRunsOptions extends WandbConnection {
  /** Runs per page. Default {@linkcode DEFAULT_PAGE_SIZE}. */
  pageSize?: number;
  /**
   * Summary metrics wanted (names or dotted paths); only their top-level keys
   * are downloaded (see {@linkcode projectionKeys}), and each run's `summary`
   * keeps only what these names reach (`eval.f1` keeps `eval` with only `f1`).
   */
  metrics?: readonly string[];
  /**
   * Config names wanted (names or dotted paths); only their top-level keys
   * are downloaded, and `github_sha` always; each run's `config` keeps only
   * what these names and `github_sha` reach.
   */
  configVars?: readonly string[];
}

/**
 * The runs W&B returned for a plan, each set de-duplicated and oldest first.
 *
 * @example A commit with one run still running, and no baselines asked for
 * ```ts
 * import { buildQueryPlan, type FetchedRuns, fetchRuns } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const node = {
 *   name: "e6lo523p", displayName: "dashing-leaf-4", state: "running", tags: [],
 *   description: null, createdAt: "2026-08-01T12:00:00", config: "{}",
 * };
 * const candidates = { edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false } };
 * const fetch = () => Promise.resolve(Response.json({ data: { project: { candidates } } }));
 * const plan = buildQueryPlan({ entity: "github", project: "predict-issue-labels", githubSha: "86edd03", baselineTags: [] });
 * const fetched: FetchedRuns = await fetchRuns(plan, { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch });
 * assert.deepEqual(fetched.candidates.map((run) => [run.runId, run.state]), [["e6lo523p", "running"]]);
 * assert.deepEqual(fetched.baselines, []); // the plan has no baseline filter
 * assert.equal(fetched.requests, 1);
 * ```
 */
export interface FetchedRuns {
  /** Runs matching the candidate filter. */
  candidates: WandbRun[];
  /** Runs matching the baseline filter (empty when the plan has none). */
  baselines: WandbRun[];
  /** How many GraphQL requests were made (retries not counted). */
  requests: number;
}

/** The two run sets, also the GraphQL aliases they are fetched under. */
export type SetName = "candidates" | "baselines";

interface PageCursor {
  filter: RunFilter;
  after: string | null;
  done: boolean;
  runs: Map<string, WandbRun>;
  /** Whether the next page was asked to start at the last run of this one. */
  overlapping: boolean;
  /** How often the set was read again from the start. */
  rereads: number;
}

/** One page of a set, validated. */
interface Page {
  /** The runs; W&B's schema lets an edge's node be null (such an edge is skipped). */
  edges: { cursor: string; node: WandbRun | null }[];
  /** Where the next page starts, and whether there is one. */
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** An answer's `project`, validated: one page per set asked for, or `null` when W&B has no such project. */
type ProjectPages = Record<SetName, Page> | null;

/**
 * Reads answers: `read(data, sets)` validates the `project` of an answer for
 * those sets and reads its runs, keeping only the wanted config and summary
 * values. An answer of the usual shape is read in plain code; any other goes
 * through the zod schemas, which read it the same way or name what is wrong.
 * Each schema is built once per fetch, not once per page.
 */
function answerReader(kept: {
  metrics: readonly string[];
  configVars: readonly string[];
}): (data: unknown, sets: readonly SetName[]) => ProjectPages {
  const nodes = runNodeReader(kept);
  // Built when first needed: a usual answer never needs them.
  let page: z.ZodType | undefined;
  const schemas = new Map<string, z.ZodType<{ project: unknown }, unknown>>();
  return (data, sets) => {
    const quick = quickProject(data, sets, nodes);
    if (quick !== undefined) return quick;
    const key = sets.join(",");
    let schema = schemas.get(key);
    if (schema === undefined) {
      page ??= z.object({
        edges: z.array(
          z.object({ cursor: z.string(), node: nodes.schema.nullable() }),
        ),
        pageInfo: z.object({
          endCursor: z.string().nullable(),
          hasNextPage: z.boolean(),
        }),
      });
      const shape = Object.fromEntries(sets.map((name) => [name, page!]));
      schema = z.object({ project: z.object(shape).nullable() });
      schemas.set(key, schema);
    }
    return parseProject(schema, data);
  };
}

/**
 * The schemas' checks in plain code, for an answer of the usual shape;
 * `undefined` for any other.
 */
function quickProject(
  data: unknown,
  sets: readonly SetName[],
  nodes: RunNodeReader,
): ProjectPages | undefined {
  if (!isJsonObject(data)) return undefined;
  const { project } = data;
  if (project === null) return null;
  if (!isJsonObject(project)) return undefined;
  const pages: Partial<Record<SetName, Page>> = {};
  for (const name of sets) {
    const page = project[name];
    if (!isJsonObject(page) || !Array.isArray(page.edges)) return undefined;
    const { pageInfo } = page;
    if (
      !isJsonObject(pageInfo) || typeof pageInfo.hasNextPage !== "boolean" ||
      (pageInfo.endCursor !== null && typeof pageInfo.endCursor !== "string")
    ) {
      return undefined;
    }
    const edges: Page["edges"] = [];
    for (const edge of page.edges) {
      if (!isJsonObject(edge) || typeof edge.cursor !== "string") {
        return undefined;
      }
      const node = edge.node === null ? null : nodes.quick(edge.node);
      if (node === undefined) return undefined;
      edges.push({ cursor: edge.cursor, node });
    }
    pages[name] = {
      edges,
      pageInfo: {
        endCursor: pageInfo.endCursor,
        hasNextPage: pageInfo.hasNextPage,
      },
    };
  }
  return pages as Record<SetName, Page>;
}

const SUMMARY_FIELD = "summaryMetrics(keys: $summaryKeys)";

/**
 * Fetches the candidate and baseline runs of a plan from W&B's GraphQL API.
 * Both sets travel in one request (GraphQL aliases) and page on together
 * until each reports no next page; only the run fields the CSV needs, and
 * only the top-level summary and config keys of the requested names, are
 * downloaded.
 *
 * Paging follows `pageInfo.hasNextPage` and the edges' cursors only: a server
 * may serve fewer runs than asked for, and a short page is not the last one
 * unless `hasNextPage` says so. An edge whose `node` is null is skipped: not
 * a run, not an error (its cursor still counts for paging).
 *
 * W&B's cursors are offsets, so a run created or deleted while paging shifts
 * the pages. Each next page starts at the last run of the page before: a run
 * served twice (one was inserted before the cursor) is kept once, and a page
 * that starts with a run not seen yet (runs before the cursor were deleted or
 * untagged, so one may have been skipped) makes the set be read again from
 * the start, once; a second time is an error.
 *
 * @example Two pages from a stub of W&B's API (without `fetch`, the global one asks W&B)
 * ```ts
 * import { buildQueryPlan, fetchRuns } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const edge = (cursor: string, name: string) => ({ cursor, node: {
 *   name, displayName: null, state: "finished", tags: [], description: null,
 *   createdAt: "2026-08-01T12:00:00", config: "{}", summaryMetrics: '{"acc": 0.9, "loss": 0.3}',
 * } });
 * const pages: Record<string, unknown> = {
 *   first: { edges: [edge("0", "a"), edge("1", "b")], pageInfo: { endCursor: "1", hasNextPage: true } },
 *   "0": { edges: [edge("1", "b"), edge("2", "c")], pageInfo: { endCursor: "2", hasNextPage: false } },
 * };
 * const fetch = (_url: unknown, init?: RequestInit) => {
 *   const after = JSON.parse(String(init?.body)).variables.candidatesCursor ?? "first";
 *   return Promise.resolve(Response.json({ data: { project: { candidates: pages[after] } } }));
 * };
 * const plan = buildQueryPlan({ entity: "github", project: "predict-issue-labels", githubSha: "86edd03", baselineTags: [] });
 * const options = { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", metrics: ["acc"], fetch };
 * const { candidates, requests } = await fetchRuns(plan, options);
 * assert.deepEqual(candidates.map((run) => run.runId), ["a", "b", "c"]); // pages overlap by one run
 * assert.deepEqual([candidates[0].summary, requests], [{ acc: 0.9 }, 2]);
 * ```
 *
 * @param plan Which runs are candidates and which are baselines.
 * @param options The connection, page size and wanted keys.
 * @returns The runs of each set.
 * @throws {WandbError} when W&B fails, answers malformed data, or the project does not exist (kind `no-project`).
 */
export async function fetchRuns(
  plan: QueryPlan,
  options: FetchRunsOptions,
): Promise<FetchedRuns> {
  const cursors: Partial<Record<SetName, PageCursor>> = {
    candidates: newCursor(plan.candidateFilter),
  };
  if (plan.baselineFilter !== null) {
    cursors.baselines = newCursor(plan.baselineFilter);
  }
  const askPage = pageAsker(plan, options);
  let requests = 0;
  for (;;) {
    const pending = (Object.keys(cursors) as SetName[]).filter((name) =>
      !cursors[name]!.done
    );
    if (pending.length === 0) break;
    const project = await askPage(pending, cursors);
    requests++;
    for (const name of pending) {
      advance(cursors[name]!, project[name], name);
    }
    options.log?.(
      `request ${requests}: ${
        pending.map((name) => `${name} ${cursors[name]!.runs.size}`).join(", ")
      }`,
    );
  }
  return {
    candidates: inCreationOrder(cursors.candidates!.runs),
    baselines: inCreationOrder(cursors.baselines?.runs ?? new Map()),
    requests,
  };
}

/**
 * Asks W&B for the next page of each pending set and reads the answer:
 * what varies between requests is only which sets are asked for and where
 * each starts.
 */
function pageAsker(
  plan: QueryPlan,
  options: FetchRunsOptions,
): (
  pending: readonly SetName[],
  cursors: Partial<Record<SetName, PageCursor>>,
) => Promise<Record<SetName, Page>> {
  const metrics = options.metrics ?? [];
  const configVars = ["github_sha", ...options.configVars ?? []];
  const baseVariables = {
    entity: plan.entity,
    project: plan.project,
    perPage: options.pageSize ?? DEFAULT_PAGE_SIZE,
    order: "+created_at",
    configKeys: projectionKeys(configVars),
    ...(metrics.length > 0 ? { summaryKeys: projectionKeys(metrics) } : {}),
  };
  const readAnswer = answerReader({ metrics, configVars });
  return async (pending, cursors) => {
    const variables: Record<string, unknown> = { ...baseVariables };
    for (const name of pending) {
      variables[`${name}Filters`] = JSON.stringify(cursors[name]!.filter);
      variables[`${name}Cursor`] = cursors[name]!.after;
    }
    const data = await postGraphql({
      query: buildRunsDocument(pending, metrics.length > 0),
      variables,
    }, options);
    const project = readAnswer(data, pending);
    if (project === null) {
      throw new WandbError(
        `W&B has no project "${plan.entity}/${plan.project}" at ${options.baseUrl} that this API key can see`,
        { kind: "no-project" },
      );
    }
    return project;
  };
}

/**
 * Builds the GraphQL document for one page of each named set, as aliases of
 * `project.runs`.
 *
 * @param sets The aliases to include, `candidates` and/or `baselines`.
 * @param withSummary Whether to ask for (projected) summary metrics.
 * @returns The document text.
 */
export function buildRunsDocument(
  sets: readonly SetName[],
  withSummary: boolean,
): string {
  const setVariables = sets.map((name) =>
    `$${name}Filters: JSONString!, $${name}Cursor: String`
  ).join(", ");
  const summaryVariable = withSummary ? ", $summaryKeys: [String!]!" : "";
  const fields = `${RUN_NODE_FIELDS} config(keys: $configKeys)${
    withSummary ? ` ${SUMMARY_FIELD}` : ""
  }`;
  const selections = sets.map((name) =>
    `${name}: runs(filters: $${name}Filters, after: $${name}Cursor, first: $perPage, order: $order) {
      edges { cursor node { ${fields} } }
      pageInfo { endCursor hasNextPage }
    }`
  ).join("\n    ");
  return `query Runs($entity: String!, $project: String!, $perPage: Int!, $order: String!, $configKeys: [String!]!${summaryVariable}, ${setVariables}) {
  project(name: $project, entityName: $entity) {
    ${selections}
  }
}`;
}

/**
 * The top-level keys to ask W&B for so that each wanted name can be found:
 * the first segment of each dotted path, whose value the path is then
 * resolved in on our side. W&B's own callers send top-level keys only; how
 * the server treats a dotted key is undocumented, so none is sent.
 *
 * @example
 * ```ts
 * import { projectionKeys } from "./fetch_runs.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(projectionKeys(["eval.f1", "acc", "eval.recall"]), ["eval", "acc"]);
 * ```
 *
 * @param names Wanted names or dotted paths.
 * @returns Unique top-level keys, in order of first need.
 */
export function projectionKeys(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => name.split(".")[0]))];
}

function newCursor(filter: RunFilter): PageCursor {
  return {
    filter,
    after: null,
    done: false,
    runs: new Map(),
    overlapping: false,
    rereads: 0,
  };
}

function parseProject(
  schema: z.ZodType<{ project: unknown }, unknown>,
  data: unknown,
): ProjectPages {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const runId = runIdAt(data, issue.path);
    throw new WandbError(
      `W&B answered malformed data${
        runId === undefined ? "" : ` for run ${quoteForMessage(runId)}`
      } at ${["data", ...issue.path].join(".")}: ${issue.message}`,
    );
  }
  return result.data.project as ProjectPages;
}

/** The run id of the node a validation issue is in, when there is one. */
function runIdAt(
  data: unknown,
  path: readonly PropertyKey[],
): string | undefined {
  const nodeAt = path.indexOf("node");
  if (nodeAt < 0) return undefined;
  let node: unknown = data;
  for (const key of path.slice(0, nodeAt + 1)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  const name = (node as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : undefined;
}

/**
 * Takes one page of a set: its runs, then where the next page starts. Only
 * `hasNextPage` ends a set; how many edges a page holds says nothing.
 */
function advance(
  cursor: PageCursor,
  page: Page,
  name: SetName,
): void {
  // A page that starts with a run not seen yet may have skipped some.
  const first = page.edges[0]?.node?.runId;
  if (cursor.overlapping && (first === undefined || !cursor.runs.has(first))) {
    if (cursor.rereads > 0) {
      throw new WandbError(
        `W&B's list of ${name} changed while it was read, twice (runs before the page deleted or untagged); run again`,
      );
    }
    cursor.rereads++;
    cursor.runs.clear();
    cursor.after = null;
    cursor.overlapping = false;
    return;
  }
  let added = 0;
  let nullNodes = 0;
  for (const { node } of page.edges) {
    if (node === null) {
      nullNodes++;
    } else if (!cursor.runs.has(node.runId)) {
      cursor.runs.set(node.runId, node);
      added++;
    }
  }
  if (!page.pageInfo.hasNextPage) {
    cursor.done = true;
    return;
  }
  // Overlap by one run: the next page starts after the edge before the last
  // run of this page, so it must start with that run. Null nodes after that
  // run are served again, and skipped again. A page whose only run is its
  // first edge (or that has none) cannot overlap: the next starts after it.
  const lastRun = page.edges.findLastIndex((edge) => edge.node !== null);
  const overlap = lastRun >= 1;
  const next = overlap
    ? page.edges[lastRun - 1].cursor
    : page.pageInfo.endCursor ?? page.edges.at(-1)?.cursor ?? null;
  cursor.overlapping = overlap;
  // A page with more to come that brought no new run could repeat forever;
  // one that skipped null nodes moved on past them.
  if (
    (added === 0 && nullNodes === 0) || next === null || next === cursor.after
  ) {
    throw new WandbError(
      `W&B paging of ${name} did not advance (hasNextPage with ${page.edges.length} runs and cursor ${
        JSON.stringify(next)
      })`,
    );
  }
  cursor.after = next;
}

function inCreationOrder(runs: Map<string, WandbRun>): WandbRun[] {
  return [...runs.values()].sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0
  );
}
