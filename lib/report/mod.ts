/**
 * Writing reports, in pure functions (runs in, text out): the CSV, with one
 * row per finished candidate and per baseline, and what a Markdown writer
 * needs to show W&B's text safely. The whole review as CSV, Markdown or JSON
 * is one call on a review: `csvReport`, `markdownReport` and `jsonReport`
 * from `@ml-review/wandb-runs`.
 *
 * @example The CSV of runs fetched some other way
 * ```ts
 * import { csvText } from "@ml-review/wandb-runs/report";
 * import assert from "node:assert/strict";
 *
 * const run = {
 *   runId: "e6lo523p", displayName: "dashing-leaf-4", state: "finished", tags: ["test"],
 *   description: null, createdAt: "2026-08-01T12:00:00.000Z",
 *   config: { github_sha: "86edd03", lr: 0.1 }, summary: { eval: { f1: 0.8 } },
 * };
 * const csv = csvText({ candidates: [run], baselines: [] }, {
 *   appUrl: "https://wandb.ai", entity: "github", project: "predict-issue-labels",
 *   metrics: ["eval.f1"], configVars: ["lr"],
 * });
 * assert.equal(
 *   csv.split("\n")[1],
 *   "https://wandb.ai/github/predict-issue-labels/runs/e6lo523p,dashing-leaf-4,['test'],e6lo523p,github,predict-issue-labels,86edd03,,0.8,0.1,candidate",
 * );
 * ```
 *
 * @module
 */
export {
  csvColumns,
  type CsvColumnsRequest,
  type CsvContext,
  csvRows,
  csvText,
  formatCell,
} from "./csv.ts";
export { escapeMarkdown } from "./markdown_text.ts";
export { JSON_REPORT_VERSION } from "./json.ts";
