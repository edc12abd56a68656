/**
 * Reading W&B: the query plan (which runs are candidates, which are
 * baselines), paging through both sets over W&B's GraphQL API, the transport
 * with its retries, waiting for unfinished candidates, run links, and the run
 * type with its nullable fields read as W&B's own clients read them. Nothing
 * here judges runs or knows about GitHub.
 *
 * @example Fetch the candidates and baselines of a commit
 * ```ts
 * import { buildQueryPlan, fetchRuns } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * // A stub of W&B's GraphQL API with one run in each set.
 * const run = (name: string, tags: string[]) => ({
 *   name, displayName: name, state: "finished", tags, description: null,
 *   createdAt: "2026-08-01T12:00:00", config: "{}", summaryMetrics: '{"acc": 0.9}',
 * });
 * const page = (node: unknown) => ({
 *   edges: [{ cursor: "0", node }], pageInfo: { endCursor: "0", hasNextPage: false },
 * });
 * const fetch = () => Promise.resolve(Response.json({ data: { project: {
 *   candidates: page(run("e6lo523p", [])),
 *   baselines: page(run("cqigzoxc", ["baseline"])),
 * } } }));
 *
 * const plan = buildQueryPlan({
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   githubSha: "86edd034aaba1498dbae6465cf994de90be6a4b2",
 *   baselineTags: ["baseline"],
 * });
 * const { candidates, baselines } = await fetchRuns(plan, {
 *   baseUrl: "https://api.wandb.ai",
 *   apiKey: "your-w-and-b-api-key",
 *   metrics: ["acc"],
 *   fetch,
 * });
 * assert.deepEqual(candidates.map((run) => run.summary), [{ acc: 0.9 }]);
 * assert.equal(baselines[0].runId, "cqigzoxc");
 * ```
 *
 * @module
 */
export {
  buildQueryPlan,
  type QueryPlan,
  type QuerySelection,
  type RunFilter,
} from "./query_plan.ts";
export {
  DEFAULT_PAGE_SIZE,
  type FetchedRuns,
  fetchRuns,
  type FetchRunsOptions,
} from "./fetch_runs.ts";
export {
  type GraphqlRequest,
  postGraphql,
  type WandbConnection,
} from "./graphql_transport.ts";
export {
  waitForRuns,
  type WaitOptions,
  type WaitResult,
} from "./wait_for_runs.ts";
export { appUrlFor, type RunLocation, runUrl } from "./run_url.ts";
export type { WandbRun } from "./run.ts";
export { WandbError, type WandbFailureKind } from "../errors.ts";
