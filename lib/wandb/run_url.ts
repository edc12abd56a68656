/**
 * The W&B web app's address for an API base URL: `https://api.wandb.ai`
 * becomes `https://wandb.ai`, `https://api.X` becomes `https://app.X`, and
 * any other base is used as it is.
 *
 * @example
 * ```ts
 * import { appUrlFor } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * assert.equal(appUrlFor("https://api.wandb.ai"), "https://wandb.ai");
 * assert.equal(appUrlFor("https://api.acme.wandb.io"), "https://app.acme.wandb.io");
 * ```
 *
 * @param baseUrl The API base URL.
 * @returns The app URL, without a trailing `/`.
 */
export function appUrlFor(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.hostname === "api.wandb.ai") url.hostname = "wandb.ai";
  else if (url.hostname.startsWith("api.")) {
    url.hostname = `app.${url.hostname.slice(4)}`;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/**
 * Where a run lives in W&B.
 *
 * @example The links of a project's runs on a dedicated W&B server
 * ```ts
 * import { appUrlFor, type RunLocation, runUrl } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const app = appUrlFor("https://api.acme.wandb.io");
 * const locations: RunLocation[] = ["e6lo523p", "cqigzoxc"].map((runId) => ({
 *   entity: "acme",
 *   project: "predict-issue-labels",
 *   runId,
 * }));
 * assert.deepEqual(locations.map((location) => runUrl(app, location)), [
 *   "https://app.acme.wandb.io/acme/predict-issue-labels/runs/e6lo523p",
 *   "https://app.acme.wandb.io/acme/predict-issue-labels/runs/cqigzoxc",
 * ]);
 * ```
 */
export interface RunLocation {
  /** The W&B entity. */
  entity: string;
  /** The W&B project. */
  project: string;
  /** The run id. */
  runId: string;
}

/**
 * A run's page: `{app}/{entity}/{project}/runs/{run id}`, each segment
 * percent-encoded.
 *
 * @example
 * ```ts
 * import { appUrlFor, runUrl } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const url = runUrl(appUrlFor("https://api.wandb.ai"), {
 *   entity: "github",
 *   project: "predict-issue-labels",
 *   runId: "e6lo523p",
 * });
 * assert.equal(url, "https://wandb.ai/github/predict-issue-labels/runs/e6lo523p");
 * // Each segment is percent-encoded.
 * assert.equal(runUrl("https://wandb.ai", { entity: "a b", project: "p", runId: "r" }), "https://wandb.ai/a%20b/p/runs/r");
 * ```
 *
 * @param appUrl The app URL from {@linkcode appUrlFor}.
 * @param location The run's entity, project and id.
 * @returns The run's URL.
 */
export function runUrl(appUrl: string, location: RunLocation): string {
  const { entity, project, runId } = location;
  return [appUrl, ...[entity, project, "runs", runId].map(encodeURIComponent)]
    .join("/");
}
