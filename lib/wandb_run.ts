import { z } from "zod";
import { parseExactJson } from "./exact_json.ts";

/** The {@linkcode WandbRun.state} of a run whose state W&B gave as null. */
export const UNKNOWN_STATE = "unknown";

/**
 * A W&B run, as the rest of the program sees it.
 *
 * W&B's schema lets a run's `state`, `config`, `summaryMetrics`, `tags`,
 * `displayName`, `description` and `commit` be null; none of them makes the
 * run unreadable (see {@linkcode runNodeSchema}).
 */
export interface WandbRun {
  /** The run id, the 8-character name seen in run URLs (`e6lo523p`). */
  runId: string;
  /** The human name (`dashing-leaf-4`); the run id when W&B gave none. */
  displayName: string;
  /**
   * The run's state in lower case: `finished`, `running`, `crashed`,
   * `killed`, ...; `unknown` ({@linkcode UNKNOWN_STATE}) when W&B gave a null
   * state. An unknown state is not finished, and not known to be settled.
   */
  state: string;
  /** The run's tags; none when W&B gave a null list (null items are left out). */
  tags: string[];
  /** The run's description, or `null`. */
  description: string | null;
  /** When the run was created, ISO-8601 in UTC. */
  createdAt: string;
  /** Config values, unwrapped from W&B's `{"value": ...}`; empty when W&B gave a null config. */
  config: Record<string, unknown>;
  /**
   * Summary metrics: the last logged values (integers past 2^53 as
   * `bigint`); empty when W&B gave a null summary or it was not asked for.
   */
  summary: Record<string, unknown>;
}

function jsonObjectString(field: string) {
  return z.string().transform((text, context) => {
    try {
      const value = parseExactJson(text);
      if (
        typeof value === "object" && value !== null && !Array.isArray(value)
      ) {
        return value as Record<string, unknown>;
      }
    } catch {
      // reported below
    }
    context.addIssue({
      code: "custom",
      message: `expected ${field} to be a JSON object in a string`,
    });
    return z.NEVER;
  });
}

const timestamp = z.string().transform((text, context) => {
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/i.test(text);
  const time = Date.parse(hasOffset ? text : `${text}Z`);
  if (Number.isNaN(time)) {
    context.addIssue({ code: "custom", message: "expected an ISO-8601 time" });
    return z.NEVER;
  }
  return new Date(time).toISOString();
});

/** The GraphQL fields of `Run` that {@linkcode runNodeSchema} reads. */
export const RUN_NODE_FIELDS =
  "name displayName state tags description createdAt";

/**
 * Validates one `Run` node as W&B sends it and turns it into a {@linkcode WandbRun}.
 *
 * The fields W&B's schema lets be null are read as W&B's own clients read
 * them: a null `config` or `summaryMetrics` as an empty object, a null
 * `state` as {@linkcode UNKNOWN_STATE}, a null `displayName` as the run id,
 * null `tags` as none. Everything else is strict: a missing `name`, a state
 * that is not a non-empty string, or a config that is not a JSON object in a
 * string is an error.
 *
 * @example A run with a null state, config and summary is still a run
 * ```ts
 * import { runNodeSchema } from "./wandb_run.ts";
 * import assert from "node:assert/strict";
 *
 * const run = runNodeSchema.parse({
 *   name: "e6lo523p", displayName: null, state: null, tags: null,
 *   description: null, createdAt: "2026-08-01T12:00:00",
 *   config: null, summaryMetrics: null,
 * });
 * assert.equal(run.state, "unknown");
 * assert.deepEqual([run.config, run.summary], [{}, {}]);
 * ```
 */
export const runNodeSchema: z.ZodType<WandbRun, unknown> = z.object({
  name: z.string().min(1),
  displayName: z.string().nullable(),
  state: z.string().min(1).nullable(),
  tags: z.array(z.string().nullable()).nullable(),
  description: z.string().nullable(),
  createdAt: timestamp,
  config: jsonObjectString("config").nullable(),
  summaryMetrics: jsonObjectString("summaryMetrics").nullable().optional(),
}).transform((node) => ({
  runId: node.name,
  displayName: node.displayName ?? node.name,
  state: node.state?.toLowerCase() ?? UNKNOWN_STATE,
  tags: (node.tags ?? []).filter((tag) => tag !== null),
  description: node.description,
  createdAt: node.createdAt,
  config: unwrapConfig(node.config ?? {}),
  summary: node.summaryMetrics ?? {},
}));

/**
 * Unwraps W&B's config entries (`{"lr": {"value": 0.1}}`, or the older
 * `{"desc": null, "value": 0.1}`) to plain values, leaving out `_wandb`.
 *
 * @param config The config object as W&B stores it.
 * @returns The config as name to value.
 */
export function unwrapConfig(
  config: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(config)) {
    if (key === "_wandb") continue;
    const wrapped = typeof entry === "object" && entry !== null &&
      !Array.isArray(entry) && "value" in entry;
    values[key] = wrapped ? (entry as { value: unknown }).value : entry;
  }
  return values;
}
