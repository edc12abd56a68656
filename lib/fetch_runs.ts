import { z } from "zod";
import { WandbError } from "./errors.ts";
import { postGraphql, type WandbConnection } from "./graphql_transport.ts";
import type { QueryPlan, RunFilter } from "./query_plan.ts";
import { RUN_NODE_FIELDS, runNodeSchema, type WandbRun } from "./wandb_run.ts";

/**
 * Runs asked for per page unless `PAGE_SIZE` says otherwise: the largest page
 * W&B is known to serve, so up to 1,000 runs per set need one request.
 */
export const DEFAULT_PAGE_SIZE = 1000;

/** Options of {@linkcode fetchRuns}: the connection, and what to ask for. */
export interface FetchRunsOptions extends WandbConnection {
  /** Runs per page. Default {@linkcode DEFAULT_PAGE_SIZE}. */
  pageSize?: number;
  /** Summary metrics wanted (names or dotted paths); only these are downloaded. */
  metrics?: readonly string[];
  /** Config names wanted (names or dotted paths); `github_sha` is always included. */
  configVars?: readonly string[];
}

/** The runs W&B returned for a plan, each set de-duplicated and oldest first. */
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
}

const pageSchema = z.object({
  edges: z.array(z.object({ cursor: z.string(), node: runNodeSchema })),
  pageInfo: z.object({
    endCursor: z.string().nullable(),
    hasNextPage: z.boolean(),
  }),
});

const SUMMARY_FIELD = "summaryMetrics(keys: $summaryKeys)";

/**
 * Fetches the candidate and baseline runs of a plan from W&B's GraphQL API.
 * Both sets travel in one request (GraphQL aliases) and page on together
 * until each reports no next page; only the run fields the CSV needs, and
 * only the requested summary and config keys, are downloaded.
 *
 * @example With the W&B API (needs a key and network)
 * ```ts ignore
 * import { buildQueryPlan, fetchRuns } from "./mod.ts";
 *
 * const plan = buildQueryPlan({
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   githubSha: "86edd034aaba1498dbae6465cf994de90be6a4b2",
 *   baselineTags: ["baseline"],
 * });
 * const { candidates, baselines } = await fetchRuns(plan, {
 *   baseUrl: "https://api.wandb.ai",
 *   apiKey: Deno.env.get("WANDB_API_KEY")!,
 *   metrics: ["acc", "loss"],
 * });
 * console.log(candidates.length, baselines.length);
 * ```
 *
 * @param plan Which runs are candidates and which are baselines.
 * @param options The connection, page size and wanted keys.
 * @returns The runs of each set.
 * @throws {WandbError} when W&B fails, answers malformed data, or the project does not exist.
 */
export async function fetchRuns(
  plan: QueryPlan,
  options: FetchRunsOptions,
): Promise<FetchedRuns> {
  const metrics = options.metrics ?? [];
  const configVars = options.configVars ?? [];
  const cursors: Partial<Record<SetName, PageCursor>> = {
    candidates: newCursor(plan.candidateFilter),
  };
  if (plan.baselineFilter !== null) {
    cursors.baselines = newCursor(plan.baselineFilter);
  }
  const baseVariables = {
    entity: plan.entity,
    project: plan.project,
    perPage: options.pageSize ?? DEFAULT_PAGE_SIZE,
    order: "+created_at",
    configKeys: projectionKeys(["github_sha", ...configVars]),
    ...(metrics.length > 0 ? { summaryKeys: projectionKeys(metrics) } : {}),
  };
  let requests = 0;
  for (;;) {
    const pending = (Object.keys(cursors) as SetName[]).filter((name) =>
      !cursors[name]!.done
    );
    if (pending.length === 0) break;
    const variables: Record<string, unknown> = { ...baseVariables };
    for (const name of pending) {
      variables[`${name}Filters`] = JSON.stringify(cursors[name]!.filter);
      variables[`${name}Cursor`] = cursors[name]!.after;
    }
    const data = await postGraphql({
      query: buildRunsDocument(pending, metrics.length > 0),
      variables,
    }, options);
    requests++;
    const project = parseProject(data, pending);
    if (project === null) {
      throw new WandbError(
        `PROJECT_NAME: W&B has no project "${plan.entity}/${plan.project}" at ${options.baseUrl} that this API key can see`,
      );
    }
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
 * the name itself, and for a dotted path also its first segment.
 *
 * @param names Wanted names or dotted paths.
 * @returns Unique top-level keys, in order of first need.
 */
export function projectionKeys(names: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    keys.add(name);
    if (name.includes(".")) keys.add(name.split(".")[0]);
  }
  return [...keys];
}

function newCursor(filter: RunFilter): PageCursor {
  return { filter, after: null, done: false, runs: new Map() };
}

function parseProject(
  data: unknown,
  sets: readonly SetName[],
): Record<SetName, z.infer<typeof pageSchema>> | null {
  const shape = Object.fromEntries(sets.map((name) => [name, pageSchema]));
  const schema = z.object({ project: z.object(shape).nullable() });
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new WandbError(
      `W&B answered malformed data at ${
        ["data", ...issue.path].join(".")
      }: ${issue.message}`,
    );
  }
  return result.data.project as Record<SetName, z.infer<typeof pageSchema>>;
}

function advance(
  cursor: PageCursor,
  page: z.infer<typeof pageSchema>,
  name: SetName,
): void {
  for (const { node } of page.edges) {
    if (!cursor.runs.has(node.runId)) cursor.runs.set(node.runId, node);
  }
  if (!page.pageInfo.hasNextPage) {
    cursor.done = true;
    return;
  }
  const next = page.pageInfo.endCursor ?? page.edges.at(-1)?.cursor ?? null;
  if (page.edges.length === 0 || next === null || next === cursor.after) {
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
