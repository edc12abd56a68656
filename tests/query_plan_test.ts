import assert from "node:assert/strict";
import { buildQueryPlan } from "../lib/wandb/query_plan.ts";

const PROJECT = { entity: "github", project: "predict-issue-labels" };

Deno.test("by run id: the run is the candidate, tagged others are baselines", () => {
  const plan = buildQueryPlan({
    ...PROJECT,
    runId: "e6lo523p",
    baselineTags: ["baseline", "reference"],
  });
  assert.deepEqual(plan.candidateFilter, { name: "e6lo523p" });
  assert.deepEqual(plan.baselineFilter, {
    $and: [{ tags: { $in: ["baseline", "reference"] } }, {
      name: { $ne: "e6lo523p" },
    }],
  });
  assert.equal(plan.runId, "e6lo523p");
});

Deno.test("by SHA: baselines include runs without a github_sha", () => {
  const plan = buildQueryPlan({
    ...PROJECT,
    githubSha: "abc",
    baselineTags: ["baseline"],
  });
  assert.deepEqual(plan.candidateFilter, { "config.github_sha": "abc" });
  assert.deepEqual(plan.baselineFilter, {
    $and: [{ tags: { $in: ["baseline"] } }, {
      $or: [{ "config.github_sha": { $ne: "abc" } }, {
        "config.github_sha": { $exists: false },
      }],
    }],
  });
});

Deno.test("by SHA and secondary SHA: both must match, either may differ", () => {
  const plan = buildQueryPlan({
    ...PROJECT,
    githubSha: "abc",
    secondarySha: "data1",
    baselineTags: ["baseline"],
  });
  assert.deepEqual(plan.candidateFilter, {
    $and: [{ "config.github_sha": "abc" }, { "config.secondary_sha": "data1" }],
  });
  assert.deepEqual(plan.baselineFilter, {
    $and: [{ tags: { $in: ["baseline"] } }, {
      $or: [
        { "config.github_sha": { $ne: "abc" } },
        { "config.github_sha": { $exists: false } },
        { "config.secondary_sha": { $ne: "data1" } },
        { "config.secondary_sha": { $exists: false } },
      ],
    }],
  });
});

Deno.test("no baseline tags: no baseline query", () => {
  assert.equal(
    buildQueryPlan({ ...PROJECT, githubSha: "abc", baselineTags: [] })
      .baselineFilter,
    null,
  );
});
