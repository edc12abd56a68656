/** A W&B runs filter: a MongoDB-style document, sent as a JSON string. */
export type RunFilter = Record<string, unknown>;

/** What to ask W&B for: which runs are candidates, which are baselines. */
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

/** What a query plan is built from: the project and how runs are picked. */
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
 * import { buildQueryPlan } from "./query_plan.ts";
 * import assert from "node:assert/strict";
 *
 * const plan = buildQueryPlan({
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   githubSha: "86edd03",
 *   baselineTags: ["baseline"],
 * });
 * assert.deepEqual(plan.candidateFilter, { "config.github_sha": "86edd03" });
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
