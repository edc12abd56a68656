/**
 * The limit: the least any client could transfer for our output, computed
 * from the generated runs alone (independently of our client and of the fake's
 * answers): the fewest round trips, and the JSON bytes of only the fields the
 * CSV and report need, for only the matching runs, with no envelope, cursors
 * or paging overlap.
 *
 * @module
 */

import type { FakeRun } from "../testing/fake_wandb/server.ts";

/** The largest page W&B is known to serve. */
export const LARGEST_PAGE = 1000;

/**
 * The fewest requests that fetch every set: the sets travel together, so the
 * largest set's page count, and at least one request.
 *
 * @param setSizes The runs in each set.
 * @param pageSize Runs per page.
 * @returns The number of requests.
 */
export function limitRequests(
  setSizes: readonly number[],
  pageSize: number = LARGEST_PAGE,
): number {
  return Math.max(1, ...setSizes.map((size) => Math.ceil(size / pageSize)));
}

/** What our output shows of each run. */
export interface WantedFields {
  /** Display metrics (dotted paths reach into nested values). */
  metrics: readonly string[];
  /** Display config vars; `github_sha` is always wanted. */
  configVars: readonly string[];
}

/** A run as W&B would serve only the fields our output needs. */
export interface ProjectedRunNode {
  /** The run id. */
  name: string;
  /** The human name, or `null`. */
  displayName: string | null;
  /** The state, or `null`. */
  state: string | null;
  /** The tags. */
  tags: string[];
  /** The description, or `null`. */
  description: string | null;
  /** The creation time as stored. */
  createdAt: string;
  /** The wanted config keys, wrapped in `{"value": ...}`, as JSON text. */
  config: string;
  /** The wanted summary keys, as JSON text. */
  summaryMetrics: string;
}

/**
 * A run as W&B would serve just the fields our output needs: `name`,
 * `displayName`, `state`, `tags`, `description`, `createdAt`, and `config`
 * and `summaryMetrics` as JSON text holding only the wanted top-level keys
 * (W&B projects top-level keys, so `eval.f1` costs all of `eval`), config
 * values wrapped in `{"value": ...}`.
 *
 * @param run The stored run.
 * @param wanted The displayed metrics and config vars.
 * @returns The projected node.
 */
export function projectedRunNode(
  run: FakeRun,
  wanted: WantedFields,
): ProjectedRunNode {
  const config: Record<string, unknown> = {};
  for (
    const key of topLevelKeys(run.config ?? {}, [
      "github_sha",
      ...wanted.configVars,
    ])
  ) {
    config[key] = { value: run.config![key] };
  }
  const summary: Record<string, unknown> = {};
  for (const key of topLevelKeys(run.summaryMetrics ?? {}, wanted.metrics)) {
    summary[key] = run.summaryMetrics![key];
  }
  return {
    name: run.name,
    displayName: run.displayName,
    state: run.state,
    tags: run.tags ?? [],
    description: run.description ?? null,
    createdAt: run.createdAt,
    config: wandbJson(config),
    summaryMetrics: wandbJson(summary),
  };
}

/**
 * The bytes of the fields our output needs for these runs: the JSON of each
 * {@linkcode projectedRunNode}, summed, with no envelope.
 *
 * @param runs The runs our output needs (candidates and baselines).
 * @param wanted The displayed metrics and config vars.
 * @returns UTF-8 bytes of one JSON object per run, summed.
 */
export function limitBytes(
  runs: readonly FakeRun[],
  wanted: WantedFields,
): number {
  const encoder = new TextEncoder();
  let bytes = 0;
  for (const run of runs) {
    bytes += encoder.encode(JSON.stringify(projectedRunNode(run, wanted)))
      .length;
  }
  return bytes;
}

/** The top-level keys of `values` that the wanted names need: a key itself, else a dotted path's first segment. */
function topLevelKeys(
  values: Record<string, unknown>,
  names: readonly string[],
): string[] {
  const keys = new Set<string>();
  for (const name of names) {
    const key = Object.hasOwn(values, name) ? name : name.split(".")[0];
    if (Object.hasOwn(values, key)) keys.add(key);
  }
  return [...keys];
}

/** JSON as W&B writes it: `NaN` and the infinities as strings. */
function wandbJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) =>
      typeof item === "number" && !Number.isFinite(item) ? String(item) : item,
  );
}
