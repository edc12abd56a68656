/**
 * A W&B runs filter: a MongoDB-style document, sent as a JSON string.
 *
 * @example A plan with a filter of one's own, as W&B receives it
 * ```ts
 * import { fetchRuns, type RunFilter } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * // Candidates: the finished runs tagged `nightly`.
 * const candidateFilter: RunFilter = {
 *   $and: [{ tags: { $in: ["nightly"] } }, { state: "finished" }],
 * };
 * let variables: Record<string, unknown> = {};
 * const fetch = (_url: unknown, init?: RequestInit) => {
 *   variables = JSON.parse(String(init?.body)).variables;
 *   const candidates = { edges: [], pageInfo: { endCursor: null, hasNextPage: false } };
 *   return Promise.resolve(Response.json({ data: { project: { candidates } } }));
 * };
 * const plan = { entity: "github", project: "predict-issue-labels", candidateFilter, baselineFilter: null };
 * await fetchRuns(plan, { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch });
 * assert.equal(variables.candidatesFilters, JSON.stringify(candidateFilter));
 * ```
 */
export type RunFilter = Record<string, unknown>;

/**
 * What to ask W&B for: which runs are candidates, which are baselines.
 *
 * @example The plan for one run and the runs tagged `baseline`
 * ```ts
 * import { buildQueryPlan, type QueryPlan } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const plan: QueryPlan = buildQueryPlan({
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   runId: "e6lo523p",
 *   baselineTags: ["baseline"],
 * });
 * assert.equal(plan.runId, "e6lo523p");
 * assert.deepEqual(plan.candidateFilter, { name: "e6lo523p" });
 * // The run itself is never its own baseline.
 * assert.deepEqual(plan.baselineFilter, {
 *   $and: [{ tags: { $in: ["baseline"] } }, { name: { $ne: "e6lo523p" } }],
 * });
 * ```
 */
export interface QueryPlan {
  /** The W&B entity that owns the project. */
  entity: string;
  /** The W&B project. */
  project: string;
  /** The filter selecting the candidate runs (those under review). */
  candidateFilter: RunFilter;
  /** The filter selecting baseline runs, or `null` when no baseline tags were given. */
  baselineFilter: RunFilter | null;
  /** The run id asked for, when candidates were chosen by run id. */
  runId?: string;
}

/**
 * What a query plan is built from: the project and how runs are picked.
 *
 * @example Candidates by two SHAs, without baselines
 * ```ts
 * import { buildQueryPlan, type QuerySelection } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const selection: QuerySelection = {
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   githubSha: "86edd03",
 *   secondarySha: "5f1c2aa",
 *   baselineTags: [],
 * };
 * const plan = buildQueryPlan(selection);
 * assert.deepEqual(plan.candidateFilter, {
 *   $and: [{ "config.github_sha": "86edd03" }, { "config.secondary_sha": "5f1c2aa" }],
 * });
 * assert.equal(plan.baselineFilter, null); // no baseline tags, no baselines
 * ```
 */
export interface QuerySelection {
  /** The W&B entity. */
  entity: string;
  /** The W&B project. */
  project: string;
  /** A run id; when set, the SHAs are ignored. */
  runId?: string;
  /** The config `github_sha` of candidate runs. */
  githubSha?: string;
  /** The config `secondary_sha` of candidate runs (needs `githubSha`). */
  secondarySha?: string;
  /** Baseline tags; empty means no baselines. */
  baselineTags: readonly string[];
}

/**
 * Builds the filters the original action sent: candidates by run id or by
 * config SHA(s); baselines are runs with any baseline tag that are not
 * candidates (a run missing a SHA key counts as "not equal").
 *
 * @example
 * ```ts
 * import { buildQueryPlan } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const plan = buildQueryPlan({
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   githubSha: "86edd03",
 *   baselineTags: ["baseline"],
 * });
 * assert.deepEqual(plan.candidateFilter, { "config.github_sha": "86edd03" });
 * // Baselines: tagged runs of another commit, or of none.
 * const sha = "config.github_sha";
 * assert.deepEqual(plan.baselineFilter, {
 *   $and: [
 *     { tags: { $in: ["baseline"] } },
 *     { $or: [{ [sha]: { $ne: "86edd03" } }, { [sha]: { $exists: false } }] },
 *   ],
 * });
 * assert.throws(() => buildQueryPlan({ entity: "github", project: "p", baselineTags: [] }), TypeError);
 * ```
 *
 * @param selection The project and the run id or SHAs.
 * @returns The plan, with one filter per set.
 * @throws {TypeError} when neither a run id nor a SHA is given.
 */
export function buildQueryPlan(selection: QuerySelection): QueryPlan {
  const { entity, project, runId, githubSha, secondarySha, baselineTags } =
    selection;
  const tagFilter = { tags: { $in: [...baselineTags] } };
  const withBaselines = baselineTags.length > 0;
  if (runId !== undefined) {
    return {
      entity,
      project,
      runId,
      candidateFilter: { name: runId },
      baselineFilter: withBaselines
        ? { $and: [tagFilter, { name: { $ne: runId } }] }
        : null,
    };
  }
  if (githubSha === undefined) {
    throw new TypeError(
      "Cannot build a query plan: a run id or a GitHub SHA is required",
    );
  }
  const configKeys: [string, string][] = [["config.github_sha", githubSha]];
  if (secondarySha !== undefined) {
    configKeys.push(["config.secondary_sha", secondarySha]);
  }
  const equalities = configKeys.map(([key, value]) => ({ [key]: value }));
  const differences = configKeys.flatMap(([key, value]) => [
    { [key]: { $ne: value } },
    { [key]: { $exists: false } },
  ]);
  return {
    entity,
    project,
    candidateFilter: equalities.length === 1
      ? equalities[0]
      : { $and: equalities },
    baselineFilter: withBaselines
      ? { $and: [tagFilter, { $or: differences }] }
      : null,
  };
}
